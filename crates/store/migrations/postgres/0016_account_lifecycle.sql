-- A password an admin reset is temporary: its holder must choose their own
-- before anything else (`app::accounts::change_own_password`).
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
