-- The change feed of the search index. Every write that changes what a search document shows
-- appends (kind, key) here from a trigger, in the writing transaction, whoever writes: the API,
-- the federation inbox, another process on the same database. Each process's index applies the
-- changes after its watermark (the last seq it applied). `key` is the changed row's id.
-- kinds: recommendation, contact, software, centre.

CREATE TABLE search_changes (
    seq BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC')
);
CREATE INDEX search_changes_changed_at ON search_changes (changed_at);
-- Concurrent transactions may commit their seqs out of order (11 visible before 10): the
-- index only moves its watermark over a gap once the gap is old (see src/search/index.rs).


-- A recommendation shows in its own document and in its software's (old and new software).
CREATE FUNCTION search_changes_recommendations_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', (NEW.id)::TEXT),
        ('software', (NEW.software_id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_recommendations_insert AFTER INSERT ON recommendations FOR EACH ROW EXECUTE FUNCTION search_changes_recommendations_insert();
CREATE FUNCTION search_changes_recommendations_update() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', (NEW.id)::TEXT),
        ('software', (OLD.software_id)::TEXT),
        ('software', (NEW.software_id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_recommendations_update AFTER UPDATE ON recommendations FOR EACH ROW EXECUTE FUNCTION search_changes_recommendations_update();
CREATE FUNCTION search_changes_recommendations_delete() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', (OLD.id)::TEXT),
        ('software', (OLD.software_id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_recommendations_delete AFTER DELETE ON recommendations FOR EACH ROW EXECUTE FUNCTION search_changes_recommendations_delete();
CREATE FUNCTION search_changes_contacts_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('contact', (NEW.id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_contacts_insert AFTER INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION search_changes_contacts_insert();
CREATE FUNCTION search_changes_contacts_update() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('contact', (NEW.id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_contacts_update AFTER UPDATE ON contacts FOR EACH ROW EXECUTE FUNCTION search_changes_contacts_update();
CREATE FUNCTION search_changes_contacts_delete() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('contact', (OLD.id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_contacts_delete AFTER DELETE ON contacts FOR EACH ROW EXECUTE FUNCTION search_changes_contacts_delete();
CREATE FUNCTION search_changes_software_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('software', (NEW.id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_software_insert AFTER INSERT ON software FOR EACH ROW EXECUTE FUNCTION search_changes_software_insert();
CREATE FUNCTION search_changes_software_update() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('software', (NEW.id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_software_update AFTER UPDATE ON software FOR EACH ROW EXECUTE FUNCTION search_changes_software_update();
CREATE FUNCTION search_changes_software_delete() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('software', (OLD.id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_software_delete AFTER DELETE ON software FOR EACH ROW EXECUTE FUNCTION search_changes_software_delete();

-- A centre's name shows in its entries; new centres have none yet, and a deleted centre's
-- entries go by cascade, which fires their own triggers. Only what documents show: a key
-- refresh must not reindex every entry of the centre.
CREATE FUNCTION search_changes_centres_update() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('centre', (NEW.id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_centres_update AFTER UPDATE ON centres FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.actor_id IS DISTINCT FROM NEW.actor_id) EXECUTE FUNCTION search_changes_centres_update();

-- Endorsements count as centres recommending the software.
CREATE FUNCTION search_changes_endorsements_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', (NEW.recommendation_id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_endorsements_insert AFTER INSERT ON endorsements FOR EACH ROW EXECUTE FUNCTION search_changes_endorsements_insert();
CREATE FUNCTION search_changes_endorsements_delete() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', (OLD.recommendation_id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_endorsements_delete AFTER DELETE ON endorsements FOR EACH ROW EXECUTE FUNCTION search_changes_endorsements_delete();

-- The replaced products of a recommendation are written after the row itself.
CREATE FUNCTION search_changes_recommendation_products_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', (NEW.recommendation_id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_recommendation_products_insert AFTER INSERT ON recommendation_products FOR EACH ROW EXECUTE FUNCTION search_changes_recommendation_products_insert();
CREATE FUNCTION search_changes_recommendation_products_delete() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_changes (kind, key) VALUES
        ('recommendation', (OLD.recommendation_id)::TEXT);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_changes_recommendation_products_delete AFTER DELETE ON recommendation_products FOR EACH ROW EXECUTE FUNCTION search_changes_recommendation_products_delete();
