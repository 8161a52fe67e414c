-- The monthly adminduk report a kab/kota office owes is reminded once per
-- office and month, with its notifications in the same transaction
-- (crates/app/src/stock.rs, remind_reports).
CREATE TABLE stock_report_reminders (
    office      TEXT NOT NULL REFERENCES offices (code),
    month       TEXT NOT NULL,
    reminded_at BIGINT NOT NULL,
    PRIMARY KEY (office, month)
);
