-- A centre's outbox lists its public recommendations (published, not hidden) newest first.
-- The index of migration 000014 gave the order but not the filter: counting them, and every
-- row a page skipped, looked the row up in the table (with the joins, twice per page: half
-- of a 10,000-entry backfill's time on the followed node). With status and hidden in the
-- index, the count and the skipping read the index alone.
DROP INDEX recommendations_centre_recent;
CREATE INDEX recommendations_outbox ON recommendations (centre_id, status, hidden, updated_at DESC, id DESC);
