-- The dashboard's backlog counts an office's open cases per service and
-- how many are past due, from this partial covering index alone
-- (crates/store/src/queries/performance.rs, backlog). Its predicate names
-- `channel IS NOT NULL` (always true) so that only a query stating it can
-- use the index: SQLite's planner otherwise takes it for the worklist's
-- per-service counters and reads a whole office's open cases.
CREATE INDEX cases_backlog ON cases (office, service, due_at, status, channel)
    WHERE status IN ('submitted', 'in_progress', 'returned') AND channel IS NOT NULL;
