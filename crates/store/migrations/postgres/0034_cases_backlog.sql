-- The dashboard's backlog counts an office's open cases per service and
-- how many are past due: read from this partial covering index alone
-- (crates/store/src/queries/performance.rs, backlog).
CREATE INDEX cases_backlog ON cases (office, service, due_at, status) WHERE status IN ('submitted', 'in_progress', 'returned');
