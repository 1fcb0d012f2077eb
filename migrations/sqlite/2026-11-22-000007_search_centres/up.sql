-- Centres are search results of their own (the index's `centre` documents), and entries no
-- longer carry their centre's name (a centre called "Zoomacom" made every entry it published
-- match "zoom"). So `centre` now means the centre's own document: new, gone, or its name,
-- username, domain, summary, region or directory flag changed; `centre_entries` means its
-- entries are filed under another actor id (the `origin` facet) and must be indexed again.

DROP TRIGGER search_changes_centres_update;

CREATE TRIGGER search_changes_centres_insert AFTER INSERT ON centres
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('centre', CAST(NEW.id AS TEXT));
END;
CREATE TRIGGER search_changes_centres_update AFTER UPDATE ON centres
WHEN OLD.name IS NOT NEW.name OR OLD.username IS NOT NEW.username
    OR OLD.domain IS NOT NEW.domain OR OLD.summary IS NOT NEW.summary
    OR OLD.region IS NOT NEW.region OR OLD.is_directory IS NOT NEW.is_directory
    OR OLD.actor_id IS NOT NEW.actor_id
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('centre', CAST(NEW.id AS TEXT));
END;
CREATE TRIGGER search_changes_centres_moved AFTER UPDATE ON centres
WHEN OLD.actor_id IS NOT NEW.actor_id
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('centre_entries', CAST(NEW.id AS TEXT));
END;
CREATE TRIGGER search_changes_centres_delete AFTER DELETE ON centres
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('centre', CAST(OLD.id AS TEXT));
END;
