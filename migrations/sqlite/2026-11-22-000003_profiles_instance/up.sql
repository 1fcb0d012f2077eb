-- What Mastodon shows of a centre: a header image and a contact, beside icon and website.
ALTER TABLE centres ADD COLUMN header TEXT;
ALTER TABLE centres ADD COLUMN contact TEXT;

-- The instance actor (FEP-2677) that signs this node's fetches: one key pair per node.
CREATE TABLE instance_keys (
    id INTEGER PRIMARY KEY,
    public_key TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
