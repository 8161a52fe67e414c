-- The audit log may hold several hash chains, each with its own sequence
-- (see postgres/0009). SQLite has one writer, so it keeps one chain, 0.
ALTER TABLE audit_log ADD COLUMN chain INTEGER NOT NULL DEFAULT 0;
