//! The escalation sweeper. Each running clock of a case escalates on its
//! own: the current step's time and the service's promise (the whole
//! case's `due_at`; most standards give only that). At 80% of a clock's
//! time the step's holder is warned (level 1); past due, the step role's
//! supervisor is told (level 2); past twice its time, the supervisor's
//! supervisor (level 3). Each (case, clock, level) fires once, also with
//! several app instances: the store's primary key decides. A case waiting
//! for the applicant has no running clock and never escalates.

use super::clock::ms;
use super::standard_of;
use crate::{App, Error};
use domain::Role;
use domain::case::supervisor;
use domain::sla::{escalation_at, escalation_level};
use domain::standard::{Actor, Step};
use store::{Case, CaseEscalation, Escalation, NewJournal, SERVICE_CLOCK};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    pub checked: usize,
    pub fired: usize,
}

/// Cases looked at per sweep; the rest wait for the next run.
const BATCH: i64 = 5_000;

/// One sweep at the app clock's now.
pub async fn sweep(app: &App) -> Result<SweepReport, Error> {
    let now_ms = ms(app.now());
    let cases = app.store.cases_to_escalate(now_ms, BATCH).await?;
    let mut batch = Vec::with_capacity(cases.len());
    let mut staff = Staff::default();
    for case in &cases {
        if let Some(e) = plan(app, case, now_ms, &mut staff).await? {
            batch.push(e);
        }
    }
    let fired = if batch.is_empty() { 0 } else { app.store.escalate(&batch).await? };
    metrics::counter!("layanan_escalations_total").increment(fired as u64);
    Ok(SweepReport { checked: cases.len(), fired })
}

/// A running clock of a case: its key in the escalations table, start and
/// due, and whether it escalates in the office or only reminds (an outside
/// party's time: their delay is nobody's fault in the office).
struct Clock<'a> {
    key: &'a str,
    started: i64,
    due: i64,
    remind: bool,
}

/// The running clocks of an active case: its current step's and its
/// service's. While the step waits on an outside party the service clock
/// stops (see `clock::outside_party`) and the step's clock only reminds.
fn clocks(case: &Case) -> Vec<Clock<'_>> {
    if !case.status.is_active() || case.paused_at.is_some() {
        return Vec::new();
    }
    let outside = case.current_actor.as_deref() == Some(Actor::External.as_str());
    let step = match (&case.current_step, case.step_started_at, case.step_due_at) {
        (Some(key), Some(started), Some(due)) => Some(Clock { key, started, due, remind: outside }),
        _ => None,
    };
    let service = match (case.service_started_at, case.due_at) {
        (Some(started), Some(due)) if !outside => {
            Some(Clock { key: SERVICE_CLOCK, started, due, remind: false })
        }
        _ => None,
    };
    step.into_iter().chain(service).collect()
}

/// The active accounts of each office a sweep met, read once per sweep.
#[derive(Default)]
struct Staff(std::collections::HashMap<String, Vec<store::User>>);

impl Staff {
    async fn of(&mut self, app: &App, office: &str) -> Result<&[store::User], Error> {
        if !self.0.contains_key(office) {
            let active = app.store.users(Some(office)).await?.into_iter().filter(|u| u.active).collect();
            self.0.insert(office.to_string(), active);
        }
        Ok(self.0.get(office).map(Vec::as_slice).unwrap_or_default())
    }
}

/// The level at which an outside party's clock reminds: past due.
const REMIND_LEVEL: i32 = 2;

/// The levels of a case's clocks to fire now, and when to look at the
/// case next: the earliest next level of any of its clocks.
async fn plan(app: &App, case: &Case, now: i64, staff: &mut Staff) -> Result<Option<CaseEscalation>, Error> {
    // Nothing running (or a step the standard no longer names): the case
    // leaves the sweep until an action sets its next moment.
    let idle = CaseEscalation { case_id: case.id, version: case.version, levels: Vec::new(), next_at: None };
    let clocks = clocks(case);
    if clocks.is_empty() {
        return Ok(Some(idle));
    }
    let done = app.store.escalations_fired(case.id).await?;
    let std = standard_of(app, &case.office, &case.service, case.standard_version).await?;
    let Some(step) = std.step(case.current_step.as_deref()) else {
        return Ok(Some(idle));
    };
    let staff = staff.of(app, &case.office).await?;
    let mut levels = Vec::new();
    let mut next_at: Option<i64> = None;
    for c in &clocks {
        let reached = escalation_level(c.started, c.due, now);
        let last = if c.remind { REMIND_LEVEL } else { 3 };
        if reached < last {
            let at = escalation_at(c.started, c.due, if c.remind { REMIND_LEVEL } else { reached + 1 });
            next_at = Some(next_at.map_or(at, |n| n.min(at)));
        }
        let fired = |l: i32| done.iter().any(|(k, d)| k == c.key && *d == l);
        if c.remind {
            if reached >= REMIND_LEVEL && !fired(REMIND_LEVEL) {
                levels.push(reminder(case, &std, step, c.key, staff));
            }
        } else {
            let fire = (1..=reached).filter(|l| !fired(*l));
            levels.extend(fire.map(|l| level(case, &std, step, c.key, l, staff)));
        }
    }
    Ok(Some(CaseEscalation { case_id: case.id, version: case.version, levels, next_at }))
}

/// What escalation `lvl` of a clock writes: a journal row and a message to
/// the current step's holder (1: its assignee, else the holders of its
/// role), its role's supervisors (2), or those above them (3), by name
/// (see [`holders`]). `clock` is the step's id or the service's clock.
fn level(
    case: &Case,
    std: &domain::Standard,
    step: &Step,
    clock: &str,
    lvl: i32,
    staff: &[store::User],
) -> Escalation {
    // Applicant and outside-party steps are chased by the office's operators.
    let owner = match step.actor {
        Actor::Staff(r) => r,
        Actor::Applicant | Actor::External => Role::Operator,
    };
    let unit = step.unit.as_deref();
    let to = |role: Option<Role>| {
        crate::outbox::holders(staff, role.unwrap_or(Role::KepalaDinas), unit, &case.office)
    };
    let (recipients, what) = match lvl {
        1 => (case.assignee.clone().map_or_else(|| to(Some(owner)), |a| vec![a]), "hampir jatuh tempo"),
        2 => (to(supervisor(owner)), "melewati batas waktu"),
        _ => (to(supervisor(owner).and_then(supervisor)), "melewati dua kali batas waktu"),
    };
    let (subject, body) = if clock == SERVICE_CLOCK {
        (
            format!("Waktu layanan {what}"),
            format!(
                "Permohonan {} ({}) {what}: janji waktu layanan {} (kini di langkah {}: {}).",
                std.title, case.tracking_code, std.sla.wording, step.no, step.description
            ),
        )
    } else {
        (
            format!("Langkah {} {what}", step.no),
            format!(
                "Permohonan {} ({}) langkah {} ({}) {what}.",
                std.title, case.tracking_code, step.no, step.description
            ),
        )
    };
    let journal = NewJournal {
        actor: "system".into(),
        action: "escalate".into(),
        from_status: Some(case.status.as_str().into()),
        to_status: case.status.as_str().into(),
        from_step: Some(step.id.clone()),
        to_step: Some(step.id.clone()),
        note: Some(format!("level {lvl}: {subject} -> {}", recipients.join(", "))),
        data: Some(serde_json::json!({ "clock": clock, "level": lvl }).to_string()),
        ..Default::default()
    };
    let notes = crate::outbox::staff_notices(&case.office, &recipients, &subject, &body);
    Escalation { clock: clock.to_string(), level: lvl, journal, notes }
}

/// An outside party's step is past its own time: the staff member who
/// chases them (the case's assignee, else the office's operators) is
/// reminded, once; nobody in the office is escalated for their delay.
fn reminder(
    case: &Case,
    std: &domain::Standard,
    step: &Step,
    clock: &str,
    staff: &[store::User],
) -> Escalation {
    let party = step.party.as_deref().unwrap_or("Pihak luar");
    let limit = step.duration.as_ref().map_or_else(String::new, |d| format!(" ({d})"));
    let recipients = case
        .assignee
        .clone()
        .map_or_else(|| crate::outbox::holders(staff, Role::Operator, None, &case.office), |a| vec![a]);
    let subject = format!("Pengingat: {party} melewati batas waktunya");
    let body = format!(
        "Permohonan {} ({}) menunggu {party} pada langkah {} ({}), yang melewati batas waktunya{limit}. \
         Mohon ditindaklanjuti ke {party}.",
        std.title, case.tracking_code, step.no, step.description
    );
    let journal = NewJournal {
        actor: "system".into(),
        action: "remind".into(),
        from_status: Some(case.status.as_str().into()),
        to_status: case.status.as_str().into(),
        from_step: Some(step.id.clone()),
        to_step: Some(step.id.clone()),
        note: Some(format!("{subject} -> {}", recipients.join(", "))),
        data: Some(serde_json::json!({ "clock": clock, "party": party }).to_string()),
        ..Default::default()
    };
    let notes = crate::outbox::staff_notices(&case.office, &recipients, &subject, &body);
    Escalation { clock: clock.to_string(), level: REMIND_LEVEL, journal, notes }
}

/// Runs the sweep every `every` until the process ends.
pub fn spawn(app: App, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    crate::repeat(every, move || {
        let app = app.clone();
        async move {
            match sweep(&app).await {
                Ok(r) if r.fired > 0 => {
                    tracing::info!(checked = r.checked, fired = r.fired, "escalations sent")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "escalation sweep failed"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn case(
        status: domain::Status,
        paused: bool,
        outside: bool,
        step: (Option<i64>, Option<i64>),
        service: (Option<i64>, Option<i64>),
    ) -> Case {
        Case {
            status,
            current_actor: Some(if outside { "external" } else { "operator" }.into()),
            service_started_at: service.0,
            due_at: service.1,
            step_started_at: step.0,
            step_due_at: step.1,
            paused_at: paused.then_some(5),
            ..store::testing::sample_case()
        }
    }

    proptest! {
        /// A paused clock, or a case that is not active, has no running
        /// clock, so no escalation can fire for it; an active one has one
        /// clock per timed span (the step's, the service's), except that
        /// waiting on an outside party stops the service's and makes the
        /// step's a reminder only.
        #[test]
        fn paused_or_idle_cases_have_no_running_clock(
            status in prop::sample::select(domain::Status::ALL.to_vec()),
            paused in any::<bool>(),
            outside in any::<bool>(),
            step in (prop::option::of(0i64..1000), prop::option::of(0i64..1000)),
            service in (prop::option::of(0i64..1000), prop::option::of(0i64..1000)),
        ) {
            let c = case(status, paused, outside, step, service);
            let timed = |(s, d): (Option<i64>, Option<i64>)| usize::from(s.is_some() && d.is_some());
            let running = clocks(&c);
            let expected = match (paused || !status.is_active(), outside) {
                (true, _) => 0,
                (false, true) => timed(step),
                (false, false) => timed(step) + timed(service),
            };
            prop_assert_eq!(running.len(), expected);
            prop_assert!(running.iter().all(|c| c.remind == outside), "only outside parties' clocks remind");
        }
    }
}
