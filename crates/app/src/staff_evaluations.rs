//! The evaluasi kinerja pelaksana as a duty of the officials who evaluate:
//! each period the office's standards schedule (office.toml
//! `staff_evaluation`: every month in Sulsel, June and December in
//! Bengkulu, yearly in Jepara) is open for recording from its last month,
//! owed once it has ended, reminded once to the Kepala Dinas and the Kabid
//! (and the office's e-mail), and recorded once with its findings and the
//! actions taken (the staff performance of `performance::officers` is what
//! they evaluate).

use crate::accounts::Principal;
use crate::{App, Error};
use domain::Role;
use domain::staff_evaluation::{self as schedule, Every, Period};
use serde::{Deserialize, Serialize};
use store::StaffEvaluation;

/// Who records an evaluation: the superiors (atasan langsung).
const EVALUATORS: &[Role] = &[Role::KepalaDinas, Role::Validator];
/// Who reads the board: the evaluators, the admin and the auditor.
const READERS: &[Role] = &[Role::KepalaDinas, Role::Validator, Role::Admin, Role::Auditor];
/// The longest findings or actions kept.
const MAX_TEXT: usize = 4_000;

/// One period on the board.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationLine {
    #[serde(flatten)]
    pub period: Period,
    /// `recorded`, `owed` (ended, not recorded) or `open` (its last month).
    pub state: &'static str,
    pub evaluation: Option<StaffEvaluation>,
}

/// An office's evaluation periods.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationBoard {
    pub office: String,
    /// None where the office's standards state no schedule.
    pub every: Option<Every>,
    /// Oldest first.
    pub periods: Vec<EvaluationLine>,
}

/// The caller's office's evaluation periods.
pub async fn board(app: &App, who: &Principal) -> Result<EvaluationBoard, Error> {
    let office = who.user.office.as_str();
    who.require(READERS, office)?;
    let every = app.catalog.staff_evaluation(office);
    let Some(every) = every else {
        return Ok(EvaluationBoard { office: office.into(), every, periods: Vec::new() });
    };
    let recorded = app.store.staff_evaluations(office).await?;
    let today = app.today(office);
    let periods = schedule::periods(every, today)
        .into_iter()
        .map(|p| {
            let evaluation =
                recorded.iter().find(|e| e.period == p.label && e.recorded_by.is_some()).cloned();
            let state = match (&evaluation, p.owed_on(today)) {
                (Some(_), _) => "recorded",
                (None, true) => "owed",
                (None, false) => "open",
            };
            EvaluationLine { period: p, state, evaluation }
        })
        .collect();
    Ok(EvaluationBoard { office: office.into(), every: Some(every), periods })
}

/// An evaluation as the form and the API take it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvaluation {
    /// The period's label (`2026-11`, `2026-06`, `2026`).
    pub period: String,
    /// What the evaluation found (kesenjangan kinerja).
    pub findings: String,
    /// What follows (perbaikan personil pelaksana, training, …).
    pub actions: String,
}

/// Records the evaluation of an open or owed period, once.
pub async fn record(app: &App, who: &Principal, e: &NewEvaluation) -> Result<StaffEvaluation, Error> {
    let office = who.user.office.as_str();
    who.require(EVALUATORS, office)?;
    let every = app
        .catalog
        .staff_evaluation(office)
        .ok_or_else(|| Error::invalid("period", "this office's standards schedule no staff evaluation"))?;
    let today = app.today(office);
    let period = schedule::parse(every, e.period.trim()).filter(|p| p.open_on(today)).ok_or_else(|| {
        Error::invalid("period", format!("`{}` is not a period open for evaluation", e.period))
    })?;
    let text = |field: &'static str, v: &str| {
        let v = v.trim();
        match v.chars().count() {
            0 => Err(Error::invalid(field, "required")),
            n if n > MAX_TEXT => Err(Error::invalid(field, format!("at most {MAX_TEXT} characters"))),
            _ => Ok(v.to_string()),
        }
    };
    let row = StaffEvaluation {
        office: office.into(),
        period: period.label,
        recorded_by: Some(who.user.username.clone()),
        recorded_at: Some(app.now().timestamp_millis()),
        findings: Some(text("findings", &e.findings)?),
        actions: Some(text("actions", &e.actions)?),
        reminded_at: None,
    };
    app.store.record_staff_evaluation(&row).await.map_err(|e| match e {
        store::StoreError::Conflict(m) => Error::Conflict(m),
        e => e.into(),
    })
}

/// Reminds each office with a schedule of every owed period not recorded,
/// once per period: its evaluators on their notices, and its e-mail.
/// Returns how many periods were reminded.
pub async fn remind(app: &App) -> Result<usize, Error> {
    let mut reminded = 0;
    for o in app.store.offices().await? {
        let Some(every) = app.catalog.staff_evaluation(&o.code) else { continue };
        let today = app.today(&o.code);
        let done: Vec<String> =
            app.store.staff_evaluations(&o.code).await?.into_iter().map(|e| e.period).collect();
        let owed: Vec<Period> = schedule::periods(every, today)
            .into_iter()
            .filter(|p| p.owed_on(today) && !done.contains(&p.label))
            .collect();
        if owed.is_empty() {
            continue;
        }
        let evaluators = crate::outbox::reminded(app, &o.code, EVALUATORS).await?;
        for p in owed {
            let subject = format!("Evaluasi kinerja pelaksana periode {} belum dicatat", p.label);
            let body = format!(
                "Standar pelayanan {} menjadwalkan evaluasi kinerja pelaksana untuk periode {} s.d. {}. \
                 Catat hasil dan tindak lanjutnya di halaman Kinerja pelaksana.",
                o.name, p.from, p.to
            );
            let notes = crate::outbox::office_reminder(&o, &evaluators, &subject, &body);
            if app
                .store
                .remind_staff_evaluation(&o.code, &p.label, &notes, app.now().timestamp_millis())
                .await?
            {
                reminded += 1;
            }
        }
    }
    Ok(reminded)
}

/// Runs the reminder every `every` until the process ends.
pub fn spawn(app: App, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    crate::spawn_reminder(app, every, "staff evaluations owed", |app| async move { remind(&app).await })
}
