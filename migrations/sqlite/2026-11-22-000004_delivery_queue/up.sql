-- The persistent delivery queue: every activity to send is stored with the change that caused
-- it, then delivered inbox by inbox, in order per destination host, with retries for days.

CREATE TABLE outgoing_activities (
    id INTEGER PRIMARY KEY,
    activity_id TEXT NOT NULL,
    -- The local centre that signs it.
    actor_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    -- The activity as sent (JSON, @context included).
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    outgoing_id BIGINT NOT NULL REFERENCES outgoing_activities (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    inbox TEXT NOT NULL,
    -- pending, delivered, rejected (final 4xx), gone (410), expired (gave up)
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX deliveries_host_pending ON deliveries (host, state, id);
CREATE INDEX deliveries_state_created ON deliveries (state, created_at);

-- One row per destination host: its health, and which worker holds it (so deliveries to one
-- host go out in order, even with several node processes on one database).
CREATE TABLE delivery_hosts (
    host TEXT PRIMARY KEY,
    fail_count INTEGER NOT NULL DEFAULT 0,
    failing_since TIMESTAMP,
    last_success_at TIMESTAMP,
    last_failure_at TIMESTAMP,
    last_error TEXT,
    next_attempt_at TIMESTAMP NOT NULL,
    unavailable BOOLEAN NOT NULL DEFAULT FALSE,
    lease_owner TEXT,
    lease_until TIMESTAMP
);
