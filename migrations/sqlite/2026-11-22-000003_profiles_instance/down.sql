DROP TABLE instance_keys;
ALTER TABLE centres DROP COLUMN contact;
ALTER TABLE centres DROP COLUMN header;
