//! The escalation sweeper. A step that has used 80% of its time warns its
//! holder (level 1); past due, the step role's supervisor is told (level 2);
//! past twice its time, the supervisor's supervisor (level 3). Each
//! (case, step, level) fires once, also with several app instances: the
//! store's primary key decides.

use super::clock::ms;
use super::standard_of;
use crate::{App, Error};
use domain::Role;
use domain::case::supervisor;
use domain::sla::{escalation_at, escalation_level};
use domain::standard::Actor;
use store::{Case, CaseEscalation, Escalation, NewJournal, NewNotification};

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
    for case in &cases {
        if let Some(e) = plan(app, case, now_ms).await? {
            batch.push(e);
        }
    }
    let fired = if batch.is_empty() { 0 } else { app.store.escalate(&batch).await? };
    metrics::counter!("layanan_escalations_total").increment(fired as u64);
    Ok(SweepReport { checked: cases.len(), fired })
}

/// The levels of a case's current step to fire now, and when to look at
/// the case next.
async fn plan(app: &App, case: &Case, now: i64) -> Result<Option<CaseEscalation>, Error> {
    let (Some(step_id), Some(started), Some(due)) =
        (&case.current_step, case.step_started_at, case.step_due_at)
    else {
        return Ok(None);
    };
    let reached = escalation_level(started, due, now);
    // The case comes back when its next level is reached, or never.
    let next_at = (reached < 3).then(|| escalation_at(started, due, reached + 1));
    let done = app.store.escalations_fired(case.id, step_id).await?;
    let std = standard_of(app, &case.office, &case.service, case.standard_version).await?;
    let levels = match std.steps.iter().find(|s| &s.id == step_id) {
        Some(step) => {
            (1..=reached).filter(|l| !done.contains(l)).map(|l| level(case, &std, step, l)).collect()
        }
        None => Vec::new(),
    };
    Ok(Some(CaseEscalation {
        case_id: case.id,
        version: case.version,
        step: step_id.clone(),
        levels,
        next_at,
    }))
}

/// What escalation `lvl` of a step writes: a journal row and a message to
/// the step's holder (1), its role's supervisor (2), or the one above (3).
fn level(case: &Case, std: &domain::Standard, step: &domain::standard::Step, lvl: i32) -> Escalation {
    // Applicant and outside-party steps are chased by the office's operators.
    let owner = match step.actor {
        Actor::Staff(r) => r,
        Actor::Applicant | Actor::External => Role::Operator,
    };
    let (recipient, what) = match lvl {
        1 => (
            case.assignee.clone().unwrap_or_else(|| format!("{owner}@{}", case.office)),
            "hampir jatuh tempo",
        ),
        2 => (role_at(supervisor(owner), &case.office), "melewati batas waktu"),
        _ => (role_at(supervisor(owner).and_then(supervisor), &case.office), "melewati dua kali batas waktu"),
    };
    let subject = format!("Langkah {} {what}", step.no);
    let body = format!(
        "Permohonan {} ({}) langkah {} ({}) {what}.",
        std.title, case.tracking_code, step.no, step.description
    );
    let journal = NewJournal {
        actor: "system".into(),
        action: "escalate".into(),
        from_status: Some(case.status.as_str().into()),
        to_status: case.status.as_str().into(),
        from_step: Some(step.id.clone()),
        to_step: Some(step.id.clone()),
        note: Some(format!("level {lvl}: {subject} -> {recipient}")),
        ..Default::default()
    };
    let note =
        NewNotification { office: case.office.clone(), channel: "staff".into(), recipient, subject, body };
    Escalation { level: lvl, journal, notes: vec![note] }
}

fn role_at(role: Option<Role>, office: &str) -> String {
    format!("{}@{office}", role.unwrap_or(Role::KepalaDinas))
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
