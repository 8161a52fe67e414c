-- Data-access agreements (PKS): what a completed data-use procedure makes
-- and the office manages for years. Made in the transaction of the step that
-- signs it (`case_id` is that case); everything that happens to it after is
-- an event of its timeline; User IDs are records of what the ministry issued
-- (never a password).
CREATE TABLE agreements (
    id                        BIGSERIAL PRIMARY KEY,
    office                    TEXT NOT NULL REFERENCES offices (code),
    case_id                   BIGINT NOT NULL REFERENCES cases (id),
    institution_id            BIGINT REFERENCES institutions (id),
    party                     TEXT NOT NULL,
    counterparty              TEXT NOT NULL,
    purpose                   TEXT NOT NULL,
    legal_basis               TEXT NOT NULL,
    data_elements             TEXT NOT NULL,
    access_mode               TEXT NOT NULL CHECK (access_mode IN ('web_service', 'card_reader', 'siak', 'data_warehouse')),
    pks_number                TEXT NOT NULL,
    pks_date                  TEXT NOT NULL,
    juknis_number             TEXT,
    juknis_date               TEXT,
    signed_by                 TEXT NOT NULL,
    starts_on                 TEXT NOT NULL,
    ends_on                   TEXT NOT NULL,
    suspension_recommended_at BIGINT,
    revoked_at                BIGINT,
    renews                    BIGINT REFERENCES agreements (id),
    renewal_case_id           BIGINT REFERENCES cases (id),
    created_at                BIGINT NOT NULL
);
CREATE UNIQUE INDEX agreements_case ON agreements (case_id);
CREATE INDEX agreements_office ON agreements (office, id);
CREATE INDEX agreements_institution ON agreements (institution_id, id) WHERE institution_id IS NOT NULL;

CREATE TABLE agreement_events (
    id           BIGSERIAL PRIMARY KEY,
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    at           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    summary      TEXT NOT NULL,
    data         TEXT
);
CREATE INDEX agreement_events_agreement ON agreement_events (agreement_id, id);
-- Each warning before the end is given once, across app instances.
CREATE UNIQUE INDEX agreement_events_warning ON agreement_events (agreement_id, kind)
    WHERE kind IN ('warning_90', 'warning_30');

CREATE TABLE agreement_user_ids (
    id           BIGSERIAL PRIMARY KEY,
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    user_id      TEXT NOT NULL,
    environment  TEXT NOT NULL CHECK (environment IN ('development', 'production')),
    issued_on    TEXT NOT NULL,
    endpoint     TEXT NOT NULL,
    test_result  TEXT,
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked')),
    recorded_by  TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX agreement_user_ids_unique ON agreement_user_ids (agreement_id, user_id);
