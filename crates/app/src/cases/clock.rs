//! SLA clocks of a case: due times when a step starts, what is left when a
//! case waits for the applicant, and the due times again when it resumes.

use crate::{App, Error};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::SlaDuration;
use domain::Standard;
use domain::calendar::{BusinessCalendar, WeekHours};
use domain::standard::{Minimal, Step};
use std::sync::Arc;
use store::CaseChange;

/// office → (when read, calendar).
pub(crate) type CalendarCache =
    std::collections::HashMap<String, (std::time::Instant, Arc<BusinessCalendar>)>;

/// How long an office calendar is reused before it is read again. Holidays
/// and office hours change a few times a year; this instance sees its own
/// changes at once (`forget_calendar`), other instances within a minute.
const CALENDAR_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// The calendar of an office: its zone, and its days off from the holiday
/// table (cuti bersama only when the office counts it as a day off). Kept
/// for a minute: every case action needs it, and reading a hundred holiday
/// rows each time was a fifth of an action's cost.
pub async fn calendar(app: &App, office: &str) -> Result<Arc<BusinessCalendar>, Error> {
    let cached = app.calendars.lock().ok().and_then(|c| c.get(office).cloned());
    if let Some((at, cal)) = cached
        && at.elapsed() < CALENDAR_TTL
    {
        return Ok(cal);
    }
    let cal = Arc::new(read_calendar(app, office).await?);
    if let Ok(mut c) = app.calendars.lock() {
        c.insert(office.to_string(), (std::time::Instant::now(), cal.clone()));
    }
    Ok(cal)
}

/// Drops an office's cached calendar after its settings changed.
pub fn forget_calendar(app: &App, office: &str) {
    if let Ok(mut c) = app.calendars.lock() {
        c.remove(office);
    }
}

async fn read_calendar(app: &App, office: &str) -> Result<BusinessCalendar, Error> {
    let o = app.store.office(office).await?.ok_or_else(|| Error::not_found(format!("office {office}")))?;
    let zone = o.time_zone;
    // Holidays from last year on: enough for any standard's horizon.
    let from = (app.now() - Duration::days(366)).format("%Y-%m-%d").to_string();
    let days = app
        .store
        .holidays(&from, "9999-12-31")
        .await?
        .into_iter()
        .filter(|h| h.kind == "libur_nasional" || o.cuti_bersama_off)
        .filter_map(|h| NaiveDate::parse_from_str(&h.date, "%Y-%m-%d").ok());
    let mut cal = BusinessCalendar::new(zone, days);
    if let Some(h) = o.hours.as_deref() {
        // Stored only after validation; a bad value falls back to the default.
        cal.hours = WeekHours::parse(h).unwrap_or_default();
    }
    Ok(cal)
}

pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The promise of the whole case on a channel as the standard words it:
/// the channel's own limit, or the standard's total.
fn case_promise<'a>(std: &'a Standard, channel: &str) -> Option<&'a SlaDuration> {
    std.channels.iter().find(|c| c.code == channel).and_then(|c| c.sla.as_ref()).or(std.sla.total.as_ref())
}

/// A duration as a clock reads it: "minimal 30 menit" read as a deadline
/// is a 30-minute limit; read as an earliest time it sets no due time.
fn as_limit(d: Option<&SlaDuration>, reading: Option<Minimal>) -> Option<&SlaDuration> {
    match (d, reading) {
        (Some(SlaDuration::Earliest(inner)), Some(Minimal::Deadline)) => Some(inner),
        (d, _) => d,
    }
}

/// The earliest-time part of a duration: "paling cepat 3 hari" unless the
/// standard reads its "minimal" as a deadline.
fn as_floor(d: Option<&SlaDuration>, reading: Option<Minimal>) -> Option<&SlaDuration> {
    match (d, reading) {
        (Some(SlaDuration::Earliest(inner)), r) if r != Some(Minimal::Deadline) => Some(inner),
        _ => None,
    }
}

/// The limit of the whole case on a channel.
pub fn case_limit<'a>(std: &'a Standard, channel: &str) -> Option<&'a SlaDuration> {
    as_limit(case_promise(std, channel), std.sla.minimal)
}

pub fn step_limit<'a>(std: &'a Standard, step: Option<&str>) -> Option<&'a SlaDuration> {
    let id = step?;
    let s = std.steps.iter().find(|s| s.id == id)?;
    as_limit(s.duration.as_ref(), s.minimal)
}

/// Refuses to finish `step` (and, when `completes`, the case) before the
/// earliest time its standard states, counted from the step's start (the
/// case's clock start); a step's floor that holds on one branch only
/// (`earliest_when`) applies when the completing action records that value.
pub fn check_earliest(
    cal: &BusinessCalendar,
    now: DateTime<Utc>,
    std: &Standard,
    case: &store::Case,
    step: &Step,
    data: Option<&serde_json::Value>,
    completes: bool,
) -> Result<(), Error> {
    let on_branch = step.earliest_when.as_ref().is_none_or(|w| w.holds(data));
    let step_floor = as_floor(step.duration.as_ref(), step.minimal)
        .filter(|_| on_branch)
        .zip(case.step_started_at)
        .map(|(d, from)| (d, from, format!("langkah {}", step.no)));
    let case_floor = as_floor(case_promise(std, &case.channel), std.sla.minimal)
        .filter(|_| completes)
        .map(|d| (d, case.service_started_at.unwrap_or(case.created_at), "layanan".to_string()));
    for (d, from, what) in step_floor.into_iter().chain(case_floor) {
        let Some(earliest) = cal.due(at(from), d).deadline() else { continue };
        if now < earliest {
            let when = crate::clock::human(Some(ms(earliest)), cal.zone);
            return Err(Error::TooEarly {
                earliest,
                message: format!(
                    "{what} baru dapat diselesaikan mulai {when} (paling cepat {d}) / not before {when}"
                ),
            });
        }
    }
    Ok(())
}

fn deadline(cal: &BusinessCalendar, from: DateTime<Utc>, d: Option<&SlaDuration>) -> Option<i64> {
    d.and_then(|d| cal.due(from, d).deadline()).map(ms)
}

/// Due times of a new step (and of the case, when it starts now).
pub fn start_step(cal: &BusinessCalendar, now: DateTime<Utc>, d: Option<&SlaDuration>, ch: &mut CaseChange) {
    ch.step_started_at = Some(ms(now));
    ch.step_due_at = deadline(cal, now, d);
}

pub fn case_due(cal: &BusinessCalendar, now: DateTime<Utc>, d: Option<&SlaDuration>) -> Option<i64> {
    deadline(cal, now, d)
}

/// What is left of a clock at `now`: open-time minutes for working-time
/// limits, elapsed milliseconds for clock time.
fn left(
    cal: &BusinessCalendar,
    now: DateTime<Utc>,
    due: Option<i64>,
    d: Option<&SlaDuration>,
) -> Option<i64> {
    let (due, d) = (due?, d?);
    Some(if BusinessCalendar::runs_on_open_time(d) {
        cal.working_minutes_between(now, at(due)) * 60_000
    } else {
        (due - ms(now)).max(0)
    })
}

fn resume(
    cal: &BusinessCalendar,
    now: DateTime<Utc>,
    left: Option<i64>,
    d: Option<&SlaDuration>,
) -> Option<i64> {
    let (left, d) = (left?, d?);
    Some(if BusinessCalendar::runs_on_open_time(d) {
        ms(cal.add_working_minutes(now, left / 60_000))
    } else {
        ms(now) + left
    })
}

/// The case waits (for the applicant, or out an outage): keep what is
/// left, stop counting. A case already paused keeps its first pause's
/// times, so two reasons to wait do not lose time.
pub fn pause(
    cal: &BusinessCalendar,
    now: DateTime<Utc>,
    case_d: Option<&SlaDuration>,
    step_d: Option<&SlaDuration>,
    ch: &mut CaseChange,
) {
    if ch.paused_at.is_some() {
        return;
    }
    ch.case_left_ms = left(cal, now, ch.due_at, case_d);
    ch.step_left_ms = left(cal, now, ch.step_due_at, step_d);
    ch.paused_at = Some(ms(now));
}

/// Back from the applicant: the same time is left as when it paused.
pub fn unpause(
    cal: &BusinessCalendar,
    now: DateTime<Utc>,
    case_d: Option<&SlaDuration>,
    step_d: Option<&SlaDuration>,
    ch: &mut CaseChange,
) {
    ch.due_at = resume(cal, now, ch.case_left_ms, case_d).or(ch.due_at);
    ch.step_due_at = resume(cal, now, ch.step_left_ms, step_d).or(ch.step_due_at);
    // The clocks' starts move on by the pause too, so the 80 % moment (the
    // badge, escalation level 1) falls as far into the running time as it
    // did before: a long pause must not make a clock look almost due.
    if let Some(paused) = ch.paused_at {
        let held = (ms(now) - paused).max(0);
        ch.step_started_at = ch.step_started_at.map(|s| s + held);
        ch.service_started_at = ch.service_started_at.map(|s| s + held);
    }
    ch.case_left_ms = None;
    ch.step_left_ms = None;
    ch.paused_at = None;
}

/// The office's service clock stops while a step waits on an outside party
/// (whose own time runs against them, see `sweep`): entering such a step
/// keeps what is left of the service's time, leaving it counts on from
/// there. A service clock that had not started (the first step was the
/// outside party's) starts when they are done.
pub fn outside_party(
    cal: &BusinessCalendar,
    now: DateTime<Utc>,
    case_d: Option<&SlaDuration>,
    (was_outside, is_outside): (bool, bool),
    ch: &mut CaseChange,
) {
    match (was_outside, is_outside) {
        (false, true) => ch.case_left_ms = left(cal, now, ch.due_at, case_d),
        (true, false) if ch.case_left_ms.is_none() && ch.due_at.is_none() => {
            ch.service_started_at = case_d.map(|_| ms(now));
            ch.due_at = case_due(cal, now, case_d);
        }
        (true, false) => {
            ch.due_at = resume(cal, now, ch.case_left_ms, case_d).or(ch.due_at);
            ch.case_left_ms = None;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_keeps_the_open_minutes_that_were_left() {
        let cal = BusinessCalendar::new(domain::TimeZone::Wib, []);
        let d: SlaDuration = "30 menit".parse().unwrap();
        // Tue 2026-11-24 09:00 WIB = 02:00 UTC.
        let start = at(1_795_485_600_000);
        let mut ch = CaseChange::default();
        start_step(&cal, start, Some(&d), &mut ch);
        pause(&cal, start + Duration::minutes(10), None, Some(&d), &mut ch);
        assert_eq!(ch.step_left_ms, Some(20 * 60_000));
        // Resumed the next day at 10:00: 20 minutes are left.
        let next = start + Duration::hours(25);
        unpause(&cal, next, None, Some(&d), &mut ch);
        assert_eq!(ch.step_due_at, Some(ms(next + Duration::minutes(20))));
        // The start moved on by the 24 h 50 min pause: 10 minutes ran before it.
        assert_eq!(ch.step_started_at, Some(ms(next - Duration::minutes(10))));
        assert_eq!((ch.paused_at, ch.step_left_ms), (None, None));
    }

    fn case_at(step_started: DateTime<Utc>) -> store::Case {
        store::Case {
            current_step: Some("9".into()),
            created_at: ms(step_started),
            service_started_at: Some(ms(step_started)),
            step_started_at: Some(ms(step_started)),
            ..store::testing::sample_case()
        }
    }

    /// Jepara's "3 hari paling cepat" holds only when the register is sent;
    /// Sulawesi Selatan's blangko "minimal 30 menit" holds on completing the case.
    #[test]
    fn earliest_times_refuse_only_what_would_finish_early() {
        let cal = BusinessCalendar::new(domain::TimeZone::Wib, []);
        let register =
            Standard::parse(include_str!("../../../../standards/33.20/register-akta-offline.toml")).unwrap();
        let step = register.steps.iter().find(|s| s.id == "9").unwrap();
        let start = at(1_795_485_600_000); // Tue 09:00 WIB
        let case = case_at(start);
        let sent = serde_json::json!({"cara_penyerahan": "kirim"});
        let handed = serde_json::json!({"cara_penyerahan": "serahkan"});
        let next_day = start + Duration::days(1);
        let early = check_earliest(&cal, next_day, &register, &case, step, Some(&sent), false);
        assert!(
            matches!(&early, Err(Error::TooEarly { earliest, .. }) if *earliest == cal.add_working_days(start, 3)),
            "{early:?}"
        );
        assert!(check_earliest(&cal, next_day, &register, &case, step, Some(&handed), false).is_ok());
        assert!(
            check_earliest(&cal, start + Duration::days(3), &register, &case, step, Some(&sent), false)
                .is_ok()
        );

        let blangko =
            Standard::parse(include_str!("../../../../standards/73/distribusi-blangko.toml")).unwrap();
        let last = blangko.steps.last().unwrap();
        let case = store::Case { current_step: Some(last.id.clone()), ..case_at(start) };
        let soon = start + Duration::minutes(10);
        assert!(matches!(
            check_earliest(&cal, soon, &blangko, &case, last, None, true),
            Err(Error::TooEarly { .. })
        ));
        assert!(
            check_earliest(&cal, soon, &blangko, &case, last, None, false).is_ok(),
            "only completing the case"
        );
        assert!(
            check_earliest(&cal, start + Duration::minutes(31), &blangko, &case, last, None, true).is_ok()
        );
        // Read as a deadline instead, the same words set a due time and no floor.
        let mut as_deadline = blangko.clone();
        as_deadline.sla.minimal = Some(Minimal::Deadline);
        assert!(check_earliest(&cal, soon, &as_deadline, &case, last, None, true).is_ok());
        assert_eq!(case_limit(&as_deadline, "counter").map(ToString::to_string), Some("30 menit".into()));
        assert_eq!(case_limit(&blangko, "counter").map(SlaDuration::is_deadline), Some(false));
    }

    proptest::proptest! {
        /// However often a running step clock is paused and resumed (whole
        /// minutes, in or out of office hours), it falls due later by
        /// exactly the working time it stood still.
        #[test]
        fn pauses_push_the_due_time_by_exactly_the_paused_working_time(
            minutes in 30u32..900,
            gaps in proptest::collection::vec((1i64..600, 1i64..4000), 0..6),
        ) {
            let cal = BusinessCalendar::new(domain::TimeZone::Wib, []);
            let d = SlaDuration::WorkingMinutes(minutes);
            let start = at(1_795_485_600_000); // Tue 2026-11-24 09:00 WIB
            let mut ch = CaseChange::default();
            start_step(&cal, start, Some(&d), &mut ch);
            let (mut t, mut held) = (start, 0);
            for (run, wait) in gaps {
                let paused = t + Duration::minutes(run);
                if ms(paused) >= ch.step_due_at.unwrap() {
                    break;
                }
                pause(&cal, paused, None, Some(&d), &mut ch);
                let resumed = paused + Duration::minutes(wait);
                held += cal.working_minutes_between(paused, resumed);
                unpause(&cal, resumed, None, Some(&d), &mut ch);
                t = resumed;
            }
            let expected = cal.add_working_minutes(start, i64::from(minutes) + held);
            proptest::prop_assert_eq!(ch.step_due_at.map(at), Some(expected));
        }
    }

    #[test]
    fn an_outside_partys_time_is_added_to_the_service_clock() {
        let cal = BusinessCalendar::new(domain::TimeZone::Wib, []);
        let d: SlaDuration = "30 menit".parse().unwrap();
        let start = at(1_795_485_600_000); // Tue 09:00 WIB
        let mut ch = CaseChange { due_at: case_due(&cal, start, Some(&d)), ..Default::default() };
        // Ten minutes in, the step goes out to the Walikota ...
        outside_party(&cal, start + Duration::minutes(10), Some(&d), (false, true), &mut ch);
        assert_eq!(ch.case_left_ms, Some(20 * 60_000));
        // ... who answers two days later at 10:00: 20 minutes are left.
        let back = start + Duration::hours(49);
        outside_party(&cal, back, Some(&d), (true, false), &mut ch);
        assert_eq!((ch.due_at, ch.case_left_ms), (Some(ms(back + Duration::minutes(20))), None));
        // A service clock that never started starts when they are done.
        let mut fresh = CaseChange::default();
        outside_party(&cal, back, Some(&d), (true, false), &mut fresh);
        assert_eq!(
            (fresh.service_started_at, fresh.due_at),
            (Some(ms(back)), Some(ms(back + Duration::minutes(30))))
        );
    }
}
