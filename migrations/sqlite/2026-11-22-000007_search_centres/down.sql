DROP TRIGGER search_changes_centres_insert;
DROP TRIGGER search_changes_centres_update;
DROP TRIGGER search_changes_centres_moved;
DROP TRIGGER search_changes_centres_delete;

CREATE TRIGGER search_changes_centres_update AFTER UPDATE ON centres
WHEN OLD.name IS NOT NEW.name OR OLD.actor_id IS NOT NEW.actor_id
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('centre', CAST(NEW.id AS TEXT));
END;
