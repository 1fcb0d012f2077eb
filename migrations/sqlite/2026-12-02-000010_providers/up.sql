-- Hosting providers: one record per organisation, shared by all its offers. An offer (in a
-- recommendation's `hosting` JSON) keeps a copy of its provider's card with the provider's
-- `key`, rewritten when the record changes; `website_key` is the normalised website that
-- recognises the same provider described twice (by an import, by a peer).
CREATE TABLE providers (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    website TEXT NOT NULL,
    website_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    chatons BOOLEAN NOT NULL,
    country TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
