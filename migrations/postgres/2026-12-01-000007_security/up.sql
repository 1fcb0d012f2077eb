-- `network` contact cards (personal data) go only to the directory centres that staff trust:
-- a follower is not trusted until staff say so. After this upgrade nobody is trusted.
ALTER TABLE followers ADD COLUMN trusted BOOLEAN NOT NULL DEFAULT FALSE;

-- Failed admin logins, counted per key (`account:NAME`, `address:IP`, `pair:NAME|IP`), in
-- the database so that restarts forget nothing and replicas on one PostgreSQL share them.
-- `failures` counts the attempts since `last_failure_at` began a window; a window older
-- than the throttling period starts again from zero.
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    last_failure_at TIMESTAMP NOT NULL
);
