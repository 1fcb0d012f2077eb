-- Whole-directory backfill (issue 17): a followed centre's outbox is read to its end in the
-- background, and its progress kept with the follow, so that staff see it and a restarted
-- node resumes at the page it stopped at. `backfill_state` is `running`, `done` or `failed`
-- (NULL: not started, the follow is not accepted yet); `backfill_next` is the next page to
-- read (NULL: from the outbox itself); `backfilled_at` (already there) is when it ended.
ALTER TABLE follows ADD COLUMN backfill_state TEXT;
ALTER TABLE follows ADD COLUMN backfill_next TEXT;
ALTER TABLE follows ADD COLUMN backfill_items BIGINT NOT NULL DEFAULT 0;
ALTER TABLE follows ADD COLUMN backfill_pages BIGINT NOT NULL DEFAULT 0;
ALTER TABLE follows ADD COLUMN backfill_error TEXT;
ALTER TABLE follows ADD COLUMN backfill_started_at TIMESTAMP;
UPDATE follows SET backfill_state = 'done', backfill_started_at = backfilled_at
    WHERE backfilled_at IS NOT NULL;
-- Accepted follows whose backfill never ended (the node stopped during it): read again.
UPDATE follows SET backfill_state = 'running', backfill_started_at = updated_at
    WHERE backfilled_at IS NULL AND state = 'accepted';
