-- Cases: one row per application, with its clocks; an immutable journal
-- row per action; uploaded requirement files; escalations fired (each
-- (case, step, level) once: the primary key guarantees it across app
-- instances); and the notification outbox.
CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    tracking_code    TEXT NOT NULL UNIQUE,
    office           TEXT NOT NULL REFERENCES offices (code),
    service          TEXT NOT NULL,
    standard_version BIGINT NOT NULL,
    channel          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('submitted', 'in_progress', 'returned', 'completed', 'rejected', 'withdrawn')),
    current_step     TEXT,
    current_actor    TEXT,
    assignee         TEXT,
    version          BIGINT NOT NULL,
    applicant_name   TEXT NOT NULL,
    applicant        TEXT NOT NULL,
    fields           TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    due_at           BIGINT,
    step_started_at  BIGINT,
    step_due_at      BIGINT,
    paused_at        BIGINT,
    case_left_ms     BIGINT,
    step_left_ms     BIGINT,
    finished_at      BIGINT,
    FOREIGN KEY (office, service, standard_version) REFERENCES standards (office, slug, version)
);
CREATE INDEX cases_worklist ON cases (office, current_actor, status, step_due_at);
CREATE INDEX cases_open_due ON cases (step_due_at) WHERE status IN ('submitted', 'in_progress');

CREATE TABLE case_journal (
    id          INTEGER PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    on_behalf   BOOLEAN NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    from_step   TEXT,
    to_step     TEXT,
    note        TEXT,
    data        TEXT
);
CREATE INDEX case_journal_case ON case_journal (case_id, id);

CREATE TABLE case_files (
    id           INTEGER PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases (id),
    requirement  TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    uploaded_at  BIGINT NOT NULL,
    uploaded_by  TEXT NOT NULL
);
CREATE INDEX case_files_case ON case_files (case_id);

CREATE TABLE escalations (
    case_id  BIGINT NOT NULL REFERENCES cases (id),
    step     TEXT NOT NULL,
    level    INTEGER NOT NULL,
    fired_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, step, level)
);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    case_id    BIGINT REFERENCES cases (id),
    office     TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('email', 'whatsapp', 'sms', 'staff')),
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    created_at BIGINT NOT NULL,
    sent_at    BIGINT
);
CREATE INDEX notifications_pending ON notifications (status, id);
CREATE INDEX notifications_office ON notifications (office, id);
