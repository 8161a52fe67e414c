//! The case API of the contract: applications, tracking, worklists, the
//! case, its timeline and its actions, and the notification outbox.

use super::multipart;
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::{ApiError, ErrorResponse};
use crate::extract::Changing;
use crate::state::AppState;
use app::cases::engine::ActionInput;
use app::cases::views::{self, CaseDetail, TrackView, WorklistView};
use app::cases::{self, Submission, Upload};
use axum::extract::{ConnectInfo, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::case::Party;
use domain::{Nik, Role};
use serde::Deserialize;
use std::net::SocketAddr;
use store::{Case, WorklistQuery};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/applications", post(apply))
        .route("/api/v1/track/{code}", get(track))
        .route("/api/v1/track/{code}/actions", post(track_action))
        .route("/api/v1/worklist", get(worklist))
        .route("/api/v1/supervisor", get(supervisor))
        .route("/api/v1/cases/{id}", get(case))
        .route("/api/v1/cases/{id}/timeline", get(timeline))
        .route("/api/v1/cases/{id}/actions", post(action))
        .route("/api/v1/cases/{id}/files/{file}", get(file))
        .route("/api/v1/notifications", get(notifications))
        .route("/api/v1/notifications/failed", get(failed_notifications))
        .route("/api/v1/notifications/{id}/resend", post(resend_notification))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    apply,
    track,
    track_action,
    worklist,
    supervisor,
    case,
    timeline,
    action,
    file,
    notifications,
    failed_notifications,
    resend_notification
))]
pub(super) struct Doc;

/// An application body: JSON, or multipart with an `application` part
/// holding the JSON and `file.<requirement>` parts.
async fn read_application(state: &AppState, req: Request) -> Result<(Submission, Vec<Upload>), ApiError> {
    if is_multipart(req.headers()) {
        let m = Multipart::from_request(req, state)
            .await
            .map_err(|e| ApiError::invalid("body", e.body_text()))?;
        let parts = multipart::read(m, state.app.config.max_upload_bytes).await?;
        let json = parts
            .text
            .get("application")
            .ok_or_else(|| ApiError::invalid("application", "the JSON part `application` is missing"))?;
        let sub = serde_json::from_str(json).map_err(|e| ApiError::invalid("application", e.to_string()))?;
        Ok((sub, parts.files))
    } else {
        let Json(sub) =
            Json::<Submission>::from_request(req, state).await.map_err(crate::extract::json_error)?;
        Ok((sub, Vec::new()))
    }
}

pub(crate) fn is_multipart(h: &HeaderMap) -> bool {
    h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// The `multipart/form-data` form of an application.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the form; the parts are read by `multipart::read`
struct ApplicationForm {
    /// The application as JSON.
    application: String,
    /// `file.<requirement code>`: PDF, JPEG or PNG, at most 5 MB each.
    #[schema(value_type = Option<String>, format = Binary)]
    #[serde(rename = "file.<requirement>")]
    file: Option<Vec<u8>>,
}

/// Apply for a service (anonymous for online/whatsapp; an operator's token for counter, kiosk, jemput bola)
///
/// 201 with the receipt: id, tracking code, status, due time.
#[utoipa::path(post, path = "/api/v1/applications",
    request_body(content((Submission = "application/json"), (ApplicationForm = "multipart/form-data"))),
    responses(
    (status = 201, description = "Created", body = views::Receipt),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "a staffed channel needs an operator", body = ErrorResponse),
    (status = 403, description = "not allowed on this channel or office", body = ErrorResponse),
    (status = 415, description = "neither JSON nor multipart", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse),
    (status = 429, description = "too many applications from this address", body = ErrorResponse)))]
async fn apply(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    req: Request,
) -> Result<(StatusCode, Json<views::Receipt>), ApiError> {
    crate::auth::public_rate(&state, req.headers(), addr)?;
    if let Some(u) = &user {
        u.check_csrf_header(req.headers())?;
    }
    let (sub, uploads) = read_application(&state, req).await?;
    let c = cases::submit(&state.app, &sub, &uploads, user.as_ref().map(|u| &u.principal)).await?;
    Ok((StatusCode::CREATED, Json(views::receipt(&c))))
}

pub(crate) async fn by_code(state: &AppState, code: &str) -> Result<Case, ApiError> {
    let code = code.trim().to_uppercase();
    state
        .app
        .store
        .case_by_tracking(&code)
        .await?
        .ok_or_else(|| ApiError::not_found("no application with this tracking code"))
}

/// Public tracking by code: status and steps, no personal data
///
/// Only a masked name. Rate-limited: tracking codes are short, so guessing
/// them must be slow.
#[utoipa::path(get, path = "/api/v1/track/{code}", responses(
    (status = 200, description = "OK", body = TrackView),
    (status = 404, description = "no such tracking code", body = ErrorResponse),
    (status = 429, description = "too many lookups from this address", body = ErrorResponse)))]
async fn track(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<TrackView>, ApiError> {
    crate::auth::public_rate(&state, &headers, addr)?;
    let c = by_code(&state, &code).await?;
    Ok(Json(app::cases::views::track(&state.app, &c).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApplicantAction {
    /// `advance` (their own step), `resubmit` or `withdraw`.
    pub action: String,
    /// The second factor: the applicant's NIK.
    pub nik: String,
    pub expected_version: i64,
    #[serde(default)]
    pub note: Option<String>,
}

/// The applicant's second factor, in a body (never in a URL).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NikBody {
    pub nik: String,
}

/// The applicant resubmits or withdraws (tracking code + NIK)
///
/// A resubmission may carry new files, as multipart (`action` part with the
/// JSON, `file.<requirement>` parts).
#[utoipa::path(post, path = "/api/v1/track/{code}/actions", request_body = ApplicantAction, responses(
    (status = 200, description = "OK", body = TrackView),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 403, description = "the NIK does not match", body = ErrorResponse),
    (status = 404, description = "no such tracking code", body = ErrorResponse),
    (status = 409, description = "the case changed meanwhile", body = ErrorResponse),
    (status = 415, description = "neither JSON nor multipart", body = ErrorResponse),
    (status = 422, description = "a field is invalid or the action not allowed now", body = ErrorResponse),
    (status = 429, description = "too many attempts from this address", body = ErrorResponse)))]
async fn track_action(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    req: Request,
) -> Result<Json<TrackView>, ApiError> {
    crate::auth::public_rate(&state, req.headers(), addr)?;
    let (body, uploads) = read_action::<ApplicantAction>(&state, req).await?;
    let updated = applicant_act(&state, &code, body, &uploads).await?;
    Ok(Json(app::cases::views::track(&state.app, &updated).await?))
}

/// What an applicant may do: complete their own step (confirm, attend,
/// sign, bring a document), resubmit a returned application, withdraw.
pub(crate) const APPLICANT_ACTIONS: [&str; 3] = ["advance", "resubmit", "withdraw"];

/// An applicant's action body: JSON, or multipart with the JSON in an
/// `action` part and files in `file.<requirement>` parts.
pub(crate) async fn read_action<T: serde::de::DeserializeOwned>(
    state: &AppState,
    req: Request,
) -> Result<(T, Vec<Upload>), ApiError> {
    if is_multipart(req.headers()) {
        let m = Multipart::from_request(req, state)
            .await
            .map_err(|e| ApiError::invalid("body", e.body_text()))?;
        let parts = multipart::read(m, state.app.config.max_upload_bytes).await?;
        let json = parts
            .text
            .get("action")
            .ok_or_else(|| ApiError::invalid("action", "the JSON part `action` is missing"))?;
        Ok((serde_json::from_str(json).map_err(|e| ApiError::invalid("action", e.to_string()))?, parts.files))
    } else {
        let Json(b) = Json::<T>::from_request(req, state).await.map_err(crate::extract::json_error)?;
        Ok((b, Vec::new()))
    }
}

/// An applicant's action after checking the second factor.
pub(crate) async fn applicant_act(
    state: &AppState,
    code: &str,
    body: ApplicantAction,
    uploads: &[Upload],
) -> Result<Case, ApiError> {
    if !APPLICANT_ACTIONS.contains(&body.action.as_str()) {
        return Err(ApiError::invalid(
            "action",
            "an applicant may `advance` their own step, `resubmit` or `withdraw`",
        ));
    }
    let c = by_code(state, code).await?;
    verify_applicant(&c, &body.nik)?;
    let input = ActionInput {
        action: body.action,
        note: body.note,
        expected_version: body.expected_version,
        to_step: None,
        assignee: None,
        data: None,
    };
    Ok(cases::act(&state.app, &c, &Party::Applicant, &input, uploads).await?)
}

/// The NIK given must be the applicant's; any mismatch looks the same.
pub(crate) fn verify_applicant(c: &Case, nik: &str) -> Result<(), ApiError> {
    let given = Nik::parse(nik.trim()).map_err(|e| ApiError::invalid("nik", e.to_string()))?;
    let ok =
        c.applicant.nik.as_deref().is_some_and(|n| crate::auth::constant_time_eq(n.trim(), given.as_str()));
    if ok { Ok(()) } else { Err(ApiError::forbidden("the NIK does not match this application")) }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct WorklistParams {
    /// A service id (`16.06-ktp-el`) or slug.
    pub service: Option<String>,
    /// A case status (`in_progress`, `returned`, ...).
    pub status: Option<String>,
    /// A channel code (`counter`, `online`, ...).
    pub channel: Option<String>,
    /// A unit of the office (`units` of its office.toml): only cases at
    /// the steps that unit does.
    pub unit: Option<String>,
    /// `YYYY-MM-DD`, creation date from (inclusive).
    pub from: Option<String>,
    /// `YYYY-MM-DD`, creation date to (inclusive).
    pub to: Option<String>,
    /// From 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 100, 25 by default.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// `csv` or `xlsx`: the whole filtered list (up to 10,000 cases) as a
    /// file; JSON pages otherwise.
    pub format: Option<String>,
}

fn day_ms(field: &str, d: &Option<String>, end: bool) -> Result<Option<i64>, ApiError> {
    let Some(d) = d.as_deref().filter(|d| !d.is_empty()) else { return Ok(None) };
    let date = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map_err(|_| ApiError::invalid(field, "use YYYY-MM-DD"))?;
    let t = if end { date.and_hms_opt(23, 59, 59) } else { date.and_hms_opt(0, 0, 0) };
    Ok(t.map(|t| t.and_utc().timestamp_millis()))
}

/// The step actors a role works on: operators also record the applicant's
/// counter steps and outside parties' outcomes.
pub(crate) fn worklist_actors(role: Role) -> Vec<String> {
    match role {
        Role::Operator => vec!["operator".into(), "pemohon".into(), "external".into()],
        r => vec![r.as_str().into()],
    }
}

pub(crate) async fn worklist_page(
    state: &AppState,
    user: &CurrentUser,
    p: &WorklistParams,
) -> Result<WorklistView, ApiError> {
    if !user.is_staff() {
        return Err(ApiError::forbidden("worklists are for office staff"));
    }
    // An empty filter (a form's "—" choice) is no filter.
    let given =
        |o: &Option<String>| o.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let status = given(&p.status);
    if let Some(s) = &status
        && s.parse::<domain::case::Status>().is_err()
    {
        return Err(ApiError::invalid("status", format!("unknown status `{s}`")));
    }
    let most = if p.format.as_deref().is_some_and(|f| f != "json") { EXPORT_ROWS } else { 100 };
    let per_page = p.per_page.unwrap_or(25).clamp(1, most);
    let page = p.page.unwrap_or(1).max(1);
    let service = given(&p.service)
        .map(|s| s.strip_prefix(&format!("{}-", user.user.office)).unwrap_or(&s).to_string());
    let steps = match given(&p.unit) {
        Some(unit) => Some(unit_steps(state, &user.user.office, &unit).await?),
        None => None,
    };
    let q = WorklistQuery {
        office: user.user.office.clone(),
        actors: worklist_actors(user.role),
        username: user.user.username.clone(),
        service,
        status,
        channel: given(&p.channel),
        created_from: day_ms("from", &p.from, false)?,
        created_to: day_ms("to", &p.to, true)?,
        steps,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    let view = views::worklist(&state.app, &q, page).await?;
    // A worklist shows applicants' names: each read is logged, an export
    // as such.
    let purpose = if p.format.as_deref().is_some_and(|f| f != "json") { "export" } else { "worklist" };
    let whose = format!("worklist:{}", user.user.office);
    state.app.store.log_access(&user.user.username, &whose, purpose).await?;
    Ok(view)
}

/// The steps (`service/step`) a unit of the office does; an unknown unit
/// is refused with the field named.
async fn unit_steps(state: &AppState, office: &str, unit: &str) -> Result<Vec<String>, ApiError> {
    let known = state.app.store.office(office).await?.is_some_and(|o| o.units.iter().any(|u| u == unit));
    if !known {
        return Err(ApiError::invalid("unit", format!("office {office} has no unit `{unit}`")));
    }
    Ok(state
        .app
        .catalog
        .for_office_or_all(Some(office))
        .flat_map(|s| {
            s.steps
                .iter()
                .filter(|st| st.unit.as_deref() == Some(unit))
                .map(|st| format!("{}/{}", s.slug, st.id))
        })
        .collect())
}

/// The cases waiting for the caller's role in their office, by due time
#[utoipa::path(get, path = "/api/v1/worklist", params(WorklistParams), responses(
    (status = 200, description = "OK (JSON; the whole filtered list as CSV or a workbook with format=csv|xlsx)", body = WorklistView),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse),
    (status = 422, description = "a filter or the format is invalid (named)", body = ErrorResponse)))]
async fn worklist(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<WorklistParams>,
) -> Result<Response, ApiError> {
    let format = super::export::Format::parse(p.format.as_deref())?;
    if format == super::export::Format::Json {
        return Ok(Json(worklist_page(&state, &user, &p).await?).into_response());
    }
    // The whole list: one page as long as the export allows.
    let all = WorklistParams { page: Some(1), per_page: Some(EXPORT_ROWS), ..p };
    let view = worklist_page(&state, &user, &all).await?;
    let stem = format!("daftar-kerja-{}-{}", user.user.office, state.app.today(&user.user.office));
    Ok(super::export::answer(format, &view, &stem, || views::worklist_table(&view)))
}

/// The most cases a worklist export holds.
const EXPORT_ROWS: i64 = 10_000;

/// Open cases of the office by service, step and status
#[utoipa::path(get, path = "/api/v1/supervisor", responses(
    (status = 200, description = "OK", body = Vec<views::OpenCount>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not a validator, kepala dinas, admin or auditor", body = ErrorResponse)))]
async fn supervisor(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<views::OpenCount>>, ApiError> {
    user.require(&[Role::Validator, Role::KepalaDinas, Role::Admin, Role::Auditor], &user.user.office)?;
    Ok(Json(views::open_counts(&state.app, &user.user.office).await?))
}

/// A case for staff of its office. Another office's case is not found, as
/// a missing one is: its ids cannot be counted from outside.
pub(crate) async fn staff_case(state: &AppState, user: &CurrentUser, id: i64) -> Result<Case, ApiError> {
    if !user.is_staff() {
        return Err(ApiError::forbidden("cases are for office staff"));
    }
    let c = state.app.store.case(id).await?.filter(|c| c.office == user.user.office);
    c.ok_or_else(|| ApiError::not_found(format!("no case {id} in office {}", user.user.office)))
}

/// A case with its applicant (the read is logged)
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = i64, Path, description = "the case id")), responses(
    (status = 200, description = "OK", body = CaseDetail),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse),
    (status = 404, description = "no such case in the caller's office", body = ErrorResponse)))]
async fn case(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<CaseDetail>, ApiError> {
    let c = staff_case(&state, &user, id).await?;
    Ok(Json(views::detail(&state.app, &user, &c).await?))
}

/// The case's journal
#[utoipa::path(get, path = "/api/v1/cases/{id}/timeline", params(("id" = i64, Path, description = "the case id")), responses(
    (status = 200, description = "OK", body = Vec<views::TimelineEntry>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse),
    (status = 404, description = "no such case in the caller's office", body = ErrorResponse)))]
async fn timeline(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<views::TimelineEntry>>, ApiError> {
    let c = staff_case(&state, &user, id).await?;
    views::log_read(&state.app, &user, &c, "timeline").await?;
    Ok(Json(views::timeline(&state.app, &c).await?))
}

pub(crate) fn party_of(user: &CurrentUser) -> Party {
    Party::Staff { username: user.user.username.clone(), role: user.role, office: user.user.office.clone() }
}

/// advance, return, resubmit, reject, withdraw, assign or note, at an expected version; recording an outside body's step, as multipart (the JSON in part `action`) with the scan of its letter in part `file.surat_luar`
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", params(("id" = i64, Path, description = "the case id")),
    request_body = ActionInput, responses(
    (status = 200, description = "OK", body = views::CaseSummary),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not this step's actor", body = ErrorResponse),
    (status = 404, description = "no such case", body = ErrorResponse),
    (status = 409, description = "stale version: someone else changed the case", body = ErrorResponse),
    (status = 415, description = "neither JSON nor multipart", body = ErrorResponse),
    (status = 422, description = "the action is not allowed now, or a field is invalid", body = ErrorResponse)))]
async fn action(
    State(state): State<AppState>,
    user: Changing,
    Path(id): Path<i64>,
    req: Request,
) -> Result<Json<views::CaseSummary>, ApiError> {
    let c = staff_case(&state, &user, id).await?;
    let (input, uploads) = read_action::<ActionInput>(&state, req).await?;
    let updated = cases::act(&state.app, &c, &party_of(&user), &input, &uploads).await?;
    let cal = app::cases::clock::calendar(&state.app, &updated.office).await?;
    Ok(Json(views::summary(&updated, state.app.now().timestamp_millis(), &cal)))
}

/// A requirement file, for staff of the case's office: served as an
/// attachment with its sniffed type, and the read is logged.
pub(crate) async fn file_response(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    file_id: i64,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let c = staff_case(state, user, id).await?;
    let f = state
        .app
        .store
        .case_files(c.id)
        .await?
        .into_iter()
        .find(|f| f.id == file_id)
        .ok_or_else(|| ApiError::not_found("no such file in this case"))?;
    if f.purged_at.is_some() {
        return Err(ApiError::new(
            StatusCode::GONE,
            "purged",
            "this upload was deleted after the retention period for closed cases",
        ));
    }
    let files = state.app.files.clone();
    let sha = f.sha256.clone();
    let bytes = tokio::task::spawn_blocking(move || files.get(&sha))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            tracing::error!(error = %e, case = c.id, "stored file unreadable");
            ApiError::internal()
        })?;
    state
        .app
        .store
        .log_access(&user.user.username, &format!("case:{} file:{}", c.id, f.id), "requirement check")
        .await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        f.filename.replace(|ch: char| !ch.is_ascii_graphic() && ch != ' ', "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".into()),
        ],
        bytes,
    )
        .into_response())
}

/// A requirement file of the case, as an attachment (the read is logged)
#[utoipa::path(get, path = "/api/v1/cases/{id}/files/{file}",
    params(("id" = i64, Path, description = "the case id"), ("file" = i64, Path, description = "the file id")),
    responses(
    (status = 200, description = "the file", content(("application/pdf"), ("image/jpeg"), ("image/png"))),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse),
    (status = 404, description = "no such case in the caller's office, or no such file", body = ErrorResponse),
    (status = 410, description = "purged after the retention period", body = ErrorResponse)))]
async fn file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<axum::response::Response, ApiError> {
    file_response(&state, &user, id, file_id).await
}

/// The office's notification outbox
#[utoipa::path(get, path = "/api/v1/notifications", responses(
    (status = 200, description = "OK", body = Vec<store::Notification>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse)))]
async fn notifications(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<store::Notification>>, ApiError> {
    if !user.is_staff() {
        return Err(ApiError::forbidden("the outbox is for office staff"));
    }
    // Messages carry names, contacts and tracking codes: the read is logged.
    let whose = format!("notifications:{}", user.user.office);
    state.app.store.log_access(&user.user.username, &whose, "outbox").await?;
    Ok(Json(state.app.store.notifications(&user.user.office, 200).await?))
}

/// The office's dead letters: messages whose every delivery try failed, with the last error (its admin)
#[utoipa::path(get, path = "/api/v1/notifications/failed", responses(
    (status = 200, description = "OK", body = Vec<store::Notification>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not the office's admin", body = ErrorResponse)))]
async fn failed_notifications(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<store::Notification>>, ApiError> {
    let failed = app::outbox::failed(&state.app, &user).await?;
    let whose = format!("notifications:{}", user.user.office);
    state.app.store.log_access(&user.user.username, &whose, "dead letters").await?;
    Ok(Json(failed))
}

/// Offer a dead letter for delivery again (its tries start over; audited)
#[utoipa::path(post, path = "/api/v1/notifications/{id}/resend", params(("id" = i64, Path, description = "the message id")), responses(
    (status = 200, description = "OK: pending again", body = store::Notification),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not the office's admin", body = ErrorResponse),
    (status = 404, description = "no dead letter with this id in the office", body = ErrorResponse)))]
async fn resend_notification(
    State(state): State<AppState>,
    user: Changing,
    Path(id): Path<i64>,
) -> Result<Json<store::Notification>, ApiError> {
    Ok(Json(app::outbox::resend(&state.app, &user, id).await?))
}
