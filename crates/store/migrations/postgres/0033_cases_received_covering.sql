-- The dashboards and the complaints' recap count an office's cases by when
-- they were received: a covering index, so the counts read no table rows.
-- It replaces 0029's (office, service, created_at), which SQLite's planner
-- took for the worklist's per-service counters (GROUP BY service), reading
-- a whole office instead of one actor's open cases.
DROP INDEX cases_received;
CREATE INDEX cases_received ON cases (office, created_at, service, channel, status);
