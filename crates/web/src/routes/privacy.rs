//! Data subject rights over HTTP (the service is `app::privacy`): a citizen,
//! with the tracking code of their application and their NIK as second
//! factor, asks who read their data; the office's PPID (or admin) lists the
//! requests and exports the access log.

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
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(request, list, export))]
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
