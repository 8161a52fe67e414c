//! The time wording of the standards ("5 menit", "3x24 jam", "1 s/d 2
//! bulan", "tentatif", "minimal 30 menit") as one type, so the SLA engine,
//! the lint and the catalogue agree on what a promise means.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A time limit as a standard states it. Working-time units (menit, jam,
/// hari) run on the office calendar; `ClockHours` is elapsed wall time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum SlaDuration {
    /// Minutes of office working time ("5 menit", "4 jam" = 240).
    WorkingMinutes(u32),
    /// Working days ("1 hari", "2 hari kerja"): weekends and holidays skipped.
    WorkingDays(u32),
    /// Calendar days, when a standard says "hari kalender".
    CalendarDays(u32),
    /// Elapsed clock hours ("3x24 jam" = 72), as UU PDP reads them.
    ClockHours(u32),
    /// Months, possibly a range ("1 s/d 2 bulan"): due at the upper bound.
    Months { min: u32, max: u32 },
    /// A schedule, not a deadline ("6 bulan sekali").
    Recurring { months: u32 },
    /// No deadline can be set ("tentatif", "tidak dapat ditentukan"), or
    /// none is stated ("tidak dinyatakan").
    Untimed { wording: String },
    /// "minimal …" / "paling cepat …": an earliest time, never a deadline.
    Earliest(Box<SlaDuration>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot read duration `{0}`: expected e.g. `5 menit`, `4 jam`, `1 hari`, `3x24 jam`, `1 s/d 2 bulan`, `6 bulan sekali`, `tentatif`, `minimal 30 menit`"
)]
pub struct InvalidDuration(pub String);

impl SlaDuration {
    /// True when the duration can become a due time (it is a deadline).
    pub fn is_deadline(&self) -> bool {
        !matches!(
            self,
            SlaDuration::Untimed { .. } | SlaDuration::Recurring { .. } | SlaDuration::Earliest(_)
        )
    }

    /// Working minutes, when the duration is counted in them; used to add
    /// up the steps of an SOP against its stated total.
    pub fn working_minutes(&self) -> Option<u32> {
        match self {
            SlaDuration::WorkingMinutes(m) => Some(*m),
            _ => None,
        }
    }
}

fn number(s: &str) -> Option<u32> {
    s.trim().parse().ok().filter(|n| *n > 0)
}

impl FromStr for SlaDuration {
    type Err = InvalidDuration;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let err = || InvalidDuration(raw.to_string());
        let s = raw.trim().to_lowercase();
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s == "tentatif" || s == "tidak dapat ditentukan" || s == "tidak dinyatakan" {
            return Ok(SlaDuration::Untimed { wording: s });
        }
        for prefix in ["minimal ", "paling cepat "] {
            if let Some(rest) = s.strip_prefix(prefix) {
                let inner: SlaDuration = rest.parse().map_err(|_| err())?;
                return if inner.is_deadline() {
                    Ok(SlaDuration::Earliest(Box::new(inner)))
                } else {
                    Err(err())
                };
            }
        }
        if let Some(rest) = s.strip_suffix(" bulan sekali") {
            return number(rest).map(|months| SlaDuration::Recurring { months }).ok_or_else(err);
        }
        let (amount, unit) = s.split_once(' ').ok_or_else(err)?;
        match unit {
            "menit" => number(amount).map(SlaDuration::WorkingMinutes),
            "jam" => match amount.split_once('x') {
                Some((a, b)) => {
                    number(a).zip(number(b)).and_then(|(a, b)| a.checked_mul(b)).map(SlaDuration::ClockHours)
                }
                None => number(amount).and_then(|h| h.checked_mul(60)).map(SlaDuration::WorkingMinutes),
            },
            "hari" | "hari kerja" => number(amount).map(SlaDuration::WorkingDays),
            "hari kalender" => number(amount).map(SlaDuration::CalendarDays),
            "bulan" => number(amount).map(|m| SlaDuration::Months { min: m, max: m }),
            _ => months_range(&s),
        }
        .filter(SlaDuration::plausible)
        .ok_or_else(err)
    }
}

/// No standard promises more than a year: a longer time is a typo, and
/// the clocks would walk a calendar day by day to reach it.
const MAX_DAYS: u32 = 366;

impl SlaDuration {
    fn plausible(&self) -> bool {
        match self {
            SlaDuration::WorkingMinutes(m) => *m <= MAX_DAYS * 24 * 60,
            SlaDuration::WorkingDays(d) | SlaDuration::CalendarDays(d) => *d <= MAX_DAYS,
            SlaDuration::ClockHours(h) => *h <= MAX_DAYS * 24,
            SlaDuration::Months { max, .. } | SlaDuration::Recurring { months: max } => *max <= 12,
            SlaDuration::Untimed { .. } | SlaDuration::Earliest(_) => true,
        }
    }
}

/// "1 s/d 2 bulan" or "1-2 bulan".
fn months_range(s: &str) -> Option<SlaDuration> {
    let body = s.strip_suffix(" bulan")?;
    let (a, b) = body.split_once(" s/d ").or_else(|| body.split_once('-'))?;
    let (min, max) = (number(a)?, number(b)?);
    (min <= max).then_some(SlaDuration::Months { min, max })
}

impl fmt::Display for SlaDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlaDuration::WorkingMinutes(m) if *m % 60 == 0 && *m >= 60 => write!(f, "{} jam", m / 60),
            SlaDuration::WorkingMinutes(m) => write!(f, "{m} menit"),
            SlaDuration::WorkingDays(d) => write!(f, "{d} hari kerja"),
            SlaDuration::CalendarDays(d) => write!(f, "{d} hari kalender"),
            SlaDuration::ClockHours(h) if *h % 24 == 0 => write!(f, "{}x24 jam", h / 24),
            SlaDuration::ClockHours(h) => write!(f, "{h}x1 jam"),
            SlaDuration::Months { min, max } if min == max => write!(f, "{min} bulan"),
            SlaDuration::Months { min, max } => write!(f, "{min} s/d {max} bulan"),
            SlaDuration::Recurring { months } => write!(f, "{months} bulan sekali"),
            SlaDuration::Untimed { wording } => f.write_str(wording),
            SlaDuration::Earliest(inner) => write!(f, "minimal {inner}"),
        }
    }
}

impl TryFrom<String> for SlaDuration {
    type Error = InvalidDuration;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<SlaDuration> for String {
    fn from(d: SlaDuration) -> String {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> SlaDuration {
        s.parse().unwrap()
    }

    #[test]
    fn the_wordings_of_the_seeds_parse() {
        assert_eq!(p("5 menit"), SlaDuration::WorkingMinutes(5));
        assert_eq!(p("4 Jam"), SlaDuration::WorkingMinutes(240));
        assert_eq!(p("2 hari"), SlaDuration::WorkingDays(2));
        assert_eq!(p("3x24 jam"), SlaDuration::ClockHours(72));
        assert_eq!(p("1 s/d 2 bulan"), SlaDuration::Months { min: 1, max: 2 });
        assert_eq!(p("6 bulan sekali"), SlaDuration::Recurring { months: 6 });
        assert!(!p("Tentatif").is_deadline());
        assert!(!p("tidak dapat ditentukan").is_deadline());
        assert!(!p("tidak dinyatakan").is_deadline());
        assert_eq!(p("minimal 30 menit"), SlaDuration::Earliest(Box::new(SlaDuration::WorkingMinutes(30))));
        assert_eq!(p("paling cepat 3 hari"), SlaDuration::Earliest(Box::new(SlaDuration::WorkingDays(3))));
    }

    #[test]
    fn nonsense_is_rejected_with_the_input_named() {
        for bad in
            ["", "5", "lima menit", "0 menit", "5 minggu", "2 s/d 1 bulan", "minimal tentatif", "-3 jam"]
        {
            let e = bad.parse::<SlaDuration>().unwrap_err();
            assert!(e.to_string().contains(&format!("`{bad}`")));
        }
    }

    /// Found by `scripts/fuzz.sh standard`: the multiplication overflowed
    /// (a panic in debug builds, a wrapped nonsense time in release). Times
    /// beyond a year are refused: the clocks walk the calendar to them.
    #[test]
    fn huge_times_are_refused_not_overflowed() {
        for bad in
            ["21111112x824 jam", "4294967295 jam", "4000000000 hari", "367 hari", "9000x1 jam", "13 bulan"]
        {
            assert!(bad.parse::<SlaDuration>().is_err(), "{bad}");
        }
        assert_eq!(p("366 hari"), SlaDuration::WorkingDays(366));
        assert_eq!(p("366x24 jam"), SlaDuration::ClockHours(366 * 24));
    }

    proptest! {
        #[test]
        fn display_round_trips(n in 1u32..10_000, kind in 0u8..6) {
            // Within the plausible range: up to a year.
            let (days, months) = (n % MAX_DAYS + 1, n % 11 + 1);
            let d = match kind {
                0 => SlaDuration::WorkingMinutes(n),
                1 => SlaDuration::WorkingDays(days),
                2 => SlaDuration::ClockHours(days * 24),
                3 => SlaDuration::Months { min: months, max: months + 1 },
                4 => SlaDuration::Recurring { months },
                _ => SlaDuration::Earliest(Box::new(SlaDuration::WorkingMinutes(n))),
            };
            prop_assert_eq!(d.to_string().parse::<SlaDuration>().unwrap(), d);
        }
    }
}
