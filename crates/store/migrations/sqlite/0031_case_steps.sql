-- Each step a case left: who did it, when it started and ended, its due
-- time and the working minutes it took (paused time excluded, on the
-- office calendar), written by the action's own transaction. The
-- dashboard's SLA per step, staff performance and the staffing model read
-- it. Rules: crates/app/src/performance.rs.
CREATE TABLE case_steps (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       BIGINT NOT NULL REFERENCES cases (id),
    office        TEXT NOT NULL,
    service       TEXT NOT NULL,
    step          TEXT NOT NULL,
    -- The step's actor: a role, 'pemohon' or 'external'.
    actor         TEXT NOT NULL,
    -- The account that completed, returned or refused it.
    done_by       TEXT NOT NULL,
    action        TEXT NOT NULL,
    started_at    BIGINT NOT NULL,
    ended_at      BIGINT NOT NULL,
    due_at        BIGINT,
    work_minutes  BIGINT NOT NULL,
    -- The standard's time for the step in working minutes, if it gives one.
    limit_minutes BIGINT
);
CREATE INDEX case_steps_period ON case_steps (office, ended_at);
CREATE INDEX case_steps_officer ON case_steps (office, done_by, ended_at);
-- The dashboard reads the cases that ended in a period.
CREATE INDEX cases_finished ON cases (office, finished_at) WHERE finished_at IS NOT NULL;
