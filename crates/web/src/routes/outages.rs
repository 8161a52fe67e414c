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
use chrono::{DateTime, Utc};
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
    /// Since when (RFC 3339, or `YYYY-MM-DDTHH:MM` in the office's time);
    /// now when absent. At most 7 days ago.
    #[serde(default)]
    starts_at: Option<String>,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct EndBody {
    /// When it ended (as `starts_at`); now when absent.
    #[serde(default)]
    ends_at: Option<String>,
}

/// A moment an admin gives: RFC 3339, or a local `YYYY-MM-DDTHH:MM` (a
/// browser's datetime-local) in the office's time zone; blank is none.
fn moment(text: Option<&str>, office: &str, field: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    app::clock::parse_moment(text, office)
        .map(Some)
        .ok_or_else(|| ApiError::invalid(field, "give a time as 2026-12-01T09:30"))
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
    let since = moment(body.starts_at.as_deref(), &who.user.office, "starts_at")?;
    let (outage, cases) = app::outages::declare(&state.app, &who, &body.reason, since).await?;
    Ok((StatusCode::CREATED, Json(OutageChange { outage, cases })))
}

/// End an open outage: the cases it held count on with the time they had left (the office's admin)
#[utoipa::path(post, path = "/api/v1/outages/{id}/end", request_body = EndBody, params(("id" = i64, Path, description = "the outage id")), responses(
    (status = 200, description = "ended", body = OutageChange),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an admin", body = ErrorResponse),
    (status = 404, description = "no such open outage at the caller's office", body = ErrorResponse),
    (status = 422, description = "the end lies before its start or ahead", body = ErrorResponse)))]
async fn end_api(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
    Body(body): Body<EndBody>,
) -> Result<Json<OutageChange>, ApiError> {
    let at = moment(body.ends_at.as_deref(), &who.user.office, "ends_at")?;
    let (outage, cases) = app::outages::end(&state.app, &who, id, at).await?;
    Ok(Json(OutageChange { outage, cases }))
}

#[derive(Deserialize)]
struct OutageForm {
    csrf: String,
    #[serde(default)]
    reason: String,
    /// A datetime-local field: since when (declare) or until when (end).
    #[serde(default)]
    at: String,
}

/// Declare an outage (form with CSRF token on the office settings page)
#[utoipa::path(post, path = "/admin/outages", responses(HtmlPage))]
async fn declare_form(
    State(state): State<AppState>,
    who: CurrentUser,
    Form(f): Form<OutageForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    let since = moment(Some(&f.at), &who.user.office, "at")?;
    app::outages::declare(&state.app, &who, &f.reason, since).await?;
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
    let at = moment(Some(&f.at), &who.user.office, "at")?;
    app::outages::end(&state.app, &who, id, at).await?;
    Ok(Redirect::to("/admin/office#outage").into_response())
}
