//! The app's clock, and how people read a time (in the office's zone).
//! Services ask `App::now`, never the system directly, so
//! a test can move time forward and see an escalation fire or a retention
//! purge run, without waiting and without calling the job by hand.

use chrono::{DateTime, Utc};
use domain::TimeZone;
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The zone of an office, from its province code.
pub fn office_zone(office: &str) -> TimeZone {
    TimeZone::for_province(office.get(..2).unwrap_or_default())
}

/// `25-11-2026 08:30 WIB`: how people read a time, in the office's zone.
pub fn human(ms_value: Option<i64>, zone: TimeZone) -> String {
    ms_value
        .map(|v| {
            format!(
                "{} {}",
                DateTime::from_timestamp_millis(v)
                    .unwrap_or_default()
                    .with_timezone(&zone.offset())
                    .format("%d-%m-%Y %H:%M"),
                zone.as_str()
            )
        })
        .unwrap_or_else(|| "—".into())
}

/// RFC 3339 in the office's own offset (the contract's time format).
pub fn rfc3339(ms_value: Option<i64>, zone: TimeZone) -> Option<String> {
    ms_value.map(|v| {
        DateTime::from_timestamp_millis(v)
            .unwrap_or_default()
            .with_timezone(&zone.offset())
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    })
}

/// The system's clock: what a running office uses.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system's clock moved by a settable amount: time goes on as usual,
/// and a test (or the bench) jumps it forward to see what the jobs do then.
#[derive(Debug, Default)]
pub struct ShiftedClock(Mutex<chrono::Duration>);

impl ShiftedClock {
    pub fn new() -> ShiftedClock {
        ShiftedClock::default()
    }

    /// Moves the clock forward by `by` from wherever it is.
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut shift) = self.0.lock() {
            *shift += by;
        }
    }

    /// Makes it `to` now (time goes on from there).
    pub fn set(&self, to: DateTime<Utc>) {
        if let Ok(mut shift) = self.0.lock() {
            *shift = to - Utc::now();
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        let shift = self.0.lock().map(|s| *s).unwrap_or_else(|p| *p.into_inner());
        Utc::now() + shift
    }
}

/// A moment people give: RFC 3339, or a local `YYYY-MM-DDTHH:MM` (a
/// browser's datetime-local) in `office`'s time zone.
pub fn parse_moment(text: &str, office: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok()?;
    local.and_local_timezone(office_zone(office).offset()).single().map(|t| t.with_timezone(&Utc))
}

/// A day, or the first (`from`) or last (`to`) day of a month.
fn day(text: &str, field: &'static str, last: bool) -> Result<chrono::NaiveDate, crate::Error> {
    let t = text.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d);
    }
    let first = chrono::NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").map_err(|_| {
        crate::Error::invalid(field, format!("a date (YYYY-MM-DD) or a month (YYYY-MM), not `{t}`"))
    })?;
    Ok(if last {
        first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first)
    } else {
        first
    })
}

/// A period's first and last days from `from` and `to` (days or months),
/// `first` and `last` when absent.
pub(crate) fn period(
    from: Option<&str>,
    to: Option<&str>,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), crate::Error> {
    let from = match from.filter(|f| !f.trim().is_empty()) {
        Some(f) => day(f, "from", false)?,
        None => first,
    };
    let to = match to.filter(|t| !t.trim().is_empty()) {
        Some(t) => day(t, "to", true)?,
        None => last,
    };
    if to < from {
        return Err(crate::Error::invalid("to", "the last day comes after the first"));
    }
    Ok((from, to))
}

/// The days `from`..=`to` in the office's time, as ms: `[start, end)`.
pub(crate) fn span(
    office: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<(i64, i64), crate::Error> {
    let zone = crate::clock::office_zone(office).offset();
    let ms = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(zone).single()).map(|t| t.timestamp_millis())
    };
    match (ms(from), to.succ_opt().and_then(ms)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(crate::Error::invalid("from", "days that exist")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_runs_ahead_by_what_it_was_moved() {
        let c = ShiftedClock::new();
        c.advance(chrono::Duration::days(2));
        let ahead = c.now() - Utc::now();
        assert!(ahead > chrono::Duration::hours(47) && ahead <= chrono::Duration::days(2), "{ahead}");
        let target = Utc::now() - chrono::Duration::days(1);
        c.set(target);
        assert!((c.now() - target).num_seconds().abs() < 5);
    }
}
