-- Foundation schema (SQLite). Times are unix milliseconds (BIGINT) so the
-- same queries and the same audit hashes work on both backends.
CREATE TABLE regions (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    level  INTEGER NOT NULL,
    parent TEXT
);
CREATE INDEX regions_parent ON regions (parent);

CREATE TABLE holidays (
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('libur_nasional', 'cuti_bersama')),
    name TEXT NOT NULL,
    PRIMARY KEY (date, name)
);

CREATE TABLE offices (
    code             TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    level            TEXT NOT NULL CHECK (level IN ('province', 'kab_kota')),
    parent           TEXT REFERENCES offices (code),
    time_zone        TEXT NOT NULL CHECK (time_zone IN ('WIB', 'WITA', 'WIT')),
    address          TEXT NOT NULL,
    phone            TEXT,
    website          TEXT,
    email            TEXT,
    units            TEXT NOT NULL DEFAULT '[]',
    cuti_bersama_off BOOLEAN NOT NULL DEFAULT TRUE,
    maklumat         TEXT
);

CREATE TABLE standards (
    office       TEXT NOT NULL REFERENCES offices (code),
    slug         TEXT NOT NULL,
    version      BIGINT NOT NULL,
    title        TEXT NOT NULL,
    content      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    loaded_at    BIGINT NOT NULL,
    PRIMARY KEY (office, slug, version)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    office        TEXT NOT NULL REFERENCES offices (code),
    unit          TEXT,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  BIGINT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Append-only, hash-chained: each row's hash covers the previous row's hash.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('change', 'access')),
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
