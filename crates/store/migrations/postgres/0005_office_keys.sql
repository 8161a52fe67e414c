-- Office signing keys: the public key in the clear, the private key only
-- encrypted with the configured document secret. A rotated key is retired,
-- never deleted, so what it signed still verifies.
CREATE TABLE office_keys (
    id              TEXT PRIMARY KEY,
    office          TEXT NOT NULL REFERENCES offices (code),
    public_key      TEXT NOT NULL,
    private_key_enc TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    retired_at      BIGINT
);
CREATE INDEX office_keys_office ON office_keys (office);
