-- A document is numbered, signed and recorded in the transaction of the
-- action that issues it; its PDF is produced after the commit, from the
-- letter kept in `content`, so rendering and sealing no longer hold the
-- writer. Until then `pdf_sha256` is empty and `produced_at` NULL; a
-- restart produces whatever is still pending (the partial index finds it).
ALTER TABLE documents ADD COLUMN content TEXT;
ALTER TABLE documents ADD COLUMN produced_at BIGINT;
UPDATE documents SET produced_at = issued_at;
CREATE INDEX documents_pending ON documents (issued_at) WHERE produced_at IS NULL;
