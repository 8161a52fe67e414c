-- The evaluasi kinerja pelaksana an office's standards schedule (every
-- month for Sulsel, June and December for Bengkulu, yearly for Jepara:
-- office.toml `staff_evaluation`): a period is reminded once to the
-- officials who evaluate, then recorded once with its findings and
-- actions (crates/app/src/staff_evaluations.rs).
CREATE TABLE staff_evaluations (
    office      TEXT NOT NULL REFERENCES offices (code),
    period      TEXT NOT NULL,
    reminded_at BIGINT,
    recorded_by TEXT,
    recorded_at BIGINT,
    findings    TEXT,
    actions     TEXT,
    PRIMARY KEY (office, period)
);
