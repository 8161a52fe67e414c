-- SIAK or network outages an office's admin declares. While one is open
-- the clocks of the office's services whose time holds only "jika jaringan
-- normal" stand still (see crates/app/src/outages.rs).
CREATE TABLE outages (
    id          INTEGER PRIMARY KEY,
    office      TEXT NOT NULL REFERENCES offices (code),
    reason      TEXT NOT NULL,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT,
    declared_by TEXT NOT NULL,
    ended_by    TEXT
);
CREATE INDEX outages_by_office ON outages (office, starts_at);
