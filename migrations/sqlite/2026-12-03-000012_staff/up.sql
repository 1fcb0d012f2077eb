-- Several staff per node (issue 12): each account is an `administrator` (the profile, the
-- network, the accounts) or an `editor` (recommendations, contact cards, places, providers,
-- events). The accounts that existed before were the node's only staff: administrators.
ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'administrator';

-- Who created, changed or deleted what, from the admin pages or with an API token: shown on
-- the dashboard and on the log's own page. `actor` is an account name or `token:LABEL`;
-- `title` is what the object was called then (it may since have been deleted).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    kind TEXT NOT NULL,
    object_key TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
