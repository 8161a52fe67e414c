-- Complaints and reports read an office's cases of one service by the time
-- they were received (app::complaints recap, the LAPOR! import's check).
CREATE INDEX cases_received ON cases (office, service, created_at);
