-- The citizen satisfaction survey (SKM, PermenPANRB 14/2017): one row per
-- response, its nine answers U1-U9 (1-4) as columns so the IKM's sums are
-- added up here; at most one response per case. Rules: crates/domain/src/ikm.rs.
CREATE TABLE surveys (
    id          BIGSERIAL PRIMARY KEY,
    office      TEXT NOT NULL REFERENCES offices (code),
    -- The service's slug.
    service     TEXT NOT NULL,
    case_id     BIGINT REFERENCES cases (id),
    -- 'case' (offered when the case completed), 'web' (the open form),
    -- 'paper' (a questionnaire entered by staff).
    channel     TEXT NOT NULL CHECK (channel IN ('case', 'web', 'paper')),
    u1          SMALLINT NOT NULL CHECK (u1 BETWEEN 1 AND 4),
    u2          SMALLINT NOT NULL CHECK (u2 BETWEEN 1 AND 4),
    u3          SMALLINT NOT NULL CHECK (u3 BETWEEN 1 AND 4),
    u4          SMALLINT NOT NULL CHECK (u4 BETWEEN 1 AND 4),
    u5          SMALLINT NOT NULL CHECK (u5 BETWEEN 1 AND 4),
    u6          SMALLINT NOT NULL CHECK (u6 BETWEEN 1 AND 4),
    u7          SMALLINT NOT NULL CHECK (u7 BETWEEN 1 AND 4),
    u8          SMALLINT NOT NULL CHECK (u8 BETWEEN 1 AND 4),
    u9          SMALLINT NOT NULL CHECK (u9 BETWEEN 1 AND 4),
    sex         TEXT NOT NULL,
    age_band    TEXT NOT NULL,
    education   TEXT NOT NULL,
    occupation  TEXT NOT NULL,
    comment     TEXT,
    entered_by  TEXT,
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX surveys_case ON surveys (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX surveys_period ON surveys (office, service, created_at);
