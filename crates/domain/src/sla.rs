//! Where a step's clock stands, in one place: the moments it escalates
//! (80 % of its time used, past due, past twice its time) and the badge a
//! person sees, and how much time a clock has left. Times are milliseconds
//! since the epoch, or `DateTime<Utc>` where a calendar is read.

use crate::calendar::BusinessCalendar;
use chrono::{DateTime, Utc};

/// The moment a step of `started`..`due` reaches escalation `level`:
/// 1 when 80% of its time is used, 2 once it is past due, 3 once it is past
/// twice its time.
pub fn escalation_at(started: i64, due: i64, level: i32) -> i64 {
    let span = (due - started).max(0);
    match level {
        1 => started + span * 4 / 5,
        2 => due + 1,
        _ => due + span + 1,
    }
}

/// The highest escalation level a step has reached at `now` (0: none).
pub fn escalation_level(started: i64, due: i64, now: i64) -> i32 {
    (1..=3).take_while(|&l| escalation_at(started, due, l) <= now).last().unwrap_or(0)
}

/// How a due time stands, for badges: `on_time`, `due_soon` (the first
/// escalation moment has come), `overdue`, `paused` or `untimed`.
pub fn state(started: Option<i64>, due: Option<i64>, paused: bool, now: i64) -> &'static str {
    match (paused, started, due) {
        (true, _, _) => "paused",
        (_, _, None) => "untimed",
        (_, _, Some(d)) if now > d => "overdue",
        (_, Some(s), Some(d)) if now >= escalation_at(s, d, 1) => "due_soon",
        _ => "on_time",
    }
}

/// What a running clock has left, or how late it is, as people count it:
/// time left in the office's working time ("sisa 12 menit kerja"), lateness
/// in plain time ("terlambat 2 hari").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Remaining {
    /// Past due: `amount` counts ordinary time since the due moment.
    pub late: bool,
    pub amount: i64,
    pub unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Minutes,
    Hours,
    Days,
}

/// A working day's minutes for choosing the unit: under one day, hours.
const DAY_MINUTES: i64 = 8 * 60;

/// How the clock due at `due` stands at `now` on the office calendar `cal`.
/// Time left under an hour is in working minutes, under a working day in
/// working hours, else in working days (the working dates after today up
/// to the due date). Lateness is in minutes, hours, then calendar days.
pub fn remaining(cal: &BusinessCalendar, now: DateTime<Utc>, due: DateTime<Utc>) -> Remaining {
    if now > due {
        let late = now - due;
        let (amount, unit) = match late.num_minutes() {
            m if m < 60 => (m.max(1), Unit::Minutes),
            m if m < 24 * 60 => (m / 60, Unit::Hours),
            _ => (late.num_days(), Unit::Days),
        };
        return Remaining { late: true, amount, unit };
    }
    let (amount, unit) = match cal.working_minutes_between(now, due) {
        m if m < 60 => (m, Unit::Minutes),
        m if m < DAY_MINUTES => (m / 60, Unit::Hours),
        _ => (cal.working_days_between(now, due).max(1), Unit::Days),
    };
    Remaining { late: false, amount, unit }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_follow_the_escalation_moments() {
        assert_eq!(state(Some(0), Some(100), false, 50), "on_time");
        assert_eq!(state(Some(0), Some(100), false, 80), "due_soon");
        assert_eq!(state(Some(0), Some(100), false, 101), "overdue");
        assert_eq!(state(Some(0), None, false, 101), "untimed");
        assert_eq!(state(Some(0), Some(100), true, 500), "paused");
    }

    #[test]
    fn remaining_time_counts_working_time_and_lateness_plain_time() {
        use crate::office::TimeZone;
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let cal = BusinessCalendar::new(TimeZone::Wib, [d("2026-12-24"), d("2026-12-25")]);
        // WIB is UTC+7: 08:00 WIB is 01:00 UTC.
        let wib = |s: &str| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap().and_utc()
                - chrono::Duration::hours(7)
        };
        let left = |now: &str, due: &str| {
            let r = remaining(&cal, wib(now), wib(due));
            (r.late, r.amount, r.unit)
        };
        // 12 working minutes: Tuesday 15:48 to 16:00.
        assert_eq!(left("2026-12-01 15:48", "2026-12-01 16:00"), (false, 12, Unit::Minutes));
        // Over the night only working time counts: 15:30 to 08:30 next day is one hour.
        assert_eq!(left("2026-12-01 15:30", "2026-12-02 08:30"), (false, 1, Unit::Hours));
        // Wed 23 Dec to Mon 28 Dec: 24, 25 (holidays) and the weekend do not count.
        assert_eq!(left("2026-12-23 09:00", "2026-12-28 10:00"), (false, 1, Unit::Days));
        assert_eq!(left("2026-12-01 09:00", "2026-12-04 10:00"), (false, 3, Unit::Days));
        // Lateness in plain time: two days, five hours, seven minutes.
        assert_eq!(left("2026-12-03 10:00", "2026-12-01 09:00"), (true, 2, Unit::Days));
        assert_eq!(left("2026-12-01 14:00", "2026-12-01 09:00"), (true, 5, Unit::Hours));
        assert_eq!(left("2026-12-01 09:07", "2026-12-01 09:00"), (true, 7, Unit::Minutes));
    }

    #[test]
    fn escalation_levels_grow_with_lateness() {
        assert_eq!(escalation_level(0, 100, 79), 0);
        assert_eq!(escalation_level(0, 100, 80), 1);
        assert_eq!(escalation_level(0, 100, 100), 1);
        assert_eq!(escalation_level(0, 100, 101), 2);
        assert_eq!(escalation_level(0, 100, 200), 2);
        assert_eq!(escalation_level(0, 100, 201), 3);
    }
}
