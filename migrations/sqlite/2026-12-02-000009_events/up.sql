-- Workshops and permanences. Instants are stored in UTC (`start_at`, `end_at`) with the
-- organiser's offset in seconds beside them, so the API gives the times back as they came.
-- A local event names one of its centre's places (`place_id`); a copy received from a peer
-- keeps the ActivityStreams Place it came with, validated, as JSON (`location`).
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    ap_id TEXT NOT NULL UNIQUE,
    centre_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    place_id BIGINT REFERENCES places (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    summary TEXT,
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    booking_url TEXT,
    online_url TEXT,
    location TEXT,
    local BOOLEAN NOT NULL,
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    remote_updated_at TIMESTAMP
);

CREATE INDEX events_end_at ON events (end_at);
CREATE INDEX events_place_id ON events (place_id);
