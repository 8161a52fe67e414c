//! Service reports of an office: the IKD activation report per channel,
//! kab/kota of origin and month (JSON, CSV or XLSX).

use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse};
use crate::state::AppState;
use app::reports::IkdLine;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/reports/ikd", get(ikd))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(ikd))]
pub(super) struct Doc;

#[derive(Deserialize, utoipa::IntoParams)]
struct IkdQuery {
    /// The first month, `YYYY-MM`.
    from: String,
    /// The last month, `YYYY-MM`.
    to: String,
    /// `csv` or `xlsx` for a file; JSON otherwise.
    format: Option<String>,
}

/// IKD activations of the caller's office per channel, kab/kota of origin and month: activations, failures by reason, median minutes to activation
#[utoipa::path(get, path = "/api/v1/reports/ikd", params(IkdQuery), responses(
    (status = 200, description = "OK (JSON; a CSV or a workbook with format=csv|xlsx)", body = Vec<IkdLine>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse),
    (status = 422, description = "a month is not YYYY-MM, or an unknown format", body = ErrorResponse)))]
async fn ikd(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<IkdQuery>,
) -> Result<Response, ApiError> {
    let format = super::export::Format::parse(q.format.as_deref())?;
    let lines = app::reports::ikd(&state.app, &who, &q.from, &q.to).await?;
    let stem = format!("aktivasi-ikd-{}-{}", q.from.trim(), q.to.trim());
    Ok(super::export::answer(format, &lines, &stem, || app::reports::ikd_table(&lines)))
}
