-- The start of a case's service-level clock (the whole case's promise,
-- `due_at`): the sweep escalates it like a step's clock, from this moment
-- to its due time. Until now the service clock always started at
-- submission.
ALTER TABLE cases ADD COLUMN service_started_at BIGINT;
UPDATE cases SET service_started_at = created_at WHERE due_at IS NOT NULL;
