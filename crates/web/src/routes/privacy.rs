//! Data subject rights over HTTP (the service is `app::privacy`): a citizen,
//! with the tracking code of their application and their NIK as second
//! factor, asks who read their data; the office's PPID (or admin) lists the
//! requests and exports the access log.

use super::cases::{by_code, verify_applicant};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::{Body, Changing, PublicRate};
use crate::state::AppState;
use app::privacy;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/track/{code}/access-log", post(request))
        .route("/api/v1/data-requests", get(list))
        .route("/api/v1/data-requests/{id}/export", post(export))
}

#[derive(Deserialize)]
struct Nik {
    nik: String,
}

/// 201: the request is recorded and the office's PPID told; the answer is
/// due within 3x24 jam.
async fn request(
    State(state): State<AppState>,
    _: PublicRate,
    Path(code): Path<String>,
    Body(body): Body<Nik>,
) -> Result<(StatusCode, Json<privacy::Receipt>), ApiError> {
    let case = by_code(&state, &code).await?;
    verify_applicant(&case, &body.nik)?;
    Ok((StatusCode::CREATED, Json(privacy::request(&state.app, &case).await?)))
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<privacy::RequestView>>, ApiError> {
    Ok(Json(privacy::list(&state.app, &user).await?))
}

async fn export(
    State(state): State<AppState>,
    user: Changing,
    Path(id): Path<i64>,
) -> Result<Json<privacy::Answer>, ApiError> {
    Ok(Json(privacy::export(&state.app, &user, id).await?))
}
