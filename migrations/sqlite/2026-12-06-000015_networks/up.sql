-- Networks of centres (issue 14). A network is a local centre whose actor is a `Group`
-- (centres.actor_type); its members are the centres it follows, their entries it re-announces.

-- What a local network re-announced: one row per relayed activity and network (a network
-- relays an activity once: this is what ends loops and drops duplicates), with the member it
-- came from (the entry's centre, or a member network), so that removing a member withdraws
-- what was announced of it.
CREATE TABLE group_announces (
    id INTEGER PRIMARY KEY,
    network_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    activity_id TEXT NOT NULL,
    object_id TEXT NOT NULL,
    announce_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (network_id, activity_id)
);
CREATE INDEX group_announces_member ON group_announces (network_id, member_id);

-- Entries this node holds because a network it follows announced them: withdrawn (the copy
-- removed) when the last network that brought one withdraws it, unless a centre of this node
-- follows its origin.
CREATE TABLE group_entries (
    id INTEGER PRIMARY KEY,
    network_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    object_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (network_id, object_id)
);
CREATE INDEX group_entries_object ON group_entries (object_id);
