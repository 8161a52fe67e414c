-- The dashboard's counts per service, channel and status read this index in
-- its own order (no sort of an office's cases; 0033's order by time needed
-- one). Like cases_backlog it names `channel IS NOT NULL` (always true),
-- which only the queries meant for it state, so that SQLite's planner never
-- takes it for the worklist's per-service counters.
DROP INDEX cases_received;
CREATE INDEX cases_received ON cases (office, service, channel, status, created_at) WHERE channel IS NOT NULL;
