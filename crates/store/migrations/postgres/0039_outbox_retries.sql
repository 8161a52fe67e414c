-- Delivery retries (crates/app/src/outbox.rs `dispatch`): a message an
-- adapter could not deliver waits until `next_at` before it is tried
-- again, `attempts` counts the tries and `last_error` keeps the latest
-- reason; after the last try it is `failed` (the dead letters an admin
-- sees and may send again).
ALTER TABLE notifications ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN next_at BIGINT;
ALTER TABLE notifications ADD COLUMN last_error TEXT;
