//! The business calendar of an office: opening hours per weekday, days off
//! (weekends, libur nasional, cuti bersama when the office counts it), and
//! the office's zone. SLA due times are computed here, in office time.
//!
//! Rules:
//! - minutes and hours run only while the office is open;
//! - "hari" counts working days: due at the same time of day on the Nth
//!   working day after the start, clamped to that day's opening hours;
//! - "3x24 jam" is elapsed clock time, whatever the calendar says;
//! - months count calendar months (due at the upper bound of a range).

use crate::duration::SlaDuration;
use crate::office::TimeZone;
use chrono::{
    DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _, Utc, Weekday,
};
use std::collections::BTreeSet;

/// Opening hours of one weekday, in office-local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

impl Hours {
    fn new(open: (u32, u32), close: (u32, u32)) -> Hours {
        let t = |(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        Hours { open: t(open), close: t(close) }
    }

    fn minutes(&self) -> i64 {
        (self.close - self.open).num_minutes().max(0)
    }
}

/// Hours for Monday..Sunday; `None` = closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekHours(pub [Option<Hours>; 7]);

impl Default for WeekHours {
    /// Mon-Thu 08:00-16:00, Fri 08:00-16:30, weekend closed (the usual
    /// hours of a Dukcapil office; each office can change them).
    fn default() -> WeekHours {
        let day = Some(Hours::new((8, 0), (16, 0)));
        WeekHours([day, day, day, day, Some(Hours::new((8, 0), (16, 30))), None, None])
    }
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "office hours `{0}`: write e.g. `mon-thu 08:00-16:00; fri 08:00-16:30` (days mon..sun, 24-hour times, opening before closing)"
)]
pub struct InvalidHours(pub String);

impl WeekHours {
    /// Parses `mon-thu 08:00-16:00; fri 08:00-16:30`; days not named are closed.
    pub fn parse(text: &str) -> Result<WeekHours, InvalidHours> {
        let err = || InvalidHours(text.to_string());
        let mut week = [None; 7];
        for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (days, times) = part.split_once(char::is_whitespace).ok_or_else(err)?;
            let (open, close) = times.trim().split_once('-').ok_or_else(err)?;
            let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| err());
            let hours = Hours { open: t(open)?, close: t(close)? };
            if hours.open >= hours.close {
                return Err(err());
            }
            let day = |d: &str| DAYS.iter().position(|x| *x == d.trim().to_lowercase()).ok_or_else(err);
            let (from, to) = match days.split_once('-') {
                Some((a, b)) => (day(a)?, day(b)?),
                None => (day(days)?, day(days)?),
            };
            if from > to {
                return Err(err());
            }
            for slot in &mut week[from..=to] {
                *slot = Some(hours);
            }
        }
        if week.iter().all(Option::is_none) {
            return Err(err());
        }
        Ok(WeekHours(week))
    }
}

impl std::fmt::Display for WeekHours {
    /// The same form `parse` reads, with runs of equal days joined.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        let mut i = 0;
        while i < 7 {
            let Some(h) = self.0[i] else {
                i += 1;
                continue;
            };
            let mut j = i;
            while j + 1 < 7 && self.0[j + 1] == Some(h) {
                j += 1;
            }
            let days = if i == j { DAYS[i].to_string() } else { format!("{}-{}", DAYS[i], DAYS[j]) };
            parts.push(format!("{days} {}-{}", h.open.format("%H:%M"), h.close.format("%H:%M")));
            i = j + 1;
        }
        f.write_str(&parts.join("; "))
    }
}

/// When a promise falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// A deadline.
    At(DateTime<Utc>),
    /// An earliest time ("minimal 30 menit"): shown, never escalated.
    NotBefore(DateTime<Utc>),
    /// No deadline ("tentatif", "tidak dapat ditentukan", a recurring schedule).
    Untimed,
}

impl Due {
    pub fn deadline(self) -> Option<DateTime<Utc>> {
        match self {
            Due::At(t) => Some(t),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    pub zone: TimeZone,
    pub hours: WeekHours,
    /// Office-local dates that are not working days besides closed weekdays.
    pub days_off: BTreeSet<NaiveDate>,
}

/// Safety bound: no standard runs longer than this many days.
const MAX_SCAN_DAYS: u32 = 3_660;

impl BusinessCalendar {
    pub fn new(zone: TimeZone, days_off: impl IntoIterator<Item = NaiveDate>) -> BusinessCalendar {
        BusinessCalendar { zone, hours: WeekHours::default(), days_off: days_off.into_iter().collect() }
    }

    fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.zone.offset()).naive_local()
    }

    fn utc(&self, t: NaiveDateTime) -> DateTime<Utc> {
        // A fixed offset has exactly one mapping for every local time.
        self.zone.offset().from_local_datetime(&t).single().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
    }

    /// Opening hours of a local date, `None` on a day off.
    pub fn hours_on(&self, date: NaiveDate) -> Option<Hours> {
        if self.days_off.contains(&date) {
            return None;
        }
        self.hours.0[date.weekday().num_days_from_monday() as usize]
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.hours_on(date).is_some_and(|h| h.minutes() > 0)
    }

    /// The first moment at or after `t` when the office is open.
    /// The office's opening on `date` (local), or its next opening after it
    /// when the office is closed that day.
    pub fn opening_on(&self, date: NaiveDate) -> DateTime<Utc> {
        self.next_open(self.utc(date.and_time(chrono::NaiveTime::MIN)))
    }

    pub fn next_open(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let local = self.local(t);
        let mut date = local.date();
        for i in 0..MAX_SCAN_DAYS {
            if let Some(h) = self.hours_on(date).filter(|h| h.minutes() > 0) {
                let time = if i == 0 { local.time() } else { NaiveTime::MIN };
                if time < h.close {
                    return self.utc(date.and_time(time.max(h.open)));
                }
            }
            date = date.succ_opt().unwrap_or(date);
        }
        t
    }

    /// `start` plus `minutes` of open time.
    pub fn add_working_minutes(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let mut t = self.next_open(start);
        let mut left = minutes.max(0);
        for _ in 0..MAX_SCAN_DAYS {
            let local = self.local(t);
            let close = match self.hours_on(local.date()) {
                Some(h) => h.close,
                None => return t,
            };
            let available = (close - local.time()).num_minutes();
            if left <= available {
                return t + Duration::minutes(left);
            }
            left -= available;
            t = self.next_open(self.utc(local.date().and_time(close)));
        }
        t
    }

    /// `start` plus `days` working days, at the same local time of day,
    /// clamped into the due day's opening hours.
    pub fn add_working_days(&self, start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let begin = self.local(self.next_open(start));
        let mut date = begin.date();
        let mut left = days;
        let mut guard = 0;
        while left > 0 && guard < MAX_SCAN_DAYS {
            date = date.succ_opt().unwrap_or(date);
            if self.is_working_day(date) {
                left -= 1;
            }
            guard += 1;
        }
        let time = match self.hours_on(date) {
            Some(h) => begin.time().clamp(h.open, h.close),
            None => begin.time(),
        };
        self.utc(date.and_time(time))
    }

    /// Open minutes between two instants (0 when `b <= a`): used to keep
    /// the rest of a clock while a case waits for the applicant.
    pub fn working_minutes_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        let mut total = 0;
        let mut t = self.next_open(a);
        for _ in 0..MAX_SCAN_DAYS {
            if t >= b {
                break;
            }
            let local = self.local(t);
            let Some(h) = self.hours_on(local.date()) else {
                break;
            };
            let close = self.utc(local.date().and_time(h.close));
            let end = close.min(b);
            total += (end - t).num_minutes().max(0);
            t = self.next_open(close);
        }
        total
    }

    /// The working dates after `a`'s date up to `b`'s date, in the office's
    /// zone (0 when `b` falls on `a`'s date or before).
    pub fn working_days_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        let (from, to) = (self.local(a).date(), self.local(b).date());
        from.iter_days().skip(1).take_while(|d| *d <= to).filter(|d| self.is_working_day(*d)).count() as i64
    }

    /// When a duration that starts at `start` falls due.
    pub fn due(&self, start: DateTime<Utc>, d: &SlaDuration) -> Due {
        match d {
            SlaDuration::WorkingMinutes(m) => Due::At(self.add_working_minutes(start, i64::from(*m))),
            SlaDuration::WorkingDays(n) => Due::At(self.add_working_days(start, *n)),
            SlaDuration::CalendarDays(n) => Due::At(start + Duration::days(i64::from(*n))),
            SlaDuration::ClockHours(h) => Due::At(start + Duration::hours(i64::from(*h))),
            SlaDuration::Months { max, .. } => Due::At(add_months(start, *max)),
            SlaDuration::Earliest(inner) => match self.due(start, inner) {
                Due::At(t) => Due::NotBefore(t),
                other => other,
            },
            SlaDuration::Recurring { .. } | SlaDuration::Untimed { .. } => Due::Untimed,
        }
    }

    /// Whether `d` runs on open time (and so pauses outside it).
    pub fn runs_on_open_time(d: &SlaDuration) -> bool {
        matches!(d, SlaDuration::WorkingMinutes(_) | SlaDuration::WorkingDays(_))
    }

    /// Office-local weekday of an instant (for tests and display).
    pub fn local_weekday(&self, t: DateTime<Utc>) -> Weekday {
        self.local(t).weekday()
    }

    /// Whether the office is open at `t`, counting the closing minute.
    pub fn is_open_at(&self, t: DateTime<Utc>) -> bool {
        let local = self.local(t);
        self.hours_on(local.date()).is_some_and(|h| local.time() >= h.open && local.time() <= h.close)
    }
}

fn add_months(t: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    t.checked_add_months(chrono::Months::new(months)).unwrap_or(t + Days::new(u64::from(months) * 31))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2026 holidays relevant to the tests (national + cuti bersama of SKB 1497/2025).
    fn cal() -> BusinessCalendar {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        BusinessCalendar::new(TimeZone::Wib, ["2026-12-24", "2026-12-25", "2027-01-01"].map(d))
    }

    /// Local WIB time as UTC.
    fn wib(s: &str) -> DateTime<Utc> {
        let t = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        cal().utc(t)
    }

    #[test]
    fn minutes_run_inside_office_hours() {
        let c = cal();
        // Tue 2026-11-24 10:00 + 30 min.
        assert_eq!(c.add_working_minutes(wib("2026-11-24 10:00"), 30), wib("2026-11-24 10:30"));
        // 15:50 + 30 min: 10 today, 20 tomorrow from 08:00.
        assert_eq!(c.add_working_minutes(wib("2026-11-24 15:50"), 30), wib("2026-11-25 08:20"));
        // Friday closes at 16:30: 16:20 + 30 → Monday 08:20.
        assert_eq!(c.add_working_minutes(wib("2026-11-27 16:20"), 30), wib("2026-11-30 08:20"));
        // Submitted on Saturday: the clock starts Monday 08:00.
        assert_eq!(c.add_working_minutes(wib("2026-11-28 11:00"), 5), wib("2026-11-30 08:05"));
    }

    #[test]
    fn days_skip_weekends_and_holidays_across_the_year_end() {
        let c = cal();
        // Wed 23 Dec 2026 10:00 + 1 hari: 24 (cuti bersama) and 25 (Natal) off → Mon 28.
        assert_eq!(c.add_working_days(wib("2026-12-23 10:00"), 1), wib("2026-12-28 10:00"));
        // Thu 31 Dec + 1 hari: 1 Jan off, 2-3 weekend → Mon 4 Jan 2027.
        assert_eq!(c.add_working_days(wib("2026-12-31 09:00"), 1), wib("2027-01-04 09:00"));
        // Received at Thursday's closing time: counts from Friday 08:00.
        assert_eq!(c.add_working_days(wib("2026-11-26 15:00"), 1), wib("2026-11-27 15:00"));
        assert_eq!(c.add_working_days(wib("2026-11-26 16:00"), 1), wib("2026-11-30 08:00"));
        // Friday 16:20 + 1 hari → Monday, clamped to Monday's 16:00 closing.
        assert_eq!(c.add_working_days(wib("2026-11-27 16:20"), 1), wib("2026-11-30 16:00"));
    }

    #[test]
    fn clock_hours_ignore_the_calendar_and_zones_differ() {
        let c = cal();
        let start = wib("2026-12-23 10:00");
        assert_eq!(c.due(start, &SlaDuration::ClockHours(72)), Due::At(wib("2026-12-26 10:00")));
        let wita = BusinessCalendar::new(TimeZone::Wita, []);
        // 08:00 WITA is 07:00 WIB: an office in Makassar opens an hour earlier in UTC.
        assert_eq!(wita.next_open(wib("2026-11-24 06:30")), wib("2026-11-24 07:00"));
    }

    #[test]
    fn earliest_and_untimed_are_not_deadlines() {
        let c = cal();
        let start = wib("2026-11-24 10:00");
        assert_eq!(
            c.due(start, &"minimal 30 menit".parse().unwrap()),
            Due::NotBefore(wib("2026-11-24 10:30"))
        );
        assert_eq!(c.due(start, &"tentatif".parse().unwrap()), Due::Untimed);
        assert_eq!(c.due(start, &"6 bulan sekali".parse().unwrap()), Due::Untimed);
        assert_eq!(c.due(start, &"1 s/d 2 bulan".parse().unwrap()), Due::At(wib("2027-01-24 10:00")));
    }

    #[test]
    fn office_hours_parse_and_print_back() {
        let w = WeekHours::parse("mon-thu 08:00-16:00; fri 08:00-16:30").unwrap();
        assert_eq!(w, WeekHours::default());
        assert_eq!(w.to_string(), "mon-thu 08:00-16:00; fri 08:00-16:30");
        let sat = WeekHours::parse("mon-fri 07:30-15:00; sat 08:00-12:00").unwrap();
        assert_eq!(WeekHours::parse(&sat.to_string()).unwrap(), sat);
        for bad in ["", "mon 16:00-08:00", "fri-mon 08:00-16:00", "someday 08:00-16:00", "mon 8-16"] {
            assert!(WeekHours::parse(bad).is_err(), "{bad}");
        }
        // A Ramadan Friday closing at 11:00: 10:30 + 60 min ends Monday 08:30.
        let mut c = cal();
        c.hours = WeekHours::parse("mon-thu 08:00-15:00; fri 08:00-11:00").unwrap();
        assert_eq!(c.add_working_minutes(wib("2026-11-27 10:30"), 60), wib("2026-11-30 08:30"));
    }

    #[test]
    fn open_minutes_between_two_times() {
        let c = cal();
        assert_eq!(c.working_minutes_between(wib("2026-11-24 15:00"), wib("2026-11-25 09:00")), 120);
        assert_eq!(c.working_minutes_between(wib("2026-11-25 09:00"), wib("2026-11-24 15:00")), 0);
    }

    fn any_start() -> impl Strategy<Value = DateTime<Utc>> {
        // Any minute between 2026-01-01 and 2027-12-31.
        (0i64..(730 * 24 * 60)).prop_map(|m| wib("2026-01-01 00:00") + Duration::minutes(m))
    }

    proptest! {
        #[test]
        fn due_is_monotonic_in_duration(start in any_start(), a in 0i64..5_000, b in 0i64..5_000) {
            let c = cal();
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(c.add_working_minutes(start, lo) <= c.add_working_minutes(start, hi));
            let (dlo, dhi) = ((lo % 40) as u32, (hi % 40) as u32);
            let (dlo, dhi) = (dlo.min(dhi), dlo.max(dhi));
            prop_assert!(c.add_working_days(start, dlo) <= c.add_working_days(start, dhi));
        }

        #[test]
        fn working_time_dues_fall_in_working_time(start in any_start(), m in 1i64..10_000, d in 1u32..60) {
            let c = cal();
            let due = c.add_working_minutes(start, m);
            prop_assert!(c.is_open_at(due), "{due} not in office hours");
            prop_assert!(c.is_working_day(c.local(due).date()));
            let due = c.add_working_days(start, d);
            prop_assert!(c.is_open_at(due), "{due} not in office hours");
            // And the open minutes up to the due time are exactly what was asked.
            let due = c.add_working_minutes(start, m);
            prop_assert_eq!(c.working_minutes_between(start, due), m);
        }
    }
}
