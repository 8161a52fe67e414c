-- Linked cases: a step can hand the applicant on to another service (the
-- Jepara register search forwards an akta to Capil for revision) by opening
-- a case there; the new case names the one it came from, and each shows the
-- other.
ALTER TABLE cases ADD COLUMN linked_from BIGINT REFERENCES cases (id);
CREATE INDEX cases_linked_from ON cases (linked_from) WHERE linked_from IS NOT NULL;
