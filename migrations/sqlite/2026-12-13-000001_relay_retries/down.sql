ALTER TABLE relays DROP COLUMN last_error;
ALTER TABLE relays DROP COLUMN next_attempt_at;
ALTER TABLE relays DROP COLUMN attempts;
