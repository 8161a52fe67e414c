-- The blanko KTP-el stock ledger: append-only movements per office, each
-- with its reason and source document. `balance_after` is the office's
-- balance once the movement is applied, computed in the movement's own
-- transaction; it can never be negative, and the latest row is the balance.
-- A BAST's hand-over writes its two rows (out at the province, in at the
-- kab/kota) in the transaction of the step that confirms it (`case_id`).
CREATE TABLE stock_movements (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    office          TEXT NOT NULL REFERENCES offices (code),
    kind            TEXT NOT NULL CHECK (kind IN ('receipt', 'transfer_out', 'transfer_in', 'printed', 'spoiled')),
    quantity        BIGINT NOT NULL CHECK (quantity > 0),
    delta           BIGINT NOT NULL,
    balance_after   BIGINT NOT NULL CHECK (balance_after >= 0),
    reason          TEXT NOT NULL,
    source_document TEXT NOT NULL,
    serial_from     TEXT,
    serial_to       TEXT,
    counterpart     TEXT REFERENCES offices (code),
    case_id         BIGINT REFERENCES cases (id),
    actor           TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX stock_movements_office ON stock_movements (office, id);
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END;

