-- Data subject rights (UU 27/2022): a citizen asks for the log of who read
-- their data; staff answer within 3x24 jam. Uploads of closed cases are
-- purged after the retention period: the row stays (what was submitted,
-- when), the bytes go, and purged_at says when.
CREATE TABLE data_requests (
    id           INTEGER PRIMARY KEY,
    office       TEXT NOT NULL REFERENCES offices (code),
    case_id      BIGINT NOT NULL REFERENCES cases (id),
    kind         TEXT NOT NULL CHECK (kind IN ('access_log')),
    requested_at BIGINT NOT NULL,
    due_at       BIGINT NOT NULL,
    answered_at  BIGINT,
    answered_by  TEXT
);
CREATE INDEX data_requests_office ON data_requests (office, id);
ALTER TABLE case_files ADD COLUMN purged_at BIGINT;
