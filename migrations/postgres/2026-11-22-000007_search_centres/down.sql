DROP TRIGGER search_changes_centres_insert ON centres;
DROP TRIGGER search_changes_centres_update ON centres;
DROP TRIGGER search_changes_centres_delete ON centres;
DROP FUNCTION search_changes_centre();
DROP TRIGGER search_changes_centres_moved ON centres;
DROP FUNCTION search_changes_centres_moved();

CREATE FUNCTION search_changes_centres_update() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('centre', (NEW.id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_centres_update AFTER UPDATE ON centres FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.actor_id IS DISTINCT FROM NEW.actor_id) EXECUTE FUNCTION search_changes_centres_update();
