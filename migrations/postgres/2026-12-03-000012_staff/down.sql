DROP TABLE audit_log;
ALTER TABLE accounts DROP COLUMN role;
