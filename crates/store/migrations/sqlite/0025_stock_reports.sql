-- A kab/kota office's monthly adminduk service report to its province
-- (wajib in Sulsel's blanko standard): what it printed and spoiled that
-- month, the stock it states at the month's end, and its recap. Filing
-- writes the month's printed and spoiled movements to its ledger in the
-- same transaction; `ledger_balance` is the ledger's balance then, beside
-- the stated one. One report per office and month.
CREATE TABLE stock_reports (
    office          TEXT NOT NULL REFERENCES offices (code),
    month           TEXT NOT NULL,
    printed         BIGINT NOT NULL CHECK (printed >= 0),
    spoiled         BIGINT NOT NULL CHECK (spoiled >= 0),
    stated_balance  BIGINT NOT NULL CHECK (stated_balance >= 0),
    ledger_balance  BIGINT NOT NULL,
    recap           TEXT NOT NULL,
    actor           TEXT NOT NULL,
    at              BIGINT NOT NULL,
    PRIMARY KEY (office, month)
);
