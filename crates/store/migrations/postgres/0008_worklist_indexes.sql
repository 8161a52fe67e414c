-- Worklists read one page of a large office in index order: open cases of
-- an office and actor by due time, untimed last (the expression is the
-- queries' DUE_ORDER, written the same), and the cases assigned to someone.
-- The counters per service count from an index alone: cases_open_counts
-- for open cases, cases_worklist under a status filter.
CREATE INDEX cases_open_worklist ON cases (office, current_actor, (COALESCE(step_due_at, 9223372036854775807)), id)
    WHERE status IN ('submitted', 'in_progress', 'returned');
CREATE INDEX cases_assigned ON cases (office, assignee) WHERE assignee IS NOT NULL;
DROP INDEX cases_worklist;
CREATE INDEX cases_worklist ON cases (office, current_actor, status, service);
CREATE INDEX cases_open_counts ON cases (office, current_actor, service)
    WHERE status IN ('submitted', 'in_progress', 'returned');
