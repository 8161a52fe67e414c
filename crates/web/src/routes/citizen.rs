//! The citizen's pages: apply online from a service's standard (form
//! fields, requirement uploads, consent), and track an application by its
//! code, resubmitting or withdrawing with the NIK as second factor.

use super::cases::{ApplicantAction, applicant_act};
use super::multipart;
use super::openapi::HtmlPage;
use super::portal::{Choice, NavUser, nav, render};
use super::view::time_limit;
use crate::auth::{self, MaybeUser};
use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::state::AppState;
use app::cases::engine::{Applicant, is_self_service};
use app::cases::{Submission, submit};
use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use domain::{Standard, Status};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::net::SocketAddr;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/services/{id}/apply", get(apply_form).post(apply_submit))
        .route("/track", get(track_lookup))
        .route("/track/{code}", get(track_page).post(track_submit))
        .route("/track/{code}/documents/{doc}", axum::routing::post(track_document))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(apply_form, apply_submit, track_lookup, track_page, track_submit, track_document))]
pub(super) struct Doc;

#[derive(Default)]
pub(super) struct ApplicantValues {
    pub name: String,
    pub nik: String,
    pub phone: String,
    pub email: String,
}

pub(super) struct FieldRow {
    pub code: String,
    pub label: String,
    pub kind: String,
    pub input_type: &'static str,
    pub required: bool,
    pub value: String,
    pub invalid: bool,
}

#[derive(Template)]
#[template(path = "apply.html")]
pub(super) struct ApplyPage {
    pub lang: Lang,
    pub user: Option<NavUser>,
    pub title: String,
    pub service_id: String,
    pub action: String,
    pub time_limit: String,
    pub error: Option<String>,
    pub error_field: String,
    pub csrf: String,
    /// Staffed channels to choose from (counter intake); empty online.
    pub channels: Vec<Choice>,
    pub values: ApplicantValues,
    pub fields: Vec<FieldRow>,
    pub uploads: Vec<UploadField>,
    pub max_mb: usize,
    /// A name and a contact, no NIK (an information desk's question).
    pub contact_only: bool,
}

impl ApplyPage {
    /// The form of a standard, filled with what was sent and the error.
    pub fn new(
        state: &AppState,
        std: &Standard,
        lang: Lang,
        action: String,
        text: &HashMap<String, String>,
        error: Option<&ApiError>,
        // The channel the form is for (online), or any staffed one (None).
        channel: Option<&str>,
    ) -> ApplyPage {
        let get = |k: &str| text.get(k).cloned().unwrap_or_default();
        let error_field = error.and_then(|e| e.body.field.clone()).unwrap_or_default();
        ApplyPage {
            lang,
            user: None,
            title: std.title.clone(),
            service_id: std.id(),
            action,
            time_limit: time_limit(std),
            error: error.map(|e| e.body.message.clone()),
            csrf: String::new(),
            channels: Vec::new(),
            values: ApplicantValues {
                name: get("applicant.name"),
                nik: get("applicant.nik"),
                phone: get("applicant.phone"),
                email: get("applicant.email"),
            },
            fields: std
                .fields
                .iter()
                .map(|f| FieldRow {
                    code: f.code.clone(),
                    label: f.label.clone(),
                    kind: f.kind.clone(),
                    input_type: match f.kind.as_str() {
                        "number" => "number",
                        "date" => "date",
                        "email" => "email",
                        _ => "text",
                    },
                    required: f.required,
                    value: get(&format!("fields.{}", f.code)),
                    invalid: error_field == format!("fields.{}", f.code),
                })
                .collect(),
            uploads: std
                .requirements
                .iter()
                .filter(|r| r.upload && r.step.is_none() && channel.is_none_or(|c| r.applies_to(c)))
                .map(|r| UploadField { code: r.code.clone(), name: r.name.clone(), required: r.required })
                .collect(),
            max_mb: state.app.config.max_upload_bytes / (1024 * 1024),
            contact_only: std.applicants.as_ref().is_some_and(|a| a.contact_only),
            error_field,
        }
    }
}

/// The form's text fields as a submission of `channel`.
pub(super) fn submission(
    std: &Standard,
    channel: &str,
    text: &HashMap<String, String>,
) -> Result<Submission, ApiError> {
    if text.get("consent").map(String::as_str) != Some("1") {
        return Err(ApiError::invalid("consent", "agree to the processing of your personal data to apply"));
    }
    let opt = |k: &str| text.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let mut fields = Map::new();
    for f in &std.fields {
        if let Some(v) = opt(&format!("fields.{}", f.code)) {
            fields.insert(f.code.clone(), Value::String(v));
        }
    }
    Ok(Submission {
        service: std.id(),
        channel: channel.to_string(),
        applicant: Applicant {
            name: opt("applicant.name").unwrap_or_default(),
            nik: opt("applicant.nik"),
            phone: opt("applicant.phone"),
            email: opt("applicant.email"),
            organisation: None,
        },
        fields,
        letter: None,
    })
}

/// A public form post: read it, check its pre-session token, count it
/// against the client's rate limit.
async fn public_form(
    state: &AppState,
    headers: &HeaderMap,
    addr: SocketAddr,
    m: Multipart,
) -> Result<multipart::Parts, ApiError> {
    let parts = multipart::read(m, state.app.config.max_upload_bytes).await?;
    auth::check_form_token(headers, parts.text.get("csrf").map(String::as_str).unwrap_or_default())?;
    crate::auth::public_rate(state, headers, addr)?;
    Ok(parts)
}

fn online_standard(state: &AppState, id: &str) -> Result<std::sync::Arc<Standard>, ApiError> {
    let std = state.app.catalog.service(id)?;
    if !std.channels.iter().any(|c| is_self_service(&c.code)) {
        return Err(ApiError::not_found("this service is not offered online; apply at the office"));
    }
    Ok(std)
}

pub(super) fn with_cookie(mut res: Response, cookie: Option<String>) -> Response {
    if let Some(c) = cookie.and_then(|c| c.parse().ok()) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    res
}

#[utoipa::path(
    get,
    path = "/services/{id}/apply",
    summary = "Online application form of a service (fields, uploads, consent)",
    responses(HtmlPage)
)]
async fn apply_form(
    State(state): State<AppState>,
    lang: Lang,
    MaybeUser(u): MaybeUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let std = online_standard(&state, &id)?;
    let (csrf, cookie) = auth::form_token(&headers, state.config.cookie_secure);
    // A link may fill in form fields (an objection names the refused request).
    let given: HashMap<String, String> = query
        .into_iter()
        .filter(|(k, _)| std.fields.iter().any(|f| &f.code == k))
        .map(|(k, v)| (format!("fields.{k}"), v))
        .collect();
    let mut page =
        ApplyPage::new(&state, &std, lang, format!("/services/{id}/apply"), &given, None, Some("online"));
    page.csrf = csrf;
    page.user = nav(&u);
    Ok(with_cookie(render(&page)?.into_response(), cookie))
}

#[utoipa::path(
    post,
    path = "/services/{id}/apply",
    summary = "Submit the form (multipart, CSRF); 303 to the tracking page",
    responses(HtmlPage)
)]
async fn apply_submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    lang: Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
    m: Multipart,
) -> Result<Response, PageError> {
    let std = online_standard(&state, &id)?;
    let parts = public_form(&state, &headers, addr, m).await?;
    let channel =
        std.channels.iter().find(|c| is_self_service(&c.code)).map(|c| c.code.clone()).unwrap_or_default();
    let result = match submission(&std, &channel, &parts.text) {
        Ok(sub) => submit(&state.app, &sub, &parts.files, None).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(case) => Ok(Redirect::to(&format!("/track/{}?baru=1", case.tracking_code)).into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::TOO_MANY_REQUESTS => {
            let mut page = ApplyPage::new(
                &state,
                &std,
                lang,
                format!("/services/{id}/apply"),
                &parts.text,
                Some(&e),
                Some("online"),
            );
            page.csrf = parts.text.get("csrf").cloned().unwrap_or_default();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

pub(super) struct StepLine {
    no: String,
    description: String,
    state: &'static str,
    state_label: &'static str,
}

pub(super) struct TrackCase {
    code: String,
    title: String,
    applicant: String,
    status: &'static str,
    status_label: &'static str,
    due: String,
    missing: Option<String>,
    /// Why the clock stands still: the office's declared outage, if any.
    held: Option<String>,
    /// The service clock's time left or lateness, in words ("sisa 2 hari kerja").
    clock: String,
    steps: Vec<StepLine>,
    returned: bool,
    open: bool,
    /// The current step is the applicant's own: what it asks of them.
    your_step: Option<String>,
    version: i64,
    links: Vec<LinkLine>,
    /// Where to object to a refusal (UU 14/2008), when the office runs an
    /// objection against this service.
    objection: Option<String>,
    /// The answer the office sent (a complaint's, a question's).
    answer: Option<String>,
    /// Where to complain about this application (none for a complaint).
    complain: Option<String>,
    /// The satisfaction survey, offered once the application is completed.
    survey: Option<String>,
}

/// The form that objects to `c`'s refusal, with its tracking code filled
/// in: a service of the same office whose `[objection]` is against `c`'s.
fn objection_form(state: &AppState, c: &store::Case) -> Option<String> {
    if c.status != Status::Rejected {
        return None;
    }
    let std = state
        .app
        .catalog
        .for_office(&c.office)
        .find(|s| s.accepts_online() && s.objection.as_ref().is_some_and(|o| o.against == c.service))?;
    let field = &std.objection.as_ref()?.field;
    Some(format!("/services/{}/apply?{field}={}", std.id(), c.tracking_code))
}

/// A linked case as a line of a page (the tracking page, a staff member's
/// case page): the case it came from or one it handed the applicant on to.
pub(super) struct LinkLine {
    pub href: String,
    pub code: String,
    pub title: String,
    /// "Diteruskan dari" / "Diteruskan ke".
    pub relation: &'static str,
    pub status_label: &'static str,
}

impl LinkLine {
    /// Staff open the case's page; the applicant its tracking page.
    pub(super) fn of(lang: Lang, l: app::cases::link::LinkedCase, staff: bool) -> LinkLine {
        LinkLine {
            href: if staff {
                format!("/staff/cases/{}", l.id)
            } else {
                format!("/track/{}", l.tracking_code)
            },
            relation: lang.t(if l.relation == "from" { "linked_from" } else { "linked_to" }),
            status_label: status_label(lang, l.status),
            code: l.tracking_code,
            title: l.title,
        }
    }
}

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    lang: Lang,
    user: Option<NavUser>,
    code: String,
    error: Option<String>,
    case: Option<TrackCase>,
    fresh: bool,
    csrf: String,
    uploads: Vec<Choice>,
    documents: Vec<TrackDocument>,
    /// The documents' numbers, `|`-separated: a receipt's QR must carry one
    /// of them (`signed_payload.html`).
    numbers: String,
}

/// A requirement the applicant may upload.
pub(super) struct UploadField {
    code: String,
    name: String,
    required: bool,
}

/// A valid document of the application, for its applicant to download.
pub(super) struct TrackDocument {
    pub code: String,
    pub title: String,
    pub number: String,
}

impl TrackDocument {
    /// The case's documents that are not revoked, oldest first.
    pub(super) async fn valid_of(state: &AppState, case_id: i64) -> Result<Vec<TrackDocument>, ApiError> {
        let docs = state.app.store.case_documents(case_id).await?;
        Ok(docs
            .into_iter()
            .filter(|d| d.revoked_at.is_none())
            .map(|d| TrackDocument {
                title: domain::document::kind(&d.doc_type)
                    .map_or(d.doc_type.clone(), |k| k.title.to_string()),
                code: d.code,
                number: d.number,
            })
            .collect())
    }
}

pub(super) fn status_label(lang: Lang, status: Status) -> &'static str {
    lang.t(&format!("status_{}", status.as_str()))
}

#[derive(Deserialize)]
struct TrackQuery {
    code: Option<String>,
    baru: Option<u8>,
}

#[utoipa::path(get, path = "/track", summary = "Tracking: enter a code", responses(HtmlPage))]
async fn track_lookup(
    State(state): State<AppState>,
    lang: Lang,
    MaybeUser(u): MaybeUser,
    headers: HeaderMap,
    Query(q): Query<TrackQuery>,
) -> Result<Response, PageError> {
    match q.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        // Only what a tracking code can be goes into the redirect's header.
        Some(code) if code.len() <= 32 && code.chars().all(|c| c.is_ascii_alphanumeric()) => {
            Ok(Redirect::to(&format!("/track/{}", code.to_uppercase())).into_response())
        }
        Some(_) => {
            let message = Some(lang.t("not_found_code").to_string());
            track_render(&state, lang, &u, &headers, None, message, false, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
        None => track_render(&state, lang, &u, &headers, None, None, false, StatusCode::OK).await,
    }
}

#[utoipa::path(
    get,
    path = "/track/{code}",
    summary = "Tracking page: status, steps, what is missing",
    responses(HtmlPage)
)]
async fn track_page(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    lang: Lang,
    MaybeUser(u): MaybeUser,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<TrackQuery>,
) -> Result<Response, PageError> {
    crate::auth::public_rate(&state, &headers, addr)?;
    track_render(&state, lang, &u, &headers, Some(&code), None, q.baru.is_some(), StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn track_render(
    state: &AppState,
    lang: Lang,
    u: &Option<crate::auth::CurrentUser>,
    headers: &HeaderMap,
    code: Option<&str>,
    error: Option<String>,
    fresh: bool,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (csrf, cookie) = auth::form_token(headers, state.config.cookie_secure);
    let mut page = TrackPage {
        lang,
        user: nav(u),
        code: code.unwrap_or_default().to_string(),
        error,
        case: None,
        fresh,
        csrf,
        uploads: Vec::new(),
        documents: Vec::new(),
        numbers: String::new(),
    };
    let mut status = status;
    if let Some(code) = code {
        match state.app.store.case_by_tracking(&code.trim().to_uppercase()).await? {
            None => {
                page.error = Some(lang.t("not_found_code").to_string());
                status = StatusCode::NOT_FOUND;
            }
            Some(c) => {
                let v = app::cases::views::track(&state.app, &c).await?;
                let std =
                    app::cases::standard_of(&state.app, &c.office, &c.service, c.standard_version).await?;
                page.documents = TrackDocument::valid_of(state, c.id).await?;
                page.numbers = page.documents.iter().map(|d| d.number.as_str()).collect::<Vec<_>>().join("|");
                page.uploads = std
                    .requirements
                    .iter()
                    .filter(|r| r.upload)
                    .map(|r| Choice { code: r.code.clone(), name: r.name.clone() })
                    .collect();
                let held = match (v.status.is_active() && c.paused_at.is_some(), std.sla.needs_network) {
                    (true, true) => state.app.store.open_outage(&c.office).await?.map(|o| {
                        let since = app::clock::human(Some(o.starts_at), app::clock::office_zone(&c.office));
                        format!("{} ({since}): {}", lang.t("outage_held"), o.reason)
                    }),
                    _ => None,
                };
                let cal = app::cases::clock::calendar(&state.app, &c.office).await?;
                let clock = match (v.status.is_active() && c.paused_at.is_none(), c.due_at) {
                    (true, Some(due)) => lang.remaining(domain::sla::remaining(
                        &cal,
                        state.app.now(),
                        app::cases::clock::at(due),
                    )),
                    _ => String::new(),
                };
                page.case = Some(TrackCase {
                    held,
                    clock,
                    status_label: status_label(lang, v.status),
                    status: v.status.as_str(),
                    due: match c.due_at {
                        Some(_) => app::clock::human(c.due_at, app::clock::office_zone(&c.office)),
                        None => std.sla.wording.clone(),
                    },
                    steps: v
                        .steps
                        .into_iter()
                        .map(|st| StepLine {
                            state_label: lang.t(&format!("step_{}", st.state.as_str())),
                            state: st.state.as_str(),
                            no: st.no,
                            description: st.description,
                        })
                        .collect(),
                    your_step: v
                        .your_turn
                        .then(|| std.step(v.current_step.as_deref()))
                        .flatten()
                        .map(|s| format!("{}. {}", s.no, s.description)),
                    returned: v.status == Status::Returned,
                    open: !v.status.is_final(),
                    code: v.tracking_code,
                    title: v.title,
                    applicant: v.applicant,
                    missing: v.missing,
                    version: v.version,
                    links: v.links.into_iter().map(|l| LinkLine::of(lang, l, false)).collect(),
                    objection: objection_form(state, &c),
                    answer: v.answer,
                    survey: app::surveys::offered(&state.app, &c)
                        .await?
                        .then(|| format!("/survei?kasus={}", c.tracking_code)),
                    complain: (c.service != domain::complaint::SERVICE)
                        .then(|| format!("/pengaduan?office={}&kasus={}", c.office, c.tracking_code)),
                });
            }
        }
    }
    Ok(with_cookie((status, render(&page)?).into_response(), cookie))
}

#[utoipa::path(
    post,
    path = "/track/{code}",
    summary = "Resubmit or withdraw with the NIK (multipart, CSRF)",
    responses(HtmlPage)
)]
async fn track_submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    lang: Lang,
    MaybeUser(u): MaybeUser,
    headers: HeaderMap,
    Path(code): Path<String>,
    m: Multipart,
) -> Result<Response, PageError> {
    let parts = public_form(&state, &headers, addr, m).await?;
    let text = |k: &str| parts.text.get(k).cloned().unwrap_or_default();
    let body = ApplicantAction {
        action: text("action"),
        nik: text("nik"),
        expected_version: text("expected_version").parse().unwrap_or(0),
        note: Some(text("note")).filter(|n| !n.trim().is_empty()),
    };
    match applicant_act(&state, &code, body, &parts.files).await {
        Ok(c) => Ok(Redirect::to(&format!("/track/{}", c.tracking_code)).into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::TOO_MANY_REQUESTS => {
            let msg = if e.status == StatusCode::CONFLICT {
                lang.t("stale").to_string()
            } else {
                e.body.message.clone()
            };
            track_render(&state, lang, &u, &headers, Some(&code), Some(msg), false, e.status).await
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Deserialize)]
struct DocumentForm {
    csrf: String,
    nik: String,
}

/// The applicant downloads a document of their application (NIK in the form).
#[utoipa::path(
    post,
    path = "/track/{code}/documents/{doc}",
    summary = "The applicant downloads a document (form with NIK and CSRF)",
    responses(HtmlPage)
)]
async fn track_document(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((code, doc)): Path<(String, String)>,
    axum::extract::Form(f): axum::extract::Form<DocumentForm>,
) -> Result<Response, PageError> {
    auth::check_form_token(&headers, &f.csrf)?;
    crate::auth::public_rate(&state, &headers, addr)?;
    Ok(super::docs::applicant_document(&state, &code, &doc, &f.nik).await?)
}
