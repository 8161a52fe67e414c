-- The duties of agreements: each due period is a case of its own, naming
-- its agreement and period; one case per (agreement, service, period), so
-- two app instances opening the same duty make one case.
ALTER TABLE cases ADD COLUMN agreement_id BIGINT REFERENCES agreements (id);
ALTER TABLE cases ADD COLUMN duty_period TEXT;
CREATE UNIQUE INDEX cases_duty ON cases (agreement_id, service, duty_period) WHERE agreement_id IS NOT NULL;
-- A missing duty flags its agreement once per service and period.
CREATE UNIQUE INDEX agreement_events_missing ON agreement_events (agreement_id, data) WHERE kind = 'duty_missing';
