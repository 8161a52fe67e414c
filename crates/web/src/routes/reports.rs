//! Service reports of an office: the IKD activation report per channel,
//! kab/kota of origin and month, and the legalisation register (JSON, CSV
//! or XLSX; the register also as the page `/legalisasi`).

use super::openapi::HtmlPage;
use super::portal::{NavUser, nav, render};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::error::{ApiError, ErrorResponse};
use crate::i18n::Lang;
use crate::state::AppState;
use app::reports::{IkdLine, KioskLine, Legalisation};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/reports/ikd", get(ikd))
        .route("/api/v1/legalisations", get(legalisations))
        .route("/api/v1/reports/kiosks", get(kiosks))
        .route("/legalisasi", get(legalisations_page))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(ikd, legalisations, legalisations_page, kiosks))]
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

#[derive(Deserialize, utoipa::IntoParams)]
struct RegisterQuery {
    /// The first month, `YYYY-MM` (default: this month).
    from: Option<String>,
    /// The last month, `YYYY-MM` (default: the first).
    to: Option<String>,
    /// `csv` or `xlsx` for a file; JSON otherwise.
    format: Option<String>,
}

impl RegisterQuery {
    /// The months asked for, this month by default.
    fn months(&self, state: &AppState, office: &str) -> (String, String) {
        let zone = app::clock::office_zone(office);
        let this = state.app.now().with_timezone(&zone.offset()).format("%Y-%m").to_string();
        let from = self.from.clone().filter(|f| !f.trim().is_empty()).unwrap_or(this);
        let to = self.to.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| from.clone());
        (from, to)
    }
}

/// The legalisation register of the caller's office: every legalised sheet's stamp page by its number, with its request, for the months asked
#[utoipa::path(get, path = "/api/v1/legalisations", params(RegisterQuery), responses(
    (status = 200, description = "OK (JSON; a CSV or a workbook with format=csv|xlsx)", body = Vec<Legalisation>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse),
    (status = 422, description = "a month is not YYYY-MM, or an unknown format", body = ErrorResponse)))]
async fn legalisations(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, ApiError> {
    let format = super::export::Format::parse(q.format.as_deref())?;
    let (from, to) = q.months(&state, &who.user.office);
    let rows = app::reports::legalisations(&state.app, &who, &from, &to).await?;
    let stem = format!("register-legalisir-{from}-{to}");
    Ok(super::export::answer(format, &rows, &stem, || app::reports::legalisations_table(&rows)))
}

#[derive(Template)]
#[template(path = "legalisations.html")]
struct LegalisationsPage {
    lang: Lang,
    user: Option<NavUser>,
    from: String,
    to: String,
    rows: Vec<Legalisation>,
}

/// The legalisation register page of the office's staff, with its CSV and XLSX links
#[utoipa::path(get, path = "/legalisasi", params(RegisterQuery), responses(HtmlPage))]
async fn legalisations_page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let (from, to) = q.months(&state, &who.user.office);
    let rows = app::reports::legalisations(&state.app, &who, &from, &to).await?;
    let page = LegalisationsPage { lang, user: nav(&Some(who.clone())), from, to, rows };
    Ok(render(&page)?.into_response())
}

/// The applications the office's village kiosks registered, per village and service, for the months asked
#[utoipa::path(get, path = "/api/v1/reports/kiosks", params(RegisterQuery), responses(
    (status = 200, description = "OK (JSON; a CSV or a workbook with format=csv|xlsx)", body = Vec<KioskLine>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse),
    (status = 422, description = "a month is not YYYY-MM, or an unknown format", body = ErrorResponse)))]
async fn kiosks(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, ApiError> {
    let format = super::export::Format::parse(q.format.as_deref())?;
    let (from, to) = q.months(&state, &who.user.office);
    let lines = app::reports::kiosks(&state.app, &who, &from, &to).await?;
    let stem = format!("kios-desa-{from}-{to}");
    Ok(super::export::answer(format, &lines, &stem, || app::reports::kiosks_table(&lines)))
}
