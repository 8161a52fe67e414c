//! Data subject rights over HTTP (the service is `app::privacy`): a citizen,
//! with the tracking code of their application and their NIK as second
//! factor, asks who read their data; the office's PPID (or admin) lists the
//! requests and exports the access log. A person lists their own
//! applications with their NIK and a one-time code sent to a contact they
//! gave, never by NIK alone.

use super::cases::{NikBody, by_code, verify_applicant};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse};
use crate::extract::{Body, Changing, PublicRate};
use crate::state::AppState;
use app::privacy;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/track/{code}/access-log", post(request))
        .route("/api/v1/data-requests", get(list))
        .route("/api/v1/data-requests/{id}/export", post(export))
        .route("/api/v1/my-applications/code", post(send_code))
        .route("/api/v1/my-applications", post(own_applications))
        .route("/api/v1/my-applications/access-log", post(own_access_log))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(request, list, export, send_code, own_applications, own_access_log))]
pub(super) struct Doc;

/// A citizen asks who read their personal data (UU 27/2022); answered within 3x24 jam
///
/// 201: the request is recorded and the office's PPID told.
#[utoipa::path(post, path = "/api/v1/track/{code}/access-log", request_body = NikBody, responses(
    (status = 201, description = "Created", body = privacy::Receipt),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 403, description = "the NIK does not match", body = ErrorResponse),
    (status = 404, description = "no such tracking code", body = ErrorResponse),
    (status = 422, description = "no NIK given", body = ErrorResponse),
    (status = 429, description = "too many attempts from this address", body = ErrorResponse)))]
async fn request(
    State(state): State<AppState>,
    _: PublicRate,
    Path(code): Path<String>,
    Body(body): Body<NikBody>,
) -> Result<(StatusCode, Json<privacy::Receipt>), ApiError> {
    let case = by_code(&state, &code).await?;
    verify_applicant(&case, &body.nik)?;
    Ok((StatusCode::CREATED, Json(privacy::request(&state.app, &case).await?)))
}

/// The office's data subject requests with their clocks (PPID, admin, auditor)
#[utoipa::path(get, path = "/api/v1/data-requests", responses(
    (status = 200, description = "OK", body = Vec<privacy::RequestView>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not the PPID, admin or auditor", body = ErrorResponse)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<privacy::RequestView>>, ApiError> {
    Ok(Json(privacy::list(&state.app, &user).await?))
}

/// The access log for a request; marks it answered (PPID, admin)
#[utoipa::path(post, path = "/api/v1/data-requests/{id}/export", params(("id" = i64, Path, description = "the request id")), responses(
    (status = 200, description = "OK", body = privacy::Answer),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not the PPID or admin", body = ErrorResponse),
    (status = 404, description = "no such request", body = ErrorResponse)))]
async fn export(
    State(state): State<AppState>,
    user: Changing,
    Path(id): Path<i64>,
) -> Result<Json<privacy::Answer>, ApiError> {
    Ok(Json(privacy::export(&state.app, &user, id).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CodeRequest {
    nik: String,
    /// The e-mail or phone number given when applying.
    contact: String,
}

/// The same answer whether or not the NIK and contact are known.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct CodeSent {
    /// A code was sent if the contact is one given with this NIK.
    sent: bool,
    expires_in_minutes: u32,
}

/// Ask for a one-time code to list one's applications; it goes to the contact given when applying (outbox)
#[utoipa::path(post, path = "/api/v1/my-applications/code", request_body = CodeRequest, responses(
    (status = 202, description = "a code is sent if the contact is one given with this NIK", body = CodeSent),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse),
    (status = 429, description = "too many requests from this address", body = ErrorResponse)))]
async fn send_code(
    State(state): State<AppState>,
    _rate: PublicRate,
    Body(body): Body<CodeRequest>,
) -> Result<(StatusCode, Json<CodeSent>), ApiError> {
    privacy::send_access_code(&state.app, &body.nik, &body.contact).await?;
    Ok((StatusCode::ACCEPTED, Json(CodeSent { sent: true, expires_in_minutes: 15 })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CodeAnswer {
    nik: String,
    /// The 6-digit code received.
    code: String,
}

/// List one's own applications with the NIK and the one-time code
#[utoipa::path(post, path = "/api/v1/my-applications", request_body = CodeAnswer, responses(
    (status = 200, description = "OK", body = Vec<privacy::OwnApplication>),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 403, description = "the code is wrong, used or expired", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse),
    (status = 429, description = "too many attempts from this address", body = ErrorResponse)))]
async fn own_applications(
    State(state): State<AppState>,
    _rate: PublicRate,
    Body(body): Body<CodeAnswer>,
) -> Result<Json<Vec<privacy::OwnApplication>>, ApiError> {
    Ok(Json(privacy::own_applications(&state.app, &body.nik, &body.code).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AccessLogAsk {
    nik: String,
    /// The 6-digit code received (used up by this request).
    code: String,
    /// The application whose access log is wanted.
    tracking_code: String,
}

/// Who read one's data: the access log of one's own application, with the NIK and a one-time code sent to a contact given on it
#[utoipa::path(post, path = "/api/v1/my-applications/access-log", request_body = AccessLogAsk, responses(
    (status = 200, description = "OK: every read of the application's personal data (who, when, why)", body = Vec<privacy::AccessEntry>),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 403, description = "the code is wrong, used or expired", body = ErrorResponse),
    (status = 422, description = "a field is invalid, or the application is not one of this person's (named)", body = ErrorResponse),
    (status = 429, description = "too many attempts from this address", body = ErrorResponse)))]
async fn own_access_log(
    State(state): State<AppState>,
    _rate: PublicRate,
    Body(body): Body<AccessLogAsk>,
) -> Result<Json<Vec<privacy::AccessEntry>>, ApiError> {
    Ok(Json(privacy::own_access_log(&state.app, &body.nik, &body.code, &body.tracking_code).await?))
}
