DROP TABLE login_failures;
ALTER TABLE followers DROP COLUMN trusted;
