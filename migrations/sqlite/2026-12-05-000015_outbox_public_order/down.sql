DROP INDEX recommendations_outbox;
CREATE INDEX recommendations_centre_recent ON recommendations (centre_id, updated_at DESC, id DESC);
