-- The register index: one row per akta of an office's digitised civil
-- registers, imported from CSV (Jepara's pencarian register akta). A name
-- is found by its folded form (exact), by its whole phonetic key, or by
-- the phonetic key of each of its words (register_words); register_word_counts
-- lets a search start from its rarest word; register_sizes counts each
-- office's entries (a count over a million rows is too slow to ask each
-- time). Rules: crates/domain/src/register.rs.
CREATE TABLE register_entries (
    id          BIGSERIAL PRIMARY KEY,
    office      TEXT NOT NULL REFERENCES offices (code),
    akta_type   TEXT NOT NULL,
    number      TEXT NOT NULL,
    year        INTEGER NOT NULL,
    name        TEXT NOT NULL,
    father      TEXT NOT NULL,
    mother      TEXT NOT NULL,
    place       TEXT NOT NULL,
    event_date  TEXT NOT NULL,
    book        TEXT NOT NULL,
    page        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX register_entries_number ON register_entries (office, akta_type, year, number);
CREATE INDEX register_entries_folded ON register_entries (office, name_folded);
CREATE INDEX register_entries_key ON register_entries (office, name_key);
CREATE INDEX register_entries_plain_number ON register_entries (office, number);

CREATE TABLE register_words (
    office   TEXT NOT NULL,
    word     TEXT NOT NULL,
    entry_id BIGINT NOT NULL,
    PRIMARY KEY (office, word, entry_id)
);

CREATE TABLE register_word_counts (
    office TEXT NOT NULL,
    word   TEXT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (office, word)
);

CREATE TABLE register_sizes (
    office  TEXT PRIMARY KEY,
    entries BIGINT NOT NULL
);
