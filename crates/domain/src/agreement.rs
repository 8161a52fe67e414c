//! Data-access agreements (PKS): what a completed data-use procedure
//! produces and the office manages for years — its validity, its status,
//! its User IDs and the warnings before it ends. Permendagri 102/2019 (as
//! amended by 17/2023): the Dinas signs, the ministry issues and revokes
//! access, so the Dinas only *recommends* a suspension.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which step of a standard makes the agreement, in TOML:
/// `[agreement] step = "5"`. That step records the agreement's validity
/// (`berlaku_mulai`, `berlaku_sampai`, dates) and access mode
/// (`mode_akses`); its number is that of the `pks` document the step issues,
/// or, where the PKS is signed elsewhere (with the ministry), the step
/// records it (`nomor_pks`, `tanggal_pks`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementSpec {
    pub step: String,
    /// The other party when it is not the applicant's institution and the
    /// office (Sulsel: the PKS is with the Ditjen Dukcapil).
    #[serde(default)]
    pub counterparty: Option<String>,
    /// What the agreement obliges, again and again: each due period is a
    /// case of its own on the named service of the same office.
    #[serde(default)]
    pub duties: Vec<Duty>,
}

/// A recurring duty of an agreement. In TOML:
/// `duties = [{ service = "laporan-data-warehouse", every = "semester" }]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Duty {
    /// The slug of the service each period's case runs on.
    pub service: String,
    pub every: Every,
}

/// How often a duty falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    /// Each calendar half-year (January–June, July–December) the agreement
    /// ran in, due when it ends: the semester usage report.
    Semester,
    /// Every six months from the agreement's start: the monev.
    SixMonths,
}

/// A period a duty is due for: its label (`2026-1`, `2026-2` for a
/// semester; the due date for a six-monthly one) and the day it falls due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub label: String,
    pub due: NaiveDate,
}

/// The periods of `every` that have fallen due by `today` for an agreement
/// valid from `starts` to `ends`, oldest first.
pub fn periods_due(every: Every, starts: NaiveDate, ends: NaiveDate, today: NaiveDate) -> Vec<Period> {
    use chrono::Datelike;
    let mut out = Vec::new();
    match every {
        Every::Semester => {
            let (mut year, mut half) = (starts.year(), if starts.month() <= 6 { 1 } else { 2 });
            loop {
                let due = if half == 1 {
                    NaiveDate::from_ymd_opt(year, 7, 1)
                } else {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)
                };
                let Some(due) = due else { break };
                let first = if half == 1 {
                    NaiveDate::from_ymd_opt(year, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(year, 7, 1)
                };
                if due > today || first.is_none_or(|f| f > ends) {
                    break;
                }
                out.push(Period { label: format!("{year}-{half}"), due });
                (year, half) = if half == 1 { (year, 2) } else { (year + 1, 1) };
            }
        }
        Every::SixMonths => {
            for n in 1.. {
                let Some(due) = starts.checked_add_months(chrono::Months::new(6 * n)) else { break };
                if due > today || due > ends {
                    break;
                }
                out.push(Period { label: due.to_string(), due });
            }
        }
    }
    out
}

/// The semester `day` falls in (`2026-1` January–June, `2026-2`
/// July–December), then the one before it.
pub fn this_and_last_semester(day: NaiveDate) -> [String; 2] {
    use chrono::Datelike;
    let year = day.year();
    if day.month() <= 6 {
        [format!("{year}-1"), format!("{}-2", year - 1)]
    } else {
        [format!("{year}-2"), format!("{year}-1")]
    }
}

/// Where a duty of one period stands on the compliance board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DutyState {
    /// Filed within the grace period after it fell due.
    Filed,
    /// Filed, after the grace period.
    Late,
    /// Not filed, and the grace period is over.
    Missing,
    /// Not filed yet; the grace period runs.
    Open,
}

impl DutyState {
    pub fn as_str(self) -> &'static str {
        match self {
            DutyState::Filed => "filed",
            DutyState::Late => "late",
            DutyState::Missing => "missing",
            DutyState::Open => "open",
        }
    }
}

/// A period's state: due on `due`, `grace_days` to file, filed on `filed`.
pub fn duty_state(due: NaiveDate, grace_days: u32, filed: Option<NaiveDate>, today: NaiveDate) -> DutyState {
    let last = due + chrono::Days::new(u64::from(grace_days));
    match filed {
        Some(f) if f <= last => DutyState::Filed,
        Some(_) => DutyState::Late,
        None if today > last => DutyState::Missing,
        None => DutyState::Open,
    }
}

/// What the agreement step must record.
pub const REQUIRED_RECORDS: [&str; 3] = ["berlaku_mulai", "berlaku_sampai", "mode_akses"];

/// The access modes an agreement grants.
pub const ACCESS_MODES: [&str; 4] = ["web_service", "card_reader", "siak", "data_warehouse"];

/// Where an agreement stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    /// In force, more than 90 days left.
    Active,
    /// In force, 90 days or fewer left.
    Expiring,
    /// The office recommended to the Ditjen that access be suspended.
    SuspensionRecommended,
    /// The ministry revoked it (recorded from its letter).
    RevokedByMinistry,
    /// Past its end date.
    Ended,
}

impl AgreementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::Active => "active",
            AgreementStatus::Expiring => "expiring",
            AgreementStatus::SuspensionRecommended => "suspension_recommended",
            AgreementStatus::RevokedByMinistry => "revoked_by_ministry",
            AgreementStatus::Ended => "ended",
        }
    }
}

/// What has been recorded against an agreement that decides its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    pub suspension_recommended: bool,
    pub revoked: bool,
}

/// The days before the end at which the office and the institution are
/// warned, furthest first.
pub const WARNINGS: [i64; 2] = [90, 30];

/// The status on `today`: a revocation outweighs everything, then the end
/// date, then a recommendation to suspend, then the time left.
pub fn status(ends: NaiveDate, today: NaiveDate, flags: Flags) -> AgreementStatus {
    let left = (ends - today).num_days();
    if flags.revoked {
        AgreementStatus::RevokedByMinistry
    } else if left < 0 {
        AgreementStatus::Ended
    } else if flags.suspension_recommended {
        AgreementStatus::SuspensionRecommended
    } else if left <= WARNINGS[0] {
        AgreementStatus::Expiring
    } else {
        AgreementStatus::Active
    }
}

/// The warning due on `today` (90 or 30), if one is: the nearest threshold
/// already reached while the agreement has not ended.
pub fn warning_due(ends: NaiveDate, today: NaiveDate) -> Option<i64> {
    let left = (ends - today).num_days();
    if left < 0 {
        return None;
    }
    WARNINGS.iter().rev().copied().find(|w| left <= *w)
}

/// Checks an agreement's validity as recorded: both dates, the end after
/// the start. Errors name the record.
pub fn validity(starts: &str, ends: &str) -> Result<(NaiveDate, NaiveDate), (&'static str, String)> {
    let date = |field: &'static str, v: &str| {
        NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
            .map_err(|_| (field, format!("a date as YYYY-MM-DD, not `{v}`")))
    };
    let (s, e) = (date("data.berlaku_mulai", starts)?, date("data.berlaku_sampai", ends)?);
    if e <= s {
        return Err(("data.berlaku_sampai", "the agreement ends after it starts".into()));
    }
    Ok((s, e))
}

/// The environments a User ID is issued for.
pub const ENVIRONMENTS: [&str; 2] = ["development", "production"];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_day_names_its_semester_and_the_one_before() {
        assert_eq!(this_and_last_semester(d("2026-12-01")), ["2026-2", "2026-1"]);
        assert_eq!(this_and_last_semester(d("2027-06-30")), ["2027-1", "2026-2"]);
        assert_eq!(this_and_last_semester(d("2027-07-01")), ["2027-2", "2027-1"]);
    }

    #[test]
    fn status_by_time_left_and_what_was_recorded() {
        let ends = d("2027-12-31");
        let none = Flags::default();
        assert_eq!(status(ends, d("2027-10-01"), none), AgreementStatus::Active);
        assert_eq!(status(ends, d("2027-10-02"), none), AgreementStatus::Expiring, "90 days left");
        assert_eq!(status(ends, d("2027-12-31"), none), AgreementStatus::Expiring);
        assert_eq!(status(ends, d("2028-01-01"), none), AgreementStatus::Ended);
        let rec = Flags { suspension_recommended: true, revoked: false };
        assert_eq!(status(ends, d("2027-01-01"), rec), AgreementStatus::SuspensionRecommended);
        assert_eq!(status(ends, d("2028-01-01"), rec), AgreementStatus::Ended);
        let revoked = Flags { suspension_recommended: true, revoked: true };
        assert_eq!(status(ends, d("2027-01-01"), revoked), AgreementStatus::RevokedByMinistry);
    }

    #[test]
    fn warnings_at_ninety_and_thirty_days() {
        let ends = d("2027-12-31");
        assert_eq!(warning_due(ends, d("2027-10-01")), None);
        assert_eq!(warning_due(ends, d("2027-10-02")), Some(90));
        assert_eq!(warning_due(ends, d("2027-11-30")), Some(90));
        assert_eq!(warning_due(ends, d("2027-12-01")), Some(30));
        assert_eq!(warning_due(ends, d("2028-01-01")), None);
    }

    #[test]
    fn semesters_fall_due_when_they_end_while_the_agreement_runs() {
        let labels = |today: &str| {
            periods_due(Every::Semester, d("2026-03-15"), d("2027-03-14"), d(today))
                .into_iter()
                .map(|p| (p.label, p.due.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(labels("2026-06-30"), vec![]);
        assert_eq!(labels("2026-07-01"), vec![("2026-1".into(), "2026-07-01".into())]);
        assert_eq!(labels("2027-01-01").len(), 2);
        // The half it ends in is reported too; nothing after.
        assert_eq!(labels("2030-01-01").last().unwrap().0, "2027-1");
        assert_eq!(labels("2030-01-01").len(), 3);
    }

    #[test]
    fn six_monthly_duties_count_from_the_start() {
        let due: Vec<_> = periods_due(Every::SixMonths, d("2026-03-15"), d("2027-03-14"), d("2028-01-01"))
            .into_iter()
            .map(|p| p.label)
            .collect();
        assert_eq!(due, ["2026-09-15"], "the next falls after the end");
        assert_eq!(periods_due(Every::SixMonths, d("2026-03-15"), d("2031-03-14"), d("2026-09-14")), vec![]);
    }

    #[test]
    fn a_duty_is_filed_late_or_missing_after_its_grace() {
        let due = d("2026-07-01");
        assert_eq!(duty_state(due, 30, Some(d("2026-07-31")), d("2026-12-01")), DutyState::Filed);
        assert_eq!(duty_state(due, 30, Some(d("2026-08-01")), d("2026-12-01")), DutyState::Late);
        assert_eq!(duty_state(due, 30, None, d("2026-07-31")), DutyState::Open);
        assert_eq!(duty_state(due, 30, None, d("2026-08-01")), DutyState::Missing);
    }

    #[test]
    fn validity_names_the_bad_record() {
        assert!(validity("2026-01-01", "2031-01-01").is_ok());
        assert_eq!(validity("2026-13-01", "2031-01-01").unwrap_err().0, "data.berlaku_mulai");
        assert_eq!(validity("2026-01-01", "2025-01-01").unwrap_err().0, "data.berlaku_sampai");
    }
}
