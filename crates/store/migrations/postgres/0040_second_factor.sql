-- The second factor of staff accounts (see `second_factor` in
-- crates/app/src/accounts.rs): a TOTP secret, sealed with the document
-- secret (never in the clear here); an enrolment begun and not yet
-- confirmed with a code; the last time step a code was accepted for, so a
-- code is used once; and single-use recovery codes, kept as SHA-256 hashes.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_step BIGINT;
CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (user_id, code_hash)
);
