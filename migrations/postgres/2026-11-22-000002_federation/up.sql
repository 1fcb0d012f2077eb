-- Federation: what remote actors say of themselves, who follows whom, endorsements,
-- deletions that must not be undone by a late Create, activities already applied,
-- and moderation.

ALTER TABLE centres ADD COLUMN actor_type TEXT NOT NULL DEFAULT 'Organization';
-- The actor declares itself a Maillage directory centre (maillage:directory).
ALTER TABLE centres ADD COLUMN is_directory BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE centres ADD COLUMN manually_approves BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE centres ADD COLUMN outbox_url TEXT;
ALTER TABLE centres ADD COLUMN last_refreshed_at TIMESTAMP;
UPDATE centres SET is_directory = TRUE WHERE local;

-- Our centres following remote centres.
CREATE TABLE follows (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    activity_id TEXT NOT NULL UNIQUE,
    follower_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    backfilled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (follower_id, target_id)
);

-- Remote actors following our centres.
CREATE TABLE followers (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    centre_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    activity_id TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (centre_id, actor_id)
);

-- A centre re-sharing a recommendation (Announce).
CREATE TABLE endorsements (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    activity_id TEXT NOT NULL UNIQUE,
    centre_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (centre_id, recommendation_id)
);

-- Objects deleted by their owner: a late or replayed Create must not bring them back.
CREATE TABLE tombstones (
    ap_id TEXT PRIMARY KEY,
    deleted_at TIMESTAMP NOT NULL
);

-- Activity ids already applied, so a duplicate delivery changes nothing.
CREATE TABLE received_activities (
    activity_id TEXT PRIMARY KEY,
    received_at TIMESTAMP NOT NULL
);

-- Moderation: blocked domains, and allowed ones for the allow-list mode.
CREATE TABLE domain_rules (
    domain TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- When a remote object's content was last changed, as its author says (`updated`).
ALTER TABLE recommendations ADD COLUMN remote_updated_at TIMESTAMP;
ALTER TABLE contacts ADD COLUMN remote_updated_at TIMESTAMP;
