ALTER TABLE follows DROP COLUMN backfill_started_at;
ALTER TABLE follows DROP COLUMN backfill_error;
ALTER TABLE follows DROP COLUMN backfill_pages;
ALTER TABLE follows DROP COLUMN backfill_items;
ALTER TABLE follows DROP COLUMN backfill_next;
ALTER TABLE follows DROP COLUMN backfill_state;
