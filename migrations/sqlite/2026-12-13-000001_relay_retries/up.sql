-- A relay subscription's Follow is retried while the relay has not answered: after a failed
-- delivery (the relay could not be reached, or answered 5xx/429), with backoff, and again
-- after a delivered Follow that got no Accept or Reject. `attempts` counts the Follows sent
-- (or tried), `next_attempt_at` is when the next goes (none once the relay answered),
-- `last_error` why the last one did not reach it (none when it did).
ALTER TABLE relays ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE relays ADD COLUMN next_attempt_at TIMESTAMP;
ALTER TABLE relays ADD COLUMN last_error TEXT;
