//! The staff back office: worklist, case page with exactly the actions
//! allowed now, counter intake with a printable receipt, the supervisor's
//! view and the notification outbox. Every form carries the session's
//! CSRF token.

use super::cases::{WorklistParams, file_response, party_of, staff_case, worklist_page};
use super::citizen::{ApplyPage, LinkLine, status_label, submission};
use super::multipart;
use super::openapi::HtmlPage;
use super::portal::{Choice, Fact, NavUser, nav, render, title_in};
use crate::auth::CurrentUser;
use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::state::AppState;
use app::cases::engine::{ActionInput, is_self_service, masked_name};
use app::cases::{act, standard_of, submit};
use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequest, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Role;
use domain::case::{Action, ActionError, CaseView, Request as EngineRequest, Status, decide};
use domain::standard::{Actor, Standard};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(worklist))
        .route("/staff/cases/{id}", get(case_page))
        .route("/staff/cases/{id}/action", post(case_action))
        .route("/staff/cases/{id}/files/{file}", get(case_file))
        .route("/staff/cases/{id}/receipt", get(receipt))
        .route("/staff/intake", get(intake_list))
        .route("/staff/intake/{id}", get(intake_form).post(intake_submit))
        .route("/staff/supervisor", get(supervisor))
        .route("/staff/outbox", get(outbox))
        .route("/staff/outbox/{id}/resend", post(outbox_resend))
        .route("/staff/documents/{code}/pdf", get(document_pdf))
        .route("/staff/documents/{code}/revoke", post(document_revoke))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    worklist,
    case_page,
    case_action,
    case_file,
    receipt,
    intake_list,
    intake_form,
    intake_submit,
    supervisor,
    outbox,
    outbox_resend,
    document_pdf,
    document_revoke
))]
pub(super) struct Doc;

fn staff_only(user: &CurrentUser) -> Result<(), ApiError> {
    if user.is_staff() { Ok(()) } else { Err(ApiError::forbidden("the back office is for office staff")) }
}

fn human(ms: Option<i64>, office: &str) -> String {
    app::clock::human(ms, app::clock::office_zone(office))
}

/// An SLA badge's words. A paused clock of a case still in progress is
/// held by an outage, not waiting for its applicant.
fn sla_label(lang: Lang, sla: &str, status: Status) -> &'static str {
    if sla == "paused" && status.is_active() { lang.t("sla_held") } else { lang.t(&format!("sla_{sla}")) }
}

/// A step clock in words; an outside party's carries their name and own
/// time, since the time is theirs ("Walikota (2 hari kerja): terlambat 1 hari").
fn clock_words(
    lang: Lang,
    std: Option<&domain::standard::Standard>,
    step: Option<&str>,
    left: Option<domain::sla::Remaining>,
) -> String {
    let Some(left) = left else { return String::new() };
    let party = std.and_then(|std| std.step(step)).filter(|s| s.actor == Actor::External).map(|s| {
        let who = s.party.clone().unwrap_or_else(|| lang.t("external").to_string());
        match &s.duration {
            Some(d) => format!("{who} ({d})"),
            None => who,
        }
    });
    match party {
        Some(p) => format!("{p}: {}", lang.remaining(left)),
        None => lang.remaining(left),
    }
}

/// A step as a list shows it: its number and the start of its description.
fn step_name(std: Option<&domain::standard::Standard>, step: Option<&str>) -> String {
    let Some(step) = step else { return "—".into() };
    let Some(s) = std.and_then(|std| std.steps.iter().find(|s| s.id == step)) else { return step.into() };
    let mut text: String = s.description.chars().take(60).collect();
    if s.description.chars().count() > 60 {
        text.push('…');
    }
    format!("{}. {text}", s.no)
}

struct Row {
    id: i64,
    code: String,
    service: String,
    step: String,
    applicant: String,
    due: String,
    /// RFC 3339, for scripts and tests (the order of the list).
    due_at: String,
    sla: &'static str,
    sla_label: &'static str,
    /// "sisa 12 menit kerja", "terlambat 2 hari", or empty.
    clock: String,
}

#[derive(Default)]
struct Filter {
    service: String,
    status: String,
    channel: String,
    unit: String,
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage {
    lang: Lang,
    user: Option<NavUser>,
    rows: Vec<Row>,
    /// Open cases on this worklist per service id.
    counts: Vec<Fact>,
    services: Vec<Choice>,
    statuses: Vec<Choice>,
    channels: Vec<Choice>,
    /// The office's units (bidang, seksi, subbag), when it has any.
    units: Vec<String>,
    filter: Filter,
    page: i64,
    pages: i64,
    total: i64,
    prev_url: String,
    next_url: String,
    /// The whole filtered list as CSV and as a workbook.
    csv_url: String,
    xlsx_url: String,
    /// The latest staff notices for this person (escalations, reminders,
    /// PPID requests), newest first.
    notices: Vec<Notice>,
}

struct Notice {
    at: String,
    subject: String,
    body: String,
}

#[utoipa::path(
    get,
    path = "/staff",
    summary = "Worklist of the logged-in staff member, with filters and paging",
    responses(HtmlPage)
)]
async fn worklist(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(mut f): Query<WorklistParams>,
) -> Result<Html<String>, PageError> {
    staff_only(&user)?;
    f.per_page = Some(25);
    let v = worklist_page(&state, &user, &f).await?;
    let office = user.user.office.clone();
    let catalog = &state.app.catalog;
    let title = |id: &str| {
        catalog.get(id).map_or_else(|| id.to_string(), |s| title_in(lang, &s.title, s.title_en.as_deref()))
    };
    let rows = v
        .items
        .into_iter()
        .map(|i| {
            let std = catalog.get(&i.service).map(|s| s.as_ref());
            Row {
                id: i.id,
                code: i.tracking_code,
                step: step_name(std, i.current_step.as_deref()),
                clock: clock_words(lang, std, i.current_step.as_deref(), i.remaining),
                service: title(&i.service),
                applicant: i.applicant_name,
                due: human(
                    i.nearest_due_at
                        .as_deref()
                        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                        .map(|t| t.timestamp_millis()),
                    &office,
                ),
                due_at: i.nearest_due_at.unwrap_or_default(),
                sla_label: sla_label(lang, i.sla, i.status),
                sla: i.sla,
            }
        })
        .collect();
    let (total, page) = (v.total, v.page);
    let pages = ((total + 24) / 25).max(1);
    let base = format!(
        "/staff?service={}&status={}&channel={}&unit={}&from={}&to={}",
        f.service.clone().unwrap_or_default(),
        f.status.clone().unwrap_or_default(),
        f.channel.clone().unwrap_or_default(),
        f.unit.as_deref().unwrap_or_default().replace(' ', "+"),
        f.from.clone().unwrap_or_default(),
        f.to.clone().unwrap_or_default()
    );
    let export = base.replacen("/staff?", "/api/v1/worklist?", 1);
    let (csv_url, xlsx_url) = (format!("{export}&format=csv"), format!("{export}&format=xlsx"));
    let counts =
        v.per_service.into_iter().map(|(id, n)| Fact { label: title(&id), value: n.to_string() }).collect();
    let units = state.app.store.office(&office).await?.map(|o| o.units).unwrap_or_default();
    let role_address = format!("{}@{office}", user.role);
    let notices = state
        .app
        .store
        .staff_notices(&office, &user.user.username, &role_address, 10)
        .await?
        .into_iter()
        .map(|n| Notice { at: human(Some(n.created_at), &office), subject: n.subject, body: n.body })
        .collect();
    let page_view = WorklistPage {
        notices,
        lang,
        units,
        user: nav(&Some(user)),
        rows,
        counts,
        services: state
            .app
            .catalog
            .for_office(&office)
            .map(|s| Choice { code: s.id(), name: s.title.clone() })
            .collect(),
        statuses: Status::ALL
            .iter()
            .map(|s| Choice { code: s.as_str().to_string(), name: status_label(lang, *s).to_string() })
            .collect(),
        channels: domain::standard::CHANNELS
            .iter()
            .map(|c| Choice { code: c.to_string(), name: lang.channel(c) })
            .collect(),
        filter: Filter {
            service: f.service.unwrap_or_default(),
            status: f.status.unwrap_or_default(),
            channel: f.channel.unwrap_or_default(),
            unit: f.unit.unwrap_or_default(),
            from: f.from.unwrap_or_default(),
            to: f.to.unwrap_or_default(),
        },
        page,
        pages,
        total,
        prev_url: format!("{base}&page={}", page - 1),
        next_url: format!("{base}&page={}", page + 1),
        csv_url,
        xlsx_url,
    };
    render(&page_view)
}

struct ActionButton {
    code: &'static str,
    label: &'static str,
    note_required: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    links: Vec<LinkLine>,
    lang: Lang,
    user: Option<NavUser>,
    id: i64,
    code: String,
    title: String,
    error: Option<String>,
    status: &'static str,
    status_label: &'static str,
    sla: String,
    sla_label: &'static str,
    /// The service clock's time left or lateness, in words.
    due_left: String,
    /// The step clock's, with the outside party's name when it is theirs.
    step_left: String,
    /// Why the office's service clock stands still: an outside party's step.
    outside_wait: Option<String>,
    /// Since when the case's clocks stand still (a return, an outage).
    paused_since: Option<String>,
    /// The applicant's NIK and contacts are masked for this reader.
    masked: bool,
    channel: String,
    due: String,
    step_due: String,
    assignee: String,
    version: i64,
    standard_version: i64,
    applicant: Vec<Fact>,
    fields: Vec<Fact>,
    files: Vec<FileLine>,
    steps: Vec<StepRow>,
    actions: Vec<ActionButton>,
    return_targets: Vec<Choice>,
    assignees: Vec<String>,
    external: bool,
    /// What completing the current step records (its `records`).
    records: Vec<RecordInput>,
    /// What refusing at the current step records (its `refusal_records`).
    refusal_records: Vec<RecordInput>,
    offers_return: bool,
    offers_assign: bool,
    timeline: Vec<TimelineLine>,
    documents: Vec<DocumentLine>,
    can_revoke: bool,
    csrf: String,
    /// The group request this case is a participant of (id, tracking code).
    parent: Option<(i64, String)>,
    /// A group request's participants: (id, tracking code, status).
    participants: Vec<(i64, String, &'static str)>,
    /// At the information desk, the answers to insert into the step's
    /// textarea (its id), one click each.
    canned: Vec<app::informasi::Canned>,
    canned_target: String,
    /// An open question of the information desk may become a complaint.
    to_complaint: bool,
}

/// The inputs of a step's records.
fn record_inputs(records: &[domain::standard::Field]) -> Vec<RecordInput> {
    records
        .iter()
        .map(|r| RecordInput {
            code: r.code.clone(),
            label: r.label.clone(),
            input: match r.kind.as_str() {
                "number" | "register" => "number",
                "date" => "date",
                "email" => "email",
                "textarea" => "textarea",
                _ => "text",
            },
            required: r.required,
            options: r.options.clone(),
        })
        .collect()
}

/// One value the current step's actor records on completing it.
struct RecordInput {
    code: String,
    label: String,
    /// The HTML input type: number, date, email or text, or a textarea (a
    /// `choice` is a select; a register entry's id a number).
    input: &'static str,
    required: bool,
    options: Vec<String>,
}

struct FileLine {
    id: i64,
    filename: String,
    requirement: String,
}

struct StepRow {
    no: String,
    actor: String,
    description: String,
    /// `done`, `current` or `pending` (a CSS class).
    state: &'static str,
}

struct TimelineLine {
    at: String,
    who: String,
    what: String,
    note: String,
}

struct DocumentLine {
    code: String,
    title: String,
    number: String,
    status: &'static str,
    revocable: bool,
}

#[utoipa::path(
    get,
    path = "/staff/cases/{id}",
    summary = "Case page: applicant (read logged), files, steps, timeline, allowed actions",
    responses(HtmlPage)
)]
async fn case_page(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    render_case(&state, lang, &user, id, None, StatusCode::OK).await
}

/// A timeline entry in words: "Langkah 1 selesai: Pemohon datang ke
/// loket", who did it, and the note with any recorded outcome as
/// `key: value` pairs.
fn history_line(
    lang: Lang,
    std: &Standard,
    office: &str,
    t: app::cases::views::TimelineEntry,
) -> TimelineLine {
    let step = |id: &Option<String>| {
        let s = std.step(id.as_deref())?;
        let first = s.description.lines().next().unwrap_or("").trim_start_matches("- ").trim();
        Some((s.no.clone(), first.to_string()))
    };
    let what = match t.action.as_str() {
        "advance" => {
            let done = match step(&t.from_step) {
                Some((no, text)) => format!("{}: {text}", lang.t("hist_step_done").replace("{no}", &no)),
                None => lang.t("action_advance").to_string(),
            };
            if t.to_status == "completed" { format!("{done} — {}", lang.t("hist_completed")) } else { done }
        }
        "return" => {
            let to = step(&t.to_step).map_or_else(
                || lang.t("pemohon").to_string(),
                |(no, text)| format!("{} {no}: {text}", lang.t("step")),
            );
            format!("{} {to}", lang.t("hist_return"))
        }
        "escalate" => {
            let clock = t.data.as_ref().and_then(|d| d.get("clock")).and_then(|c| c.as_str());
            lang.t(if clock == Some(store::SERVICE_CLOCK) {
                "hist_escalate_service"
            } else {
                "hist_escalate"
            })
            .to_string()
        }
        other => match lang.t(&format!("hist_{other}")) {
            "" => lang.t(&format!("action_{other}")).to_string(),
            words => words.to_string(),
        },
    };
    let data = match &t.data {
        // An escalation's or reminder's note says its level and recipient already.
        _ if matches!(t.action.as_str(), "escalate" | "remind") => String::new(),
        Some(serde_json::Value::Object(m)) => m
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.as_str().map_or_else(|| v.to_string(), str::to_string)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let note = [t.note.unwrap_or_default(), data]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" — ");
    let who = match t.actor.as_str() {
        "pemohon" => lang.t("pemohon").to_string(),
        "system" | "sweep" => lang.t("system").to_string(),
        name if t.on_behalf => format!("{name} ({})", lang.t("on_behalf")),
        name => match &t.acting {
            Some(a) => format!("{name} ({a})"),
            None => name.to_string(),
        },
    };
    let ms =
        t.at.as_deref()
            .and_then(|a| chrono::DateTime::parse_from_rfc3339(a).ok())
            .map(|a| a.timestamp_millis());
    TimelineLine { at: human(ms, office), who, what, note }
}

/// The case page; `error` explains a refused action above the page.
async fn render_case(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let c = staff_case(state, user, id).await?;
    let detail = app::cases::views::detail(&state.app, user, &c).await?;
    let std = standard_of(&state.app, &c.office, &c.service, c.standard_version).await?;
    let party = party_of(user);
    let view = CaseView {
        office: &c.office,
        channel: &c.channel,
        status: c.status,
        current_step: c.current_step.as_deref(),
        assignee: c.assignee.as_deref(),
    };
    // Offer exactly what the engine would accept now (given a note and an assignee).
    let probe = EngineRequest { note: Some("·"), to_step: None, assignee: Some("·"), data: None };
    let actions: Vec<ActionButton> = Action::ALL
        .into_iter()
        .filter(|a| {
            !matches!(
                decide(&std, &view, &party, *a, &probe),
                Err(ActionError::Forbidden(_) | ActionError::NotAllowed(_))
            )
        })
        .map(|a| ActionButton {
            code: a.as_str(),
            label: lang.t(&format!("action_{}", a.as_str())),
            note_required: matches!(a, Action::Return | Action::Reject | Action::Note),
        })
        .collect();
    let steps: Vec<_> = std.steps_for(&c.channel).collect();
    let pos = c.current_step.as_deref().and_then(|s| steps.iter().position(|x| x.id == s));
    let done_all = c.status == Status::Completed;
    let step_rows = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let state = match pos {
                _ if done_all => "done",
                Some(p) if i < p => "done",
                Some(p) if i == p => "current",
                _ => "pending",
            };
            StepRow {
                no: s.no.clone(),
                actor: lang.actor(s.actor, s.party.as_deref()),
                description: s.description.clone(),
                state,
            }
        })
        .collect();
    let return_targets = pos
        .map(|p| {
            steps[..p]
                .iter()
                .filter(|s| s.actor != Actor::Applicant)
                .map(|s| Choice { code: s.id.clone(), name: format!("{}. {}", s.no, s.description) })
                .collect()
        })
        .unwrap_or_default();
    let current = pos.map(|p| steps[p]);
    let role_of_step = match current.map(|s| s.actor) {
        Some(Actor::Staff(r)) => r,
        _ => Role::Operator,
    };
    let assignees = state
        .app
        .store
        .users(Some(&c.office))
        .await?
        .into_iter()
        .filter(|u| u.active && u.role == role_of_step)
        .map(|u| u.username)
        .collect();
    let a = &detail.applicant;
    let applicant = [
        (lang.t("full_name"), Some(&a.name)),
        ("NIK", a.nik.as_ref()),
        (lang.t("phone"), a.phone.as_ref()),
        ("Email", a.email.as_ref()),
        (lang.t("organisation"), a.organisation.as_ref().map(|o| &o.name)),
    ]
    .into_iter()
    .filter_map(|(label, v)| v.map(|v| Fact { label: label.to_string(), value: v.clone() }))
    .collect();
    let fields = std
        .fields
        .iter()
        .filter_map(|f| {
            detail
                .fields
                .get(&f.code)
                .and_then(|v| v.as_str())
                .map(|v| Fact { label: f.label.clone(), value: v.to_string() })
        })
        .collect();
    let files = state
        .app
        .store
        .case_files(c.id)
        .await?
        .into_iter()
        .map(|f| FileLine { id: f.id, filename: f.filename, requirement: f.requirement })
        .collect();
    let timeline = app::cases::views::timeline(&state.app, &c)
        .await?
        .into_iter()
        .map(|t| history_line(lang, &std, &c.office, t))
        .collect();
    let documents = state
        .app
        .store
        .case_documents(c.id)
        .await?
        .into_iter()
        .map(|d| {
            let title =
                domain::document::kind(&d.doc_type).map_or(d.doc_type.clone(), |k| k.title.to_string());
            let status =
                if d.revoked_at.is_some() { lang.t("doc_revoked_short") } else { lang.t("doc_valid_short") };
            DocumentLine { code: d.code, title, number: d.number, status, revocable: d.revoked_at.is_none() }
        })
        .collect();
    let offers = |code: &str| actions.iter().any(|a| a.code == code);
    let (offers_return, offers_assign) = (offers("return"), offers("assign"));
    let offers_advance = offers("advance");
    let external = current.is_some_and(|s| s.actor == Actor::External) && offers_advance;
    let can_revoke = matches!(user.role, Role::KepalaDinas | Role::Validator | Role::Admin);
    let sla = app::cases::views::sla_badge(&c, state.app.now().timestamp_millis());
    // Each running clock with its time left: the service's stands still
    // while an outside party has the step; none runs while paused.
    let cal = app::cases::clock::calendar(&state.app, &c.office).await?;
    let now = state.app.now();
    let running = c.paused_at.is_none() && c.status.is_active();
    let outside = current.is_some_and(|s| s.actor == Actor::External);
    let left = |due: Option<i64>, on: bool| {
        due.filter(|_| on).map(|d| domain::sla::remaining(&cal, now, app::cases::clock::at(d)))
    };
    let parent = match c.parent_id {
        Some(p) => state.app.store.case(p).await?.map(|p| (p.id, p.tracking_code)),
        None => None,
    };
    let participants = state
        .app
        .store
        .child_cases(c.id)
        .await?
        .into_iter()
        .map(|k| (k.id, k.tracking_code, status_label(lang, k.status)))
        .collect();
    // The desk's answer is drafted with the office's canned answers at hand.
    let answer =
        current.filter(|_| offers_advance).and_then(|s| s.records.iter().find(|r| r.kind == "textarea"));
    let at_desk = app::informasi::desk(&state.app, &c.office).is_ok_and(|d| d.slug == c.service);
    let (canned, canned_target) = match answer.filter(|_| at_desk) {
        Some(r) => (app::informasi::canned_answers(&state.app, user)?, format!("rec-{}", r.code)),
        None => (Vec::new(), String::new()),
    };
    let page = CasePage {
        to_complaint: at_desk && c.status.is_active(),
        canned,
        canned_target,
        links: detail.links.iter().cloned().map(|l| LinkLine::of(lang, l, true)).collect(),
        parent,
        participants,
        lang,
        user: nav(&Some(user.clone())),
        id: c.id,
        code: c.tracking_code.clone(),
        title: std.title.clone(),
        error,
        status_label: status_label(lang, c.status),
        status: c.status.as_str(),
        sla: sla.into(),
        sla_label: sla_label(lang, sla, c.status),
        due_left: left(c.due_at, running && !outside).map(|r| lang.remaining(r)).unwrap_or_default(),
        step_left: clock_words(lang, Some(&std), c.current_step.as_deref(), left(c.step_due_at, running)),
        outside_wait: current.filter(|s| s.actor == Actor::External && c.due_at.is_some()).map(|s| {
            lang.t("outside_wait").replace("{party}", s.party.as_deref().unwrap_or(lang.t("external")))
        }),
        paused_since: c.paused_at.filter(|_| !c.status.is_final()).map(|t| {
            let why = if c.status.is_active() { lang.t("sla_held") } else { lang.t("sla_paused") };
            format!("{why} {} {}", lang.t("since"), human(Some(t), &c.office))
        }),
        masked: detail.masked,
        channel: lang.channel(&c.channel),
        due: human(c.due_at, &c.office),
        step_due: human(c.step_due_at, &c.office),
        assignee: c.assignee.clone().unwrap_or_else(|| "—".into()),
        version: c.version,
        standard_version: c.standard_version,
        applicant,
        fields,
        files,
        steps: step_rows,
        actions,
        return_targets,
        assignees,
        external,
        records: current.filter(|_| offers_advance).map(|s| record_inputs(&s.records)).unwrap_or_default(),
        refusal_records: current.map(|s| record_inputs(&s.refusal_records)).unwrap_or_default(),
        offers_return,
        offers_assign,
        timeline,
        documents,
        can_revoke,
        csrf: user.session.csrf_token.clone(),
    };
    Ok((status, render(&page)?).into_response())
}

#[utoipa::path(
    post,
    path = "/staff/cases/{id}/action",
    summary = "Act on a case (form with CSRF); 409 page when someone else changed it",
    responses(HtmlPage)
)]
async fn case_action(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    // The panel of an outside body's step is multipart: it carries the
    // scan of that body's letter (`file.surat_luar`).
    let (f, files) = if super::cases::is_multipart(req.headers()) {
        let m = Multipart::from_request(req, &state)
            .await
            .map_err(|e| ApiError::invalid("body", e.body_text()))?;
        let parts = multipart::read(m, state.app.config.max_upload_bytes).await?;
        (parts.text, parts.files)
    } else {
        let Form(f) = Form::<HashMap<String, String>>::from_request(req, &state)
            .await
            .map_err(|e| ApiError::invalid("body", e.body_text()))?;
        (f, Vec::new())
    };
    user.check_csrf(f.get("csrf").map(String::as_str))?;
    let c = staff_case(&state, &user, id).await?;
    let action = f.get("action").cloned().unwrap_or_default();
    let expected_version =
        f.get("expected_version").and_then(|v| v.trim().parse().ok()).ok_or_else(|| {
            ApiError::invalid("expected_version", "reload the page: the case version is missing")
        })?;
    let given = |key: &str| f.get(key).filter(|v| !v.trim().is_empty()).cloned();
    // The panel sends every field it shows; each action takes only its own:
    // an advance takes the outside party's reference and the step's records
    // (`record.CODE`), a rejection an outside body's letter (`record.CODE`)
    // and what the step records when it refuses (`refusal.CODE`).
    let only = |a: &str, key: &str| if action == a { given(key) } else { None };
    let prefixes: &[&str] = match action.as_str() {
        "advance" => &["record."],
        "reject" => &["record.", "refusal."],
        _ => &[],
    };
    let mut data: serde_json::Map<String, serde_json::Value> = f
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .filter_map(|(k, v)| {
            let code = prefixes.iter().find_map(|p| k.strip_prefix(p))?;
            Some((code.to_string(), serde_json::Value::String(v.trim().to_string())))
        })
        .collect();
    if let Some(r) = only("advance", "reference") {
        data.insert("reference".into(), r.into());
    }
    let input = ActionInput {
        to_step: only("return", "to_step"),
        assignee: only("assign", "assignee"),
        data: (!data.is_empty()).then_some(serde_json::Value::Object(data)),
        note: given("note"),
        action,
        expected_version,
    };
    match act(&state.app, &c, &party_of(&user), &input, &files).await.map_err(ApiError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/staff/cases/{id}")).into_response()),
        Err(e) if e.status == StatusCode::CONFLICT => {
            render_case(&state, lang, &user, id, Some(lang.t("stale").into()), StatusCode::CONFLICT).await
        }
        Err(e) if e.status.is_client_error() => {
            render_case(&state, lang, &user, id, Some(e.body.message.clone()), e.status).await
        }
        Err(e) => Err(PageError(e)),
    }
}

#[utoipa::path(get, path = "/staff/cases/{id}/files/{file}", summary = "A requirement file as an attachment", responses((status = 200, description = "the file (the login page without a session)", content(("application/pdf"), ("image/jpeg"), ("image/png"), ("text/html")))))]
async fn case_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    Ok(file_response(&state, &user, id, file).await?)
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    lang: Lang,
    user: Option<NavUser>,
    id: i64,
    office: String,
    title: String,
    code: String,
    applicant: String,
    received: String,
    due: String,
}

#[utoipa::path(
    get,
    path = "/staff/cases/{id}/receipt",
    summary = "Printable receipt of a counter application",
    responses(HtmlPage)
)]
async fn receipt(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let c = staff_case(&state, &user, id).await?;
    let std = standard_of(&state.app, &c.office, &c.service, c.standard_version).await?;
    let office = state.app.store.office(&c.office).await?.map(|o| o.name).unwrap_or_default();
    let page = ReceiptPage {
        lang,
        user: nav(&Some(user)),
        id: c.id,
        office,
        title: std.title.clone(),
        code: c.tracking_code.clone(),
        applicant: masked_name(&c.applicant_name),
        received: human(Some(c.created_at), &c.office),
        due: c.due_at.map_or_else(|| std.sla.wording.clone(), |d| human(Some(d), &c.office)),
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    lang: Lang,
    user: Option<NavUser>,
    services: Vec<Choice>,
}

/// Services of the office that take applications in person.
pub(super) fn staffed_channels(std: &domain::Standard) -> Vec<Choice> {
    if std.steps.is_empty() {
        return Vec::new();
    }
    std.channels
        .iter()
        .filter(|c| !is_self_service(&c.code))
        .map(|c| Choice { code: c.code.clone(), name: c.name.clone() })
        .collect()
}

#[utoipa::path(
    get,
    path = "/staff/intake",
    summary = "Counter intake: services taken in person",
    responses(HtmlPage)
)]
async fn intake_list(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
) -> Result<Html<String>, PageError> {
    user.require(&[Role::Operator], &user.user.office.clone())?;
    let services = state
        .app
        .catalog
        .for_office(&user.user.office)
        .filter(|s| !staffed_channels(s).is_empty())
        .map(|s| Choice { code: s.id(), name: s.title.clone() })
        .collect();
    render(&IntakePage { lang, user: nav(&Some(user)), services })
}

fn intake_standard(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<std::sync::Arc<domain::Standard>, ApiError> {
    user.require(&[Role::Operator], &user.user.office)?;
    let std = state.app.catalog.service(id)?;
    if std.office.as_str() != user.user.office || staffed_channels(&std).is_empty() {
        return Err(ApiError::not_found("this office takes no counter applications for this service"));
    }
    Ok(std)
}

#[utoipa::path(get, path = "/staff/intake/{id}", summary = "Counter intake form", responses(HtmlPage))]
async fn intake_form(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let std = intake_standard(&state, &user, &id)?;
    let mut page =
        ApplyPage::new(&state, &std, lang, format!("/staff/intake/{id}"), &HashMap::new(), None, None);
    page.channels = staffed_channels(&std);
    page.csrf = user.session.csrf_token.clone();
    page.user = nav(&Some(user));
    render(&page)
}

#[utoipa::path(
    post,
    path = "/staff/intake/{id}",
    summary = "Register a walk-in application (multipart, CSRF)",
    responses(HtmlPage)
)]
async fn intake_submit(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<String>,
    m: Multipart,
) -> Result<Response, PageError> {
    let std = intake_standard(&state, &user, &id)?;
    let parts = multipart::read(m, state.app.config.max_upload_bytes).await?;
    user.check_csrf(parts.text.get("csrf").map(String::as_str))?;
    let channel = parts.text.get("channel").cloned().unwrap_or_default();
    let result = match submission(&std, &channel, &parts.text) {
        Ok(sub) => {
            submit(&state.app, &sub, &parts.files, Some(&user.principal)).await.map_err(ApiError::from)
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(c) => Ok(Redirect::to(&format!("/staff/cases/{}/receipt", c.id)).into_response()),
        Err(e) if e.status.is_client_error() => {
            let mut page = ApplyPage::new(
                &state,
                &std,
                lang,
                format!("/staff/intake/{id}"),
                &parts.text,
                Some(&e),
                None,
            );
            page.channels = staffed_channels(&std);
            page.csrf = user.session.csrf_token.clone();
            page.user = nav(&Some(user));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template)]
#[template(path = "supervisor.html")]
struct SupervisorPage {
    lang: Lang,
    user: Option<NavUser>,
    rows: Vec<SupervisorRow>,
}

struct SupervisorRow {
    service: String,
    step: String,
    /// Open cases by SLA state: on_time, due_soon, overdue, paused, untimed.
    by_state: [i64; 5],
}

#[utoipa::path(
    get,
    path = "/staff/supervisor",
    summary = "Open cases by service, step and SLA state",
    responses(HtmlPage)
)]
async fn supervisor(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
) -> Result<Html<String>, PageError> {
    user.require(
        &[Role::Validator, Role::KepalaDinas, Role::Admin, Role::Auditor],
        &user.user.office.clone(),
    )?;
    let now = state.app.now().timestamp_millis();
    let mut groups: BTreeMap<(String, String), [i64; 5]> = BTreeMap::new();
    for c in state.app.store.open_cases(&user.user.office, 10_000).await? {
        let i = match app::cases::views::sla_badge(&c, now) {
            "on_time" => 0,
            "due_soon" => 1,
            "overdue" => 2,
            "paused" => 3,
            _ => 4,
        };
        groups
            .entry((format!("{}-{}", c.office, c.service), c.current_step.unwrap_or_default()))
            .or_default()[i] += 1;
    }
    let catalog = &state.app.catalog;
    let rows = groups
        .into_iter()
        .map(|((service, step), by_state)| {
            let std = catalog.get(&service).map(|s| s.as_ref());
            SupervisorRow {
                step: step_name(std, Some(&step)),
                service: std.map_or(service, |s| title_in(lang, &s.title, s.title_en.as_deref())),
                by_state,
            }
        })
        .collect();
    render(&SupervisorPage { lang, user: nav(&Some(user)), rows })
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    lang: Lang,
    user: Option<NavUser>,
    rows: Vec<OutboxRow>,
    /// The admin's CSRF token for the re-send buttons (empty for others).
    csrf: String,
}

struct OutboxRow {
    id: i64,
    at: String,
    channel: String,
    recipient: String,
    subject: String,
    status: String,
    /// Failed tries and the last one's error.
    attempts: i32,
    error: String,
    /// A dead letter the viewer (its office's admin) may send again.
    resend: bool,
}

/// Contacts are partly hidden on screen: enough to tell them apart.
fn mask_contact(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 6 || s.contains('@') && !s.contains('.') {
        return s.to_string();
    }
    let n = chars.len();
    chars.iter().enumerate().map(|(i, c)| if i < 3 || i >= n - 3 || *c == '@' { *c } else { '•' }).collect()
}

#[utoipa::path(
    get,
    path = "/staff/outbox",
    summary = "Notification outbox of the office",
    responses(HtmlPage)
)]
async fn outbox(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
) -> Result<Html<String>, PageError> {
    staff_only(&user)?;
    let office = &user.user.office;
    state.app.store.log_access(&user.user.username, &format!("notifications:{office}"), "outbox").await?;
    let admin = user.role == Role::Admin;
    let rows = state
        .app
        .store
        .notifications(office, 200)
        .await?
        .into_iter()
        .map(|n| {
            let to = if n.channel == "staff" { n.recipient } else { mask_contact(&n.recipient) };
            OutboxRow {
                id: n.id,
                at: human(Some(n.created_at), &n.office),
                channel: n.channel,
                recipient: to,
                subject: n.subject,
                resend: admin && n.status == "failed",
                status: n.status,
                attempts: n.attempts,
                error: n.last_error.unwrap_or_default(),
            }
        })
        .collect();
    let csrf = if admin { user.session.csrf_token.clone() } else { String::new() };
    render(&OutboxPage { lang, user: nav(&Some(user)), rows, csrf })
}

#[utoipa::path(
    post,
    path = "/staff/outbox/{id}/resend",
    summary = "Send a dead letter again (the office's admin; form with CSRF)",
    responses(HtmlPage)
)]
async fn outbox_resend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<super::portal::CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(Some(&f.csrf))?;
    app::outbox::resend(&state.app, &user, id).await.map_err(ApiError::from)?;
    Ok(Redirect::to("/staff/outbox").into_response())
}

#[utoipa::path(get, path = "/staff/documents/{code}/pdf", summary = "A document's PDF for staff of the office", responses((status = 200, description = "PDF (the login page without a session)", content(("application/pdf"), ("text/html")))))]
async fn document_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    Ok(super::docs::pdf_response(&state, &user, &code).await?)
}

#[derive(Deserialize)]
struct RevokeForm {
    csrf: String,
    case: i64,
    reason: String,
}

#[utoipa::path(
    post,
    path = "/staff/documents/{code}/revoke",
    summary = "Revoke a document (form with CSRF)",
    responses(HtmlPage)
)]
async fn document_revoke(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(f): Form<RevokeForm>,
) -> Result<Response, PageError> {
    user.check_csrf(Some(&f.csrf))?;
    match super::docs::revoke_document(&state, &user, &code, &f.reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/cases/{}", f.case)).into_response()),
        Err(e) if e.status.is_client_error() => {
            render_case(&state, lang, &user, f.case, Some(e.body.message.clone()), e.status).await
        }
        Err(e) => Err(PageError(e)),
    }
}
