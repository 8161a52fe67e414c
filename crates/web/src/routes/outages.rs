//! SIAK and network outages: an office's admin declares one and ends it
//! (JSON, and the forms on the office settings page); the office's staff
//! list them.

use super::openapi::HtmlPage;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Body, Changing};
use crate::state::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/outages", get(list).post(declare_api))
        .route("/api/v1/outages/{id}/end", post(end_api))
        .route("/admin/outages", post(declare_form))
        .route("/admin/outages/{id}/end", post(end_form))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, declare_api, end_api, declare_form, end_form))]
pub(super) struct Doc;

/// An outage and how many cases it held or released.
#[derive(Serialize, utoipa::ToSchema)]
struct OutageChange {
    outage: store::Outage,
    /// Open cases of network-dependent services whose clocks it stopped
    /// (declare) or let count on (end).
    cases: usize,
}

#[derive(Deserialize, utoipa::ToSchema)]
struct OutageBody {
    /// What is down, e.g. "SIAK pusat tidak dapat diakses".
    #[schema(max_length = 500)]
    reason: String,
}

/// The office's outages, newest first (its staff)
#[utoipa::path(get, path = "/api/v1/outages", responses(
    (status = 200, description = "OK", body = Vec<store::Outage>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse)))]
async fn list(State(state): State<AppState>, who: CurrentUser) -> Result<Json<Vec<store::Outage>>, ApiError> {
    if !who.is_staff() {
        return Err(ApiError::forbidden("outages are listed for office staff"));
    }
    Ok(Json(state.app.store.outages(&who.user.office, 100).await?))
}

/// Declare a SIAK/network outage from now: the office's network-dependent cases stop their clocks (its admin)
#[utoipa::path(post, path = "/api/v1/outages", request_body = OutageBody, responses(
    (status = 201, description = "declared", body = OutageChange),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an admin", body = ErrorResponse),
    (status = 409, description = "an outage is open already", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "no reason given", body = ErrorResponse)))]
async fn declare_api(
    State(state): State<AppState>,
    who: Changing,
    Body(body): Body<OutageBody>,
) -> Result<(StatusCode, Json<OutageChange>), ApiError> {
    let (outage, cases) = app::outages::declare(&state.app, &who, &body.reason).await?;
    Ok((StatusCode::CREATED, Json(OutageChange { outage, cases })))
}

/// End an open outage: the cases it held count on with the time they had left (the office's admin)
#[utoipa::path(post, path = "/api/v1/outages/{id}/end", params(("id" = i64, Path, description = "the outage id")), responses(
    (status = 200, description = "ended", body = OutageChange),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an admin", body = ErrorResponse),
    (status = 404, description = "no such open outage at the caller's office", body = ErrorResponse)))]
async fn end_api(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
) -> Result<Json<OutageChange>, ApiError> {
    let (outage, cases) = app::outages::end(&state.app, &who, id).await?;
    Ok(Json(OutageChange { outage, cases }))
}

#[derive(Deserialize)]
struct OutageForm {
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// Declare an outage (form with CSRF token on the office settings page)
#[utoipa::path(post, path = "/admin/outages", responses(HtmlPage))]
async fn declare_form(
    State(state): State<AppState>,
    who: CurrentUser,
    Form(f): Form<OutageForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    app::outages::declare(&state.app, &who, &f.reason).await?;
    Ok(Redirect::to("/admin/office#outage").into_response())
}

/// End an outage (form with CSRF token)
#[utoipa::path(post, path = "/admin/outages/{id}/end", params(("id" = i64, Path, description = "the outage id")), responses(HtmlPage))]
async fn end_form(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<OutageForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    app::outages::end(&state.app, &who, id).await?;
    Ok(Redirect::to("/admin/office#outage").into_response())
}
