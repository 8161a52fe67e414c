//! Service reports of an office: the IKD activation report per channel,
//! kab/kota of origin and month (JSON, CSV or XLSX).

use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse};
use crate::state::AppState;
use app::reports::IkdLine;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
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
    let format = q.format.as_deref().unwrap_or("json");
    if !["json", "csv", "xlsx"].contains(&format) {
        return Err(ApiError::invalid("format", "`json`, `csv` or `xlsx`"));
    }
    let lines = app::reports::ikd(&state.app, &who, &q.from, &q.to).await?;
    if format == "json" {
        return Ok(Json(lines).into_response());
    }
    let table = app::reports::ikd_table(&lines);
    let name = format!("attachment; filename=\"aktivasi-ikd-{}-{}.{format}\"", q.from.trim(), q.to.trim());
    let (content_type, bytes) = match format {
        "csv" => ("text/csv; charset=utf-8", app::csv_table(&table).into_bytes()),
        _ => (super::institutions::XLSX, documents::xlsx::workbook(&[table])),
    };
    Ok(([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, name)], bytes)
        .into_response())
}
