-- Appointment slots an office offers for a service (the IKD website's
-- video verification): a time, a capacity and the meeting link. A booking
-- takes a place with a conditional update (`booked < capacity`), so
-- concurrent bookings can never overbook; a case holds one booking.
CREATE TABLE slots (
    id           BIGSERIAL PRIMARY KEY,
    office       TEXT NOT NULL REFERENCES offices (code),
    service      TEXT NOT NULL,
    starts_at    BIGINT NOT NULL,
    minutes      INTEGER NOT NULL CHECK (minutes > 0),
    capacity     INTEGER NOT NULL CHECK (capacity > 0),
    booked       INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    meeting_link TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX slots_time ON slots (office, service, starts_at);

CREATE TABLE slot_bookings (
    slot_id   BIGINT NOT NULL REFERENCES slots (id),
    case_id   BIGINT NOT NULL REFERENCES cases (id),
    booked_by TEXT NOT NULL,
    at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX slot_bookings_case ON slot_bookings (case_id);
