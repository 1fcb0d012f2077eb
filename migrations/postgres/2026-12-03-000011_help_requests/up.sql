-- Requests for help: a visitor (from the website or the API), a fediverse account (a mention
-- or a direct message to a centre) or another node (a visitor there chose one of our centres)
-- asks a centre of this node for help. Personal data: never public, never in the directory's
-- exports, erased after the retention period (`help.retention_days`) or on demand by the
-- reference the visitor keeps.
CREATE TABLE help_requests (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    centre_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    -- web, api, fediverse or peer
    channel TEXT NOT NULL,
    -- Why it went to this centre (chosen, nearest place, region, first centre), for staff.
    routing TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    postcode TEXT,
    commune TEXT,
    organisation_kind TEXT NOT NULL,
    need TEXT NOT NULL,
    software TEXT,
    category TEXT,
    consent_text TEXT NOT NULL,
    consent_given_at TIMESTAMP NOT NULL,
    -- The fediverse account that wrote (actor id, handle, inbox), for replies.
    account_actor_id TEXT,
    account_handle TEXT,
    account_inbox TEXT,
    -- The node it came through, for a request a peer forwarded.
    origin_node TEXT,
    -- The ActivityPub object it came in: a message is stored once.
    source_id TEXT UNIQUE,
    -- new, in-progress or done
    status TEXT NOT NULL,
    assigned_contact_id BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
    staff_notes TEXT NOT NULL,
    notified_at TIMESTAMP,
    notify_attempts INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX help_requests_centre ON help_requests (centre_id, created_at);
CREATE INDEX help_requests_created ON help_requests (created_at);

-- The conversation with a fediverse account: its messages and staff replies.
CREATE TABLE help_messages (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES help_requests (id) ON DELETE CASCADE,
    -- in (from the account) or out (a staff reply)
    direction TEXT NOT NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    ap_id TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX help_messages_request ON help_messages (request_id, created_at);
