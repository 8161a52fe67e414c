//! The case API of the contract: applications, tracking, worklists, the
//! case, its timeline and its actions, and the notification outbox.

use super::multipart;
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::ApiError;
use crate::extract::{Body, Changing};
use crate::state::AppState;
use app::cases::engine::ActionInput;
use app::cases::views::{self, CaseDetail, TrackView, WorklistView};
use app::cases::{self, Submission, Upload};
use axum::extract::{ConnectInfo, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::case::Party;
use domain::{Nik, Role};
use serde::Deserialize;
use serde_json::{Value, json};
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
}

fn time(ms: Option<i64>, case: &Case) -> Option<String> {
    app::clock::rfc3339(ms, app::clock::office_zone(&case.office))
}

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

/// 201 with the receipt: id, tracking code, status, due time.
async fn apply(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    req: Request,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    crate::auth::public_rate(&state, req.headers(), addr)?;
    if let Some(u) = &user {
        u.check_csrf_header(req.headers())?;
    }
    let (sub, uploads) = read_application(&state, req).await?;
    let c = cases::submit(&state.app, &sub, &uploads, user.as_ref().map(|u| &u.principal)).await?;
    let receipt = json!({
        "id": c.id,
        "tracking_code": c.tracking_code,
        "status": c.status,
        "due_at": time(c.due_at, &c),
        "step_due_at": time(c.step_due_at, &c),
    });
    Ok((StatusCode::CREATED, Json(receipt)))
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

/// Public tracking: status and steps, no personal data but a masked name.
/// Rate-limited: tracking codes are short, so guessing them must be slow.
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApplicantAction {
    pub action: String,
    /// The second factor: the applicant's NIK.
    pub nik: String,
    pub expected_version: i64,
    #[serde(default)]
    pub note: Option<String>,
}

/// The applicant resubmits (with new files, as multipart) or withdraws,
/// with tracking code and NIK.
async fn track_action(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    req: Request,
) -> Result<Json<TrackView>, ApiError> {
    crate::auth::public_rate(&state, req.headers(), addr)?;
    let (body, uploads): (ApplicantAction, Vec<Upload>) = if is_multipart(req.headers()) {
        let m = Multipart::from_request(req, &state)
            .await
            .map_err(|e| ApiError::invalid("body", e.body_text()))?;
        let parts = multipart::read(m, state.app.config.max_upload_bytes).await?;
        let json = parts
            .text
            .get("action")
            .ok_or_else(|| ApiError::invalid("action", "the JSON part `action` is missing"))?;
        (serde_json::from_str(json).map_err(|e| ApiError::invalid("action", e.to_string()))?, parts.files)
    } else {
        let Json(b) =
            Json::<ApplicantAction>::from_request(req, &state).await.map_err(crate::extract::json_error)?;
        (b, Vec::new())
    };
    let updated = applicant_act(&state, &code, body, &uploads).await?;
    Ok(Json(app::cases::views::track(&state.app, &updated).await?))
}

/// An applicant's action after checking the second factor.
pub(crate) async fn applicant_act(
    state: &AppState,
    code: &str,
    body: ApplicantAction,
    uploads: &[Upload],
) -> Result<Case, ApiError> {
    if !matches!(body.action.as_str(), "resubmit" | "withdraw") {
        return Err(ApiError::invalid("action", "an applicant may `resubmit` or `withdraw`"));
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

#[derive(Deserialize)]
pub(crate) struct WorklistParams {
    pub service: Option<String>,
    pub status: Option<String>,
    pub channel: Option<String>,
    /// `YYYY-MM-DD`, creation date from (inclusive).
    pub from: Option<String>,
    /// `YYYY-MM-DD`, creation date to (inclusive).
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
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
    let per_page = p.per_page.unwrap_or(25).clamp(1, 100);
    let page = p.page.unwrap_or(1).max(1);
    let service = given(&p.service)
        .map(|s| s.strip_prefix(&format!("{}-", user.user.office)).unwrap_or(&s).to_string());
    let q = WorklistQuery {
        office: user.user.office.clone(),
        actors: worklist_actors(user.role),
        username: user.user.username.clone(),
        service,
        status,
        channel: given(&p.channel),
        created_from: day_ms("from", &p.from, false)?,
        created_to: day_ms("to", &p.to, true)?,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    Ok(views::worklist(&state.app, &q, page).await?)
}

async fn worklist(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<WorklistParams>,
) -> Result<Json<WorklistView>, ApiError> {
    Ok(Json(worklist_page(&state, &user, &p).await?))
}

/// All open cases of the office by service, step and status.
async fn supervisor(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>, ApiError> {
    user.require(&[Role::Validator, Role::KepalaDinas, Role::Admin, Role::Auditor], &user.user.office)?;
    let rows = state.app.store.open_case_counts(&user.user.office).await?;
    let rows: Vec<Value> =
        rows.into_iter().map(|(service, step, status, n)| json!({"service": service, "step": step, "status": status, "count": n})).collect();
    Ok(Json(json!(rows)))
}

/// A case for staff of its office; reading it is logged.
pub(crate) async fn staff_case(state: &AppState, user: &CurrentUser, id: i64) -> Result<Case, ApiError> {
    let c = state.app.store.case(id).await?.ok_or_else(|| ApiError::not_found(format!("no case {id}")))?;
    if !user.is_staff() || user.user.office != c.office {
        return Err(ApiError::forbidden("this case belongs to another office"));
    }
    Ok(c)
}

async fn case(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<CaseDetail>, ApiError> {
    let c = staff_case(&state, &user, id).await?;
    Ok(Json(views::detail(&state.app, &user.user.username, &c).await?))
}

async fn timeline(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let c = staff_case(&state, &user, id).await?;
    let rows: Vec<Value> = state
        .app
        .store
        .journal(c.id)
        .await?
        .into_iter()
        .map(|j| {
            let mut v = json!(j);
            v["at"] = json!(time(Some(j.at), &c));
            v["data"] = j.data.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or(Value::Null);
            v
        })
        .collect();
    Ok(Json(json!(rows)))
}

pub(crate) fn party_of(user: &CurrentUser) -> Party {
    Party::Staff { username: user.user.username.clone(), role: user.role, office: user.user.office.clone() }
}

async fn action(
    State(state): State<AppState>,
    user: Changing,
    Path(id): Path<i64>,
    Body(input): Body<ActionInput>,
) -> Result<Json<views::CaseSummary>, ApiError> {
    let c = staff_case(&state, &user, id).await?;
    let updated = cases::act(&state.app, &c, &party_of(&user), &input, &[]).await?;
    Ok(Json(views::summary(&updated, state.app.now().timestamp_millis())))
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

async fn file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<axum::response::Response, ApiError> {
    file_response(&state, &user, id, file_id).await
}

async fn notifications(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>, ApiError> {
    if !user.is_staff() {
        return Err(ApiError::forbidden("the outbox is for office staff"));
    }
    Ok(Json(json!(state.app.store.notifications(&user.user.office, 200).await?)))
}
