-- Several staff per node (issue 12): each account is an `administrator` (the profile, the
-- network, the accounts) or an `editor` (recommendations, contact cards, places, providers,
-- events). The accounts that existed before were the node's only staff: administrators.
ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'administrator';
