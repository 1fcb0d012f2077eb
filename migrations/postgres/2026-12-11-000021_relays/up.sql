-- Relays (issue 14): Mastodon/LitePub relays this node subscribes to. The node's instance
-- actor follows the relay actor with the Public collection as object (what relays expect, as
-- Mastodon does); `follow_activity` is that Follow's id, which the relay's Accept or Reject
-- names; `state` is `pending`, `accepted` or `rejected`; `inbox_url` is where our
-- public recommendations' Creates go once accepted.
CREATE TABLE relays (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    actor_id TEXT NOT NULL UNIQUE,
    inbox_url TEXT NOT NULL,
    follow_activity TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
