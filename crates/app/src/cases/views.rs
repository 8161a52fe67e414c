//! What people see of a case, as typed values: the API serialises them as
//! JSON and the pages fill their templates from the same fields, so both
//! say the same thing.

use super::clock;
use super::engine::masked_name;
use super::standard_of;
use crate::clock::{office_zone, rfc3339};
use crate::{App, Error};
use domain::Status;
use domain::standard::{Actor, Standard};
use serde::Serialize;
use store::Case;

/// Where a step of the case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Done,
    Current,
    Pending,
}

impl StepState {
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Done => "done",
            StepState::Current => "current",
            StepState::Pending => "pending",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrackStep {
    pub id: String,
    pub no: String,
    pub description: String,
    pub duration: Option<String>,
    pub state: StepState,
}

/// The public tracking view: status and steps, no personal data beyond
/// the masked name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrackView {
    pub tracking_code: String,
    pub service: String,
    pub title: String,
    pub status: Status,
    pub current_step: Option<String>,
    pub version: i64,
    /// Initials only.
    pub applicant: String,
    /// RFC 3339 in the office's offset.
    pub due_at: Option<String>,
    /// What the office asked for when it returned the case.
    pub missing: Option<String>,
    /// The current step is the applicant's own (confirm, attend, sign,
    /// bring a document): they complete it on the tracking page.
    pub your_turn: bool,
    pub steps: Vec<TrackStep>,
    /// The case this one was handed on from, and those it handed on to.
    pub links: Vec<super::link::LinkedCase>,
    /// The answer the office sent (a complaint's, the information desk's),
    /// once sent: an anonymous complainant reads it here.
    pub answer: Option<String>,
}

/// What a finished case's sending step sent (`sends`): the recorded text.
async fn answer(app: &App, std: &Standard, c: &Case) -> Result<Option<String>, Error> {
    let steps: Vec<_> = std.steps_for(&c.channel).collect();
    let Some(at) = steps.iter().position(|s| s.sends.is_some()) else { return Ok(None) };
    let code = steps[at].sends.as_deref().unwrap_or_default();
    // Sent once the case is past the sending step (the desk's asker then
    // reads it on their own last step) or completed.
    let current = c.current_step.as_deref().and_then(|id| steps.iter().position(|s| s.id == id));
    if c.status != Status::Completed && current.is_none_or(|p| p <= at) {
        return Ok(None);
    }
    let recorded = super::engine::recorded(app, c, None).await?;
    Ok(recorded.get(code).and_then(serde_json::Value::as_str).map(String::from))
}

pub async fn track(app: &App, c: &Case) -> Result<TrackView, Error> {
    let std = standard_of(app, &c.office, &c.service, c.standard_version).await?;
    let steps: Vec<_> = std.steps_for(&c.channel).collect();
    let current = c.current_step.as_deref().and_then(|id| steps.iter().position(|s| s.id == id));
    let finished = c.status == Status::Completed;
    let steps = steps
        .iter()
        .enumerate()
        .map(|(i, s)| TrackStep {
            id: s.id.clone(),
            no: s.no.clone(),
            description: s.description.clone(),
            duration: s.duration.as_ref().map(ToString::to_string),
            state: match current {
                _ if finished => StepState::Done,
                Some(p) if i < p => StepState::Done,
                Some(p) if i == p => StepState::Current,
                _ => StepState::Pending,
            },
        })
        .collect();
    // What is missing, when it was returned: the note of the last return.
    let missing = if c.status == Status::Returned {
        app.store.journal(c.id).await?.into_iter().rev().find(|j| j.action == "return").and_then(|j| j.note)
    } else {
        None
    };
    Ok(TrackView {
        tracking_code: c.tracking_code.clone(),
        service: format!("{}-{}", c.office, c.service),
        title: std.title.clone(),
        status: c.status,
        current_step: c.current_step.clone(),
        version: c.version,
        applicant: masked_name(&c.applicant_name),
        due_at: rfc3339(c.due_at, office_zone(&c.office)),
        missing,
        your_turn: c.status.is_active() && c.current_actor.as_deref() == Some(Actor::Applicant.as_str()),
        steps,
        links: super::link::links(app, c).await?,
        answer: answer(app, &std, c).await?,
    })
}

/// What an applicant gets back on applying: the tracking code and the
/// promised times.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub id: i64,
    pub tracking_code: String,
    pub status: Status,
    pub due_at: Option<String>,
    pub step_due_at: Option<String>,
}

pub fn receipt(c: &Case) -> Receipt {
    let time = |ms: Option<i64>| rfc3339(ms, office_zone(&c.office));
    Receipt {
        id: c.id,
        tracking_code: c.tracking_code.clone(),
        status: c.status,
        due_at: time(c.due_at),
        step_due_at: time(c.step_due_at),
    }
}

/// One row of a case's timeline: who did what, when, with the step's
/// recorded outcome as the JSON object it was given.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub id: i64,
    pub case_id: i64,
    pub at: Option<String>,
    pub actor: String,
    pub on_behalf: bool,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub from_step: Option<String>,
    pub to_step: Option<String>,
    pub note: Option<String>,
    /// A step's recorded outcome (letter number, amount, found/not found).
    pub data: Option<serde_json::Value>,
    /// The position the actor acted for (`Plt. kepala_dinas for siti`).
    pub acting: Option<String>,
}

/// The case's journal, oldest first.
pub async fn timeline(app: &App, c: &Case) -> Result<Vec<TimelineEntry>, Error> {
    let zone = office_zone(&c.office);
    let rows = app.store.journal(c.id).await?;
    Ok(rows
        .into_iter()
        .map(|j| TimelineEntry {
            id: j.id,
            case_id: j.case_id,
            at: rfc3339(Some(j.at), zone),
            actor: j.actor,
            on_behalf: j.on_behalf,
            action: j.action,
            from_status: j.from_status,
            to_status: j.to_status,
            from_step: j.from_step,
            to_step: j.to_step,
            note: j.note,
            data: j.data.as_deref().and_then(|d| serde_json::from_str(d).ok()),
            acting: j.acting,
        })
        .collect())
}

/// Open cases of an office at one step of one service in one status.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpenCount {
    pub service: String,
    pub step: String,
    pub status: String,
    pub count: i64,
}

pub async fn open_counts(app: &App, office: &str) -> Result<Vec<OpenCount>, Error> {
    let rows = app.store.open_case_counts(office).await?;
    Ok(rows
        .into_iter()
        .map(|(service, step, status, count)| OpenCount { service, step, status, count })
        .collect())
}

/// A case as staff see it in lists: no NIK. Times are RFC 3339 in the
/// office's offset.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseSummary {
    pub id: i64,
    pub tracking_code: String,
    pub service: String,
    pub channel: String,
    pub status: Status,
    pub current_step: Option<String>,
    pub current_actor: Option<String>,
    pub assignee: Option<String>,
    pub applicant_name: String,
    pub version: i64,
    pub created_at: Option<String>,
    pub due_at: Option<String>,
    pub step_due_at: Option<String>,
    /// `on_time`, `due_soon`, `overdue`, `paused` or `untimed`.
    pub sla: &'static str,
    /// The nearest due moment of the case's running clocks (the step's or
    /// the service's): the worklist's order. None while paused.
    pub nearest_due_at: Option<String>,
    /// The nearest running clock's time left on the office calendar, or how
    /// late it is; none while the case is paused or nothing is timed.
    pub remaining: Option<domain::sla::Remaining>,
}

/// The running clock due first (start, due): the step's or the service's,
/// see `store::nearest_due`; the step's (for its badge) when none runs.
fn nearest_clock(c: &Case) -> (Option<i64>, Option<i64>) {
    match nearest_due(c) {
        Some(due) if Some(due) != c.step_due_at => (c.service_started_at, Some(due)),
        _ => (c.step_started_at, c.step_due_at),
    }
}

/// The due moment of a case's nearest running clock (`store::nearest_due`).
fn nearest_due(c: &Case) -> Option<i64> {
    store::nearest_due(c.paused_at, c.current_actor.as_deref(), c.step_due_at, c.due_at)
}

/// A case's SLA badge at `now`: `on_time`, `due_soon`, `overdue`, `paused`
/// or `untimed`, read from its nearest running clock.
pub fn sla_badge(c: &Case, now: i64) -> &'static str {
    let (started, due) = nearest_clock(c);
    domain::sla::state(started, due, c.paused_at.is_some(), now)
}

/// A case's list view at `now` (ms), its clock read on its office's calendar `cal`.
pub fn summary(c: &Case, now: i64, cal: &domain::calendar::BusinessCalendar) -> CaseSummary {
    let time = |ms: Option<i64>| rfc3339(ms, office_zone(&c.office));
    let nearest = nearest_due(c);
    CaseSummary {
        id: c.id,
        tracking_code: c.tracking_code.clone(),
        service: format!("{}-{}", c.office, c.service),
        channel: c.channel.clone(),
        status: c.status,
        current_step: c.current_step.clone(),
        current_actor: c.current_actor.clone(),
        assignee: c.assignee.clone(),
        applicant_name: c.applicant_name.clone(),
        version: c.version,
        created_at: time(Some(c.created_at)),
        due_at: time(c.due_at),
        step_due_at: time(c.step_due_at),
        sla: sla_badge(c, now),
        nearest_due_at: time(nearest),
        remaining: nearest.map(|due| domain::sla::remaining(cal, clock::at(now), clock::at(due))),
    }
}

/// One page of a worklist with the counters per service.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorklistView {
    pub items: Vec<CaseSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Open cases per service id (`16.06-ktp-el`) on this worklist.
    pub per_service: std::collections::BTreeMap<String, i64>,
}

/// The page of `q` (a store query), at `page` of `q.limit` rows.
pub async fn worklist(app: &App, q: &store::WorklistQuery, page: i64) -> Result<WorklistView, Error> {
    let list = app.store.worklist(q).await?;
    let now = app.now().timestamp_millis();
    let cal = clock::calendar(app, &q.office).await?;
    Ok(WorklistView {
        items: list.cases.iter().map(|c| summary(c, now, &cal)).collect(),
        total: list.total,
        page,
        per_page: q.limit,
        per_service: list.per_service.iter().map(|(s, n)| (format!("{}-{s}", q.office), *n)).collect(),
    })
}

/// A worklist as a table (CSV/XLSX): each case with its step, who holds it
/// and its nearest clock.
pub fn worklist_table(w: &WorklistView) -> documents::xlsx::Sheet {
    use documents::xlsx::Cell;
    let header = [
        "Kode lacak",
        "Layanan",
        "Kanal",
        "Status",
        "Langkah",
        "Pelaksana",
        "Petugas",
        "Pemohon",
        "Diterima",
        "Batas waktu terdekat",
        "Keadaan waktu",
    ];
    let text = |v: &Option<String>| Cell::Text(v.clone().unwrap_or_default());
    let rows = w
        .items
        .iter()
        .map(|c| {
            vec![
                Cell::Text(c.tracking_code.clone()),
                Cell::Text(c.service.clone()),
                Cell::Text(c.channel.clone()),
                Cell::Text(c.status.as_str().into()),
                text(&c.current_step),
                text(&c.current_actor),
                text(&c.assignee),
                Cell::Text(c.applicant_name.clone()),
                text(&c.created_at),
                text(&c.nearest_due_at),
                Cell::Text(c.sla.into()),
            ]
        })
        .collect();
    documents::xlsx::Sheet { name: "Daftar kerja".into(), header: header.map(String::from).to_vec(), rows }
}

/// A case as its office's staff open it: personal data included, so the
/// read is logged before it is returned.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub office: String,
    pub standard_version: i64,
    pub applicant: domain::Applicant,
    /// The standard's form fields as the applicant gave them.
    #[schema(value_type = Object)]
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub finished_at: Option<String>,
    pub paused: bool,
    pub files: Vec<store::CaseFile>,
    /// The applicant's NIK and contacts are masked: the reader's role does
    /// not need them (`domain::Role::handles_personal_data`).
    pub masked: bool,
    /// The case this one was handed on from, and those it handed on to.
    pub links: Vec<super::link::LinkedCase>,
}

/// Writes the access row for `reader` reading `c` (its NIK masked in the
/// row) for `purpose`: a read that shows more than the case view does.
pub async fn log_read(
    app: &App,
    reader: &crate::accounts::Principal,
    c: &Case,
    purpose: &str,
) -> Result<(), Error> {
    let nik = c.applicant.nik.as_deref().map(domain::nik::mask).unwrap_or_default();
    app.store.log_access(&reader.user.username, &format!("case:{} {nik}", c.id), purpose).await?;
    Ok(())
}

/// Opens a case for `reader`, writing the access row (who, whose — the NIK
/// masked — and why) before anything is shown. A reader whose role does not
/// need the applicant's NIK and contacts gets them masked.
pub async fn detail(app: &App, reader: &crate::accounts::Principal, c: &Case) -> Result<CaseDetail, Error> {
    let masked = !reader.role.handles_personal_data();
    let purpose = if masked { "case handling (personal data masked)" } else { "case handling" };
    log_read(app, reader, c, purpose).await?;
    let cal = clock::calendar(app, &c.office).await?;
    Ok(CaseDetail {
        summary: summary(c, app.now().timestamp_millis(), &cal),
        office: c.office.clone(),
        standard_version: c.standard_version,
        applicant: if masked { c.applicant.masked() } else { c.applicant.clone() },
        fields: serde_json::from_str(&c.fields).unwrap_or_default(),
        finished_at: rfc3339(c.finished_at, office_zone(&c.office)),
        paused: c.paused_at.is_some(),
        files: app.store.case_files(c.id).await?,
        masked,
        links: super::link::links(app, c).await?,
    })
}
