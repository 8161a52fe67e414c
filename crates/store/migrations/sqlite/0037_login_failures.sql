-- Failed logins per account name and client address (see `login` in
-- crates/app/src/accounts.rs). A name's failures from one address lock it
-- for that address only, so a stranger cannot lock staff out of their own
-- office; the failures from every address slow every answer for the name
-- down. Names that are no account are counted the same way, so neither
-- the lock nor the slowdown tells whether an account exists.
CREATE TABLE login_failures (
    username     TEXT NOT NULL,
    address      TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    last_at      BIGINT NOT NULL,
    locked_until BIGINT,
    PRIMARY KEY (username, address)
);
CREATE INDEX login_failures_last ON login_failures (last_at);
