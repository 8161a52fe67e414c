//! The evaluasi kinerja pelaksana (component 14 of a standard) as a
//! schedule: Sulsel evaluates its staff at least once a month, Bengkulu in
//! June and December ("dievaluasi pada bulan Juni dan Desember tiap
//! tahun"), Jepara once a year (office.toml `staff_evaluation`). A period
//! can be recorded from the first day of its last month, and is owed once
//! it has ended.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// How often an office evaluates its staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    Month,
    /// The half-years ending in June and December.
    JuneDecember,
    Year,
}

/// One period to evaluate (`EvaluationPeriod` in the API: the dashboard's
/// `Period` is a span of days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = EvaluationPeriod)]
pub struct Period {
    /// `2026-11` (a month), `2026-06` / `2026-12` (the half-year ending
    /// then), `2026` (a year).
    pub label: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
}

impl Period {
    /// Whether it can be recorded on `day`: from its last month on.
    pub fn open_on(&self, day: NaiveDate) -> bool {
        self.to.with_day(1).is_some_and(|first| day >= first)
    }

    /// Whether it is owed on `day`: it has ended.
    pub fn owed_on(&self, day: NaiveDate) -> bool {
        day > self.to
    }
}

/// The period that holds `day`.
pub fn period_of(every: Every, day: NaiveDate) -> Option<Period> {
    let (y, m) = (day.year(), day.month());
    let (first, months, label) = match every {
        Every::Month => (NaiveDate::from_ymd_opt(y, m, 1)?, 1, format!("{y}-{m:02}")),
        Every::JuneDecember if m <= 6 => (NaiveDate::from_ymd_opt(y, 1, 1)?, 6, format!("{y}-06")),
        Every::JuneDecember => (NaiveDate::from_ymd_opt(y, 7, 1)?, 6, format!("{y}-12")),
        Every::Year => (NaiveDate::from_ymd_opt(y, 1, 1)?, 12, format!("{y}")),
    };
    let to = first.checked_add_months(Months::new(months))?.pred_opt()?;
    Some(Period { label, from: first, to })
}

/// The periods open on `today` or ended within the year before it, oldest
/// first: the board the officials record on.
pub fn periods(every: Every, today: NaiveDate) -> Vec<Period> {
    let mut out: Vec<Period> = Vec::new();
    let mut day = today.checked_sub_months(Months::new(12)).unwrap_or(today);
    while day <= today {
        if let Some(p) = period_of(every, day)
            && p.to >= today.checked_sub_months(Months::new(12)).unwrap_or(today)
            && p.open_on(today)
            && out.last().is_none_or(|l| l.label != p.label)
        {
            out.push(p);
        }
        day = day.checked_add_months(Months::new(1)).unwrap_or(today.succ_opt().unwrap_or(today));
    }
    out
}

/// A period of `every` by its label, if it is one.
pub fn parse(every: Every, label: &str) -> Option<Period> {
    let day = match every {
        Every::Year => NaiveDate::parse_from_str(&format!("{label}-01-01"), "%Y-%m-%d").ok()?,
        _ => NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d").ok()?,
    };
    let p = period_of(every, day)?;
    // A half-year is named by its last month only.
    (p.label == label).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn bengkulu_evaluates_in_june_and_december() {
        let p = period_of(Every::JuneDecember, d("2026-03-10")).unwrap();
        assert_eq!((p.label.as_str(), p.from, p.to), ("2026-06", d("2026-01-01"), d("2026-06-30")));
        assert!(!p.open_on(d("2026-05-31")) && p.open_on(d("2026-06-01")), "recorded in June");
        assert!(!p.owed_on(d("2026-06-30")) && p.owed_on(d("2026-07-01")), "owed once June is over");
        let labels: Vec<_> =
            periods(Every::JuneDecember, d("2026-12-05")).into_iter().map(|p| p.label).collect();
        assert_eq!(labels, ["2025-12", "2026-06", "2026-12"]);
        assert_eq!(parse(Every::JuneDecember, "2026-12").unwrap().from, d("2026-07-01"));
        assert!(parse(Every::JuneDecember, "2026-03").is_none(), "not a half-year's name");
    }

    #[test]
    fn sulsel_evaluates_every_month_and_jepara_every_year() {
        let months: Vec<_> = periods(Every::Month, d("2026-12-05")).into_iter().map(|p| p.label).collect();
        assert_eq!(months.len(), 13, "{months:?}");
        assert_eq!((months[0].as_str(), months[12].as_str()), ("2025-12", "2026-12"));
        assert_eq!(period_of(Every::Month, d("2028-02-10")).unwrap().to, d("2028-02-29"));
        let years: Vec<_> = periods(Every::Year, d("2026-12-05")).into_iter().map(|p| p.label).collect();
        assert_eq!(years, ["2025", "2026"]);
        assert_eq!(periods(Every::Year, d("2026-11-30")).len(), 1, "2026 opens in December");
        assert!(parse(Every::Year, "20x6").is_none());
    }
}
