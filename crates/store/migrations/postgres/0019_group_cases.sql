-- Group cases: one request (an institution's letter asking for IKD jemput
-- bola) opens a child case per participant, each with its own NIK, receipt
-- and result; the parent shows their progress.
ALTER TABLE cases ADD COLUMN parent_id BIGINT REFERENCES cases (id);
CREATE INDEX cases_parent ON cases (parent_id, id) WHERE parent_id IS NOT NULL;
