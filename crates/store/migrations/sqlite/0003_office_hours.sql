-- Office hours as an office setting, e.g. `mon-thu 08:00-16:00; fri 08:00-16:30`
-- (parsed by domain::calendar::WeekHours); NULL means the default hours.
ALTER TABLE offices ADD COLUMN hours TEXT;
