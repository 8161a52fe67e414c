-- Facts about the database as a whole. `demo` marks a database seeded with
-- demo accounts and sample cases, so every page can say it holds no real
-- citizen's data.
CREATE TABLE instance_flags (
    name   TEXT PRIMARY KEY,
    set_at BIGINT NOT NULL
);
