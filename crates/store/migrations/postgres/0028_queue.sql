-- The counter queue: a ticket per person at the entrance, numbered per
-- office, service and day; a priority group is called first; a caller
-- takes the next one with a conditional update (status = 'waiting'), so
-- two counters never call the same number. Rules: crates/domain/src/queue.rs.
CREATE TABLE queue_tickets (
    id        BIGSERIAL PRIMARY KEY,
    office    TEXT NOT NULL REFERENCES offices (code),
    service   TEXT NOT NULL,
    day       TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    number    TEXT NOT NULL,
    -- The priority group ('' for none) and its lane ('P' or ''), numbered apart.
    priority  TEXT NOT NULL,
    lane      TEXT NOT NULL,
    status    TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'called')),
    taken_at  BIGINT NOT NULL,
    called_at BIGINT,
    called_by TEXT,
    counter   TEXT
);
CREATE UNIQUE INDEX queue_tickets_seq ON queue_tickets (office, service, day, lane, seq);
CREATE INDEX queue_tickets_waiting ON queue_tickets (office, day, status);
