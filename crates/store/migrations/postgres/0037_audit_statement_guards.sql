-- The row trigger of 0001 stops UPDATE and DELETE row by row, but TRUNCATE
-- fires no row trigger: it emptied the log, and an empty log has no broken
-- link to show. These statement-level guards refuse TRUNCATE, and any
-- UPDATE or DELETE statement on the log even when it matches no row.
-- (SQLite has no TRUNCATE; its row triggers of 0001 stop DELETE and UPDATE,
-- and a trigger turns off its truncate shortcut.) Someone who may drop
-- triggers can still do all this: the signed checkpoints kept outside the
-- database (crates/app/src/audit.rs) show it.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_statement BEFORE UPDATE OR DELETE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
