-- The change feed of the search index. Every write that changes what a search document shows
-- appends (kind, key) here from a trigger, in the writing transaction, whoever writes: the API,
-- the federation inbox, another process on the same database. Each process's index applies the
-- changes after its watermark (the last seq it applied). `key` is the changed row's id.
-- kinds: recommendation, contact, software, centre.

CREATE TABLE search_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX search_changes_changed_at ON search_changes (changed_at);
-- AUTOINCREMENT: a seq is never reused, even after the newest rows were pruned, so a
-- watermark never skips a change.


-- A recommendation shows in its own document and in its software's (old and new software).
CREATE TRIGGER search_changes_recommendations_insert AFTER INSERT ON recommendations
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', CAST(NEW.id AS TEXT)),
        ('software', CAST(NEW.software_id AS TEXT));
END;
CREATE TRIGGER search_changes_recommendations_update AFTER UPDATE ON recommendations
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', CAST(NEW.id AS TEXT)),
        ('software', CAST(OLD.software_id AS TEXT)),
        ('software', CAST(NEW.software_id AS TEXT));
END;
CREATE TRIGGER search_changes_recommendations_delete AFTER DELETE ON recommendations
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', CAST(OLD.id AS TEXT)),
        ('software', CAST(OLD.software_id AS TEXT));
END;
CREATE TRIGGER search_changes_contacts_insert AFTER INSERT ON contacts
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('contact', CAST(NEW.id AS TEXT));
END;
CREATE TRIGGER search_changes_contacts_update AFTER UPDATE ON contacts
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('contact', CAST(NEW.id AS TEXT));
END;
CREATE TRIGGER search_changes_contacts_delete AFTER DELETE ON contacts
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('contact', CAST(OLD.id AS TEXT));
END;
CREATE TRIGGER search_changes_software_insert AFTER INSERT ON software
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('software', CAST(NEW.id AS TEXT));
END;
CREATE TRIGGER search_changes_software_update AFTER UPDATE ON software
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('software', CAST(NEW.id AS TEXT));
END;
CREATE TRIGGER search_changes_software_delete AFTER DELETE ON software
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('software', CAST(OLD.id AS TEXT));
END;

-- A centre's name shows in its entries; new centres have none yet, and a deleted centre's
-- entries go by cascade, which fires their own triggers. Only what documents show: a key
-- refresh must not reindex every entry of the centre.
CREATE TRIGGER search_changes_centres_update AFTER UPDATE ON centres
WHEN OLD.name IS NOT NEW.name OR OLD.actor_id IS NOT NEW.actor_id
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('centre', CAST(NEW.id AS TEXT));
END;

-- Endorsements count as centres recommending the software.
CREATE TRIGGER search_changes_endorsements_insert AFTER INSERT ON endorsements
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', CAST(NEW.recommendation_id AS TEXT));
END;
CREATE TRIGGER search_changes_endorsements_delete AFTER DELETE ON endorsements
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', CAST(OLD.recommendation_id AS TEXT));
END;

-- The replaced products of a recommendation are written after the row itself.
CREATE TRIGGER search_changes_recommendation_products_insert AFTER INSERT ON recommendation_products
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', CAST(NEW.recommendation_id AS TEXT));
END;
CREATE TRIGGER search_changes_recommendation_products_delete AFTER DELETE ON recommendation_products
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', CAST(OLD.recommendation_id AS TEXT));
END;
