-- Centres are search results of their own (the index's `centre` documents), and entries no
-- longer carry their centre's name (a centre called "Zoomacom" made every entry it published
-- match "zoom"). So `centre` now means the centre's own document: new, gone, or its name,
-- username, domain, summary, region or directory flag changed; `centre_entries` means its
-- entries are filed under another actor id (the `origin` facet) and must be indexed again.

DROP TRIGGER search_changes_centres_update ON centres;
DROP FUNCTION search_changes_centres_update();

CREATE FUNCTION search_changes_centre() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO search_changes (kind, key) VALUES ('centre', (OLD.id)::TEXT);
    ELSE
        INSERT INTO search_changes (kind, key) VALUES ('centre', (NEW.id)::TEXT);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_centres_insert AFTER INSERT ON centres FOR EACH ROW
    EXECUTE FUNCTION search_changes_centre();
CREATE TRIGGER search_changes_centres_update AFTER UPDATE ON centres FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.username IS DISTINCT FROM NEW.username
        OR OLD.domain IS DISTINCT FROM NEW.domain OR OLD.summary IS DISTINCT FROM NEW.summary
        OR OLD.region IS DISTINCT FROM NEW.region
        OR OLD.is_directory IS DISTINCT FROM NEW.is_directory
        OR OLD.actor_id IS DISTINCT FROM NEW.actor_id)
    EXECUTE FUNCTION search_changes_centre();
CREATE TRIGGER search_changes_centres_delete AFTER DELETE ON centres FOR EACH ROW
    EXECUTE FUNCTION search_changes_centre();

CREATE FUNCTION search_changes_centres_moved() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES ('centre_entries', (NEW.id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_centres_moved AFTER UPDATE ON centres FOR EACH ROW
    WHEN (OLD.actor_id IS DISTINCT FROM NEW.actor_id)
    EXECUTE FUNCTION search_changes_centres_moved();
