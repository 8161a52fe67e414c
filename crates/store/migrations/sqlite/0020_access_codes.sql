-- One-time codes that let a person list their own applications: sent to a
-- contact they gave on an application, never shown by NIK alone. Only
-- hashes are kept; a code expires, is used once, and allows few attempts.
CREATE TABLE access_codes (
    id          INTEGER PRIMARY KEY,
    nik_key     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    sent_to     TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    used_at     BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX access_codes_nik ON access_codes (nik_key, id);
