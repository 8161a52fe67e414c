//! Group cases over HTTP: the participants of a group request (IKD jemput
//! bola), entered as JSON or as a CSV file, and their progress.

use super::cases::staff_case;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse};
use crate::extract::Changing;
use crate::state::AppState;
use app::cases::group::{self, Participant};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/cases/{id}/participants", get(list).post(add))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, add))]
pub(super) struct Doc;

/// A participant's case, as the parent shows it.
#[derive(Serialize, utoipa::ToSchema)]
struct ChildCase {
    id: i64,
    tracking_code: String,
    /// Initials only.
    name: String,
    status: domain::Status,
    current_step: Option<String>,
}

/// The participants of a group request with their progress (staff of its office)
#[utoipa::path(get, path = "/api/v1/cases/{id}/participants", params(("id" = i64, Path, description = "the parent case id")), responses(
    (status = 200, description = "OK", body = Vec<ChildCase>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse),
    (status = 404, description = "no such case in the caller's office", body = ErrorResponse)))]
async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ChildCase>>, ApiError> {
    let parent = staff_case(&state, &who, id).await?;
    let children = state.app.store.child_cases(parent.id).await?;
    Ok(Json(children.into_iter().map(child).collect()))
}

fn child(c: store::Case) -> ChildCase {
    ChildCase {
        id: c.id,
        name: app::cases::engine::masked_name(&c.applicant_name),
        tracking_code: c.tracking_code,
        status: c.status,
        current_step: c.current_step,
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Participants {
    participants: Vec<Participant>,
}

/// Enter the participants of a group request at the step that takes them: JSON `{participants: [...]}` or a `text/csv` body (`name,nik[,phone[,email]]` per line); each gets a case and a receipt
#[utoipa::path(post, path = "/api/v1/cases/{id}/participants", params(("id" = i64, Path, description = "the parent case id")),
    request_body(content((Participants = "application/json"), (String = "text/csv"))), responses(
    (status = 201, description = "the participants' cases", body = Vec<ChildCase>),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an operator of the case's office", body = ErrorResponse),
    (status = 404, description = "no such case", body = ErrorResponse),
    (status = 415, description = "neither JSON nor CSV", body = ErrorResponse),
    (status = 422, description = "a participant is invalid (named), or the case is not at that step", body = ErrorResponse)))]
async fn add(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Vec<ChildCase>>), ApiError> {
    let parent = staff_case(&state, &who, id).await?;
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let list = if kind.starts_with("text/csv") {
        let text = std::str::from_utf8(&body)
            .map_err(|_| ApiError::invalid("participants", "the CSV is not UTF-8"))?;
        group::parse_csv(text)?
    } else if kind.starts_with("application/json") {
        let p: Participants =
            serde_json::from_slice(&body).map_err(|e| ApiError::invalid("participants", e.to_string()))?;
        p.participants
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported",
            "send JSON or text/csv",
        ));
    };
    let children = group::add_participants(&state.app, &who, &parent, &list).await?;
    Ok((StatusCode::CREATED, Json(children.into_iter().map(child).collect())))
}
