-- Acting officials: a person who acts for a position (Plt./Plh. Kepala
-- Dinas, Kabid, Kasi) for a period gets that position's worklist and
-- signs as "Plt." while it lasts; the journal and audit rows of what they
-- do say so (`case_journal.acting`).
CREATE TABLE acting (
    id           BIGSERIAL PRIMARY KEY,
    office       TEXT NOT NULL REFERENCES offices (code),
    username     TEXT NOT NULL,
    role         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('plt', 'plh')),
    for_username TEXT,
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT NOT NULL CHECK (ends_at > starts_at),
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX acting_user ON acting (username, starts_at);
ALTER TABLE case_journal ADD COLUMN acting TEXT;
