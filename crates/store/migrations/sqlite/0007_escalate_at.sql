-- When the escalation sweep must next look at a case: the moment its
-- current step reaches the next escalation level (80% of its time, past
-- due, past twice its time), or NULL when nothing more can fire (closed,
-- returned, untimed, or level 3 reached). The sweep reads only rows whose
-- moment has come, through this partial index, instead of computing 80%
-- of every open case's step on each run.
ALTER TABLE cases ADD COLUMN escalate_at BIGINT;
UPDATE cases SET escalate_at = step_started_at + (step_due_at - step_started_at) * 4 / 5
    WHERE status IN ('submitted', 'in_progress') AND step_started_at IS NOT NULL AND step_due_at IS NOT NULL;
CREATE INDEX cases_escalate ON cases (escalate_at) WHERE escalate_at IS NOT NULL;
DROP INDEX cases_open_due;
