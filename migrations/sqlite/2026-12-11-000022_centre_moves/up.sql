-- Moving a centre (issue 14). For a centre of this node: the other actors it says it also is
-- (`alsoKnownAs`, JSON array of actor ids: what lets it be the target of a move) and, once it
-- moved, its new actor (`movedTo`). For a remote centre: the actor it moved to, when a verified
-- `Move` said so (its entries stay attributed to it, linked to its new actor).
CREATE TABLE centre_moves (
    centre_id BIGINT PRIMARY KEY REFERENCES centres (id) ON DELETE CASCADE,
    also_known_as TEXT NOT NULL,
    moved_to TEXT,
    updated_at TIMESTAMP NOT NULL
);
