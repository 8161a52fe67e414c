-- Institutions that apply by letter (OPD, instansi, BUMN/BUMD, companies,
-- kab/kota offices): registered with one office, verified there once by a
-- case of their own (`case_id`), then their `lembaga` accounts apply and
-- see only their own cases (`cases.institution_id`).
CREATE TABLE institutions (
    id               BIGSERIAL PRIMARY KEY,
    office           TEXT NOT NULL REFERENCES offices (code),
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('opd', 'instansi_pemerintah', 'bumn', 'bumd', 'swasta', 'dinas_kabkota')),
    legal_basis      TEXT NOT NULL,
    address          TEXT NOT NULL,
    officer_name     TEXT NOT NULL,
    officer_position TEXT NOT NULL,
    email            TEXT NOT NULL,
    phone            TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'refused')),
    case_id          BIGINT REFERENCES cases (id),
    created_at       BIGINT NOT NULL,
    decided_at       BIGINT
);
CREATE INDEX institutions_office ON institutions (office, status);
CREATE UNIQUE INDEX institutions_case ON institutions (case_id) WHERE case_id IS NOT NULL;
ALTER TABLE users ADD COLUMN institution_id BIGINT REFERENCES institutions (id);
ALTER TABLE cases ADD COLUMN institution_id BIGINT REFERENCES institutions (id);
CREATE INDEX cases_institution ON cases (institution_id, id) WHERE institution_id IS NOT NULL;
