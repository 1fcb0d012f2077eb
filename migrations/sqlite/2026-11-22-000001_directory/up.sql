-- The directory: centres (local and remote actors), software, replaced products,
-- recommendations, mediator contacts, API tokens.
-- Only types common to SQLite and PostgreSQL: lists and small records are JSON text.

CREATE TABLE centres (
    id INTEGER PRIMARY KEY,
    actor_id TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL,
    domain TEXT NOT NULL,
    name TEXT NOT NULL,
    summary TEXT,
    website TEXT,
    region TEXT,
    icon TEXT,
    local BOOLEAN NOT NULL,
    public_key TEXT NOT NULL,
    private_key TEXT,
    inbox_url TEXT NOT NULL,
    shared_inbox_url TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (domain, username)
);

CREATE TABLE software (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    homepage TEXT NOT NULL,
    homepage_key TEXT NOT NULL,
    repository TEXT,
    repository_key TEXT,
    license TEXT,
    wikidata TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX software_wikidata ON software (wikidata);
CREATE INDEX software_repository_key ON software (repository_key);
CREATE INDEX software_homepage_key ON software (homepage_key);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    match_key TEXT NOT NULL UNIQUE
);

CREATE TABLE recommendations (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    ap_id TEXT NOT NULL UNIQUE,
    centre_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    software_id BIGINT NOT NULL REFERENCES software (id),
    category TEXT NOT NULL,
    summary TEXT NOT NULL,
    rationale TEXT,
    language TEXT NOT NULL,
    level TEXT NOT NULL,
    region TEXT,
    audience TEXT NOT NULL,
    hosting TEXT NOT NULL,
    status TEXT NOT NULL,
    local BOOLEAN NOT NULL,
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    search_text TEXT NOT NULL,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (centre_id, software_id, category)
);
CREATE INDEX recommendations_software ON recommendations (software_id);
CREATE INDEX recommendations_category ON recommendations (category);

CREATE TABLE recommendation_products (
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (recommendation_id, product_id)
);
CREATE INDEX recommendation_products_product ON recommendation_products (product_id);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    ap_id TEXT NOT NULL UNIQUE,
    centre_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT,
    area TEXT NOT NULL,
    skills TEXT NOT NULL,
    languages TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    website TEXT,
    contact_form TEXT,
    visibility TEXT NOT NULL,
    consent TEXT,
    import_ref TEXT,
    local BOOLEAN NOT NULL,
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (centre_id, import_ref)
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
