//! Appointment slots (the IKD website's video verification): an office
//! offers them (`POST /api/v1/slots`), its staff list them, and at the step
//! that books one the operator books it for a case
//! (`POST /api/v1/cases/{id}/booking`): the time and link go to the
//! applicant by WhatsApp and e-mail.

use super::cases::staff_case;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse};
use crate::extract::{Body, Changing};
use crate::state::AppState;
use app::slots::SlotInput;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/slots", get(list).post(create))
        .route("/api/v1/cases/{id}/booking", post(book))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, book))]
pub(super) struct Doc;

#[derive(Deserialize, utoipa::IntoParams)]
struct SlotQuery {
    /// The service's id (`73-aktivasi-ikd`).
    service: String,
}

/// The upcoming slots of a service of the caller's office, with their capacity and places booked
#[utoipa::path(get, path = "/api/v1/slots", params(SlotQuery), responses(
    (status = 200, description = "OK", body = Vec<store::Slot>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "another office's service", body = ErrorResponse),
    (status = 404, description = "no such service", body = ErrorResponse)))]
async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<SlotQuery>,
) -> Result<Json<Vec<store::Slot>>, ApiError> {
    Ok(Json(app::slots::upcoming(&state.app, &who, &q.service).await?))
}

/// Offers a slot: a time, its length, how many it takes and the meeting link (the office's operator, verifikator or admin)
#[utoipa::path(post, path = "/api/v1/slots", request_body = SlotInput, responses(
    (status = 201, description = "offered", body = store::Slot),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "another office, or a role that does not schedule", body = ErrorResponse),
    (status = 404, description = "no such service", body = ErrorResponse),
    (status = 409, description = "a slot at this time exists", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "a field is invalid", body = ErrorResponse)))]
async fn create(
    State(state): State<AppState>,
    who: Changing,
    Body(input): Body<SlotInput>,
) -> Result<(StatusCode, Json<store::Slot>), ApiError> {
    Ok((StatusCode::CREATED, Json(app::slots::create(&state.app, &who, &input).await?)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct BookingInput {
    slot_id: i64,
}

/// Books a slot for the case at its booking step: the applicant is sent the time and the meeting link
#[utoipa::path(post, path = "/api/v1/cases/{id}/booking", params(("id" = i64, Path, description = "the case id")), request_body = BookingInput, responses(
    (status = 201, description = "booked", body = store::Booking),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "a role that does not schedule (another office's case: 404)", body = ErrorResponse),
    (status = 404, description = "no such case", body = ErrorResponse),
    (status = 409, description = "the slot is full, or the case is booked already", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "not at the booking step, or a slot outside the case's time", body = ErrorResponse)))]
async fn book(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
    Body(input): Body<BookingInput>,
) -> Result<(StatusCode, Json<store::Booking>), ApiError> {
    let case = staff_case(&state, &who, id).await?;
    Ok((StatusCode::CREATED, Json(app::slots::book(&state.app, &who, &case, input.slot_id).await?)))
}
