-- Documents the offices issue. Numbers come from a counter per office,
-- type and year, taken inside the transaction that issues the document,
-- so a rollback leaves no gap and no two documents share a number.
CREATE TABLE doc_counters (
    office   TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    year     INTEGER NOT NULL,
    last     BIGINT NOT NULL,
    PRIMARY KEY (office, doc_type, year)
);

CREATE TABLE documents (
    code          TEXT PRIMARY KEY,
    office        TEXT NOT NULL REFERENCES offices (code),
    case_id       BIGINT REFERENCES cases (id),
    doc_type      TEXT NOT NULL,
    number        TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    year          INTEGER NOT NULL,
    issued_at     BIGINT NOT NULL,
    holder        TEXT NOT NULL,
    payload       TEXT NOT NULL,
    pdf_sha256    TEXT NOT NULL,
    revoked_at    BIGINT,
    revoked_by    TEXT,
    revoke_reason TEXT,
    UNIQUE (office, doc_type, year, seq)
);
CREATE INDEX documents_case ON documents (case_id);
