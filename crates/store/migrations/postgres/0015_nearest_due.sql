-- Worklists sort by the nearest due moment of any running clock of a case
-- (the step's or the service's), kept in its own column so one index reads
-- a page in order (the expression is the queries' DUE_ORDER, written the
-- same; `store::cases::nearest_due` computes the value on every write). A
-- paused case has no running clock and sorts last.
ALTER TABLE cases ADD COLUMN nearest_due_at BIGINT;
UPDATE cases SET nearest_due_at = CASE
    WHEN paused_at IS NOT NULL THEN NULL
    WHEN step_due_at IS NULL THEN due_at
    WHEN due_at IS NULL THEN step_due_at
    WHEN step_due_at < due_at THEN step_due_at
    ELSE due_at END;
DROP INDEX cases_open_worklist;
CREATE INDEX cases_open_worklist ON cases (office, current_actor, (COALESCE(nearest_due_at, 9223372036854775807)), id)
    WHERE status IN ('submitted', 'in_progress', 'returned');
