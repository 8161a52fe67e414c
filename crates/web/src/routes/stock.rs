//! The blanko KTP-el stock: an office's ledger (`GET /api/v1/stock`), the
//! movements its staff record by hand (`POST /api/v1/stock/movements`:
//! receipts, cards printed, blanks spoiled), the province's view over its
//! kab/kota offices, and the page `/stok` for both.

use super::openapi::HtmlPage;
use super::portal::{NavUser, nav, render};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Body, Changing};
use crate::i18n::Lang;
use crate::state::AppState;
use app::stock::{Ledger, NewEntry, NewReport, OfficeStock};
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/stock", get(ledger))
        .route("/api/v1/stock/movements", axum::routing::post(record))
        .route("/api/v1/stock/overview", get(overview))
        .route("/api/v1/stock/reports", get(reports).post(file_report))
        .route("/stok", get(page).post(record_form))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(ledger, record, overview, reports, file_report, page, record_form))]
pub(super) struct Doc;

#[derive(Deserialize, utoipa::IntoParams)]
struct LedgerQuery {
    /// The office (its own by default).
    office: Option<String>,
    /// Movements older than this id (the previous page's `next_before`).
    before: Option<i64>,
    /// At most this many (1–200, 50 by default).
    limit: Option<i64>,
}

/// An office's blanko KTP-el balance and movements, newest first (its own staff, and its province's)
#[utoipa::path(get, path = "/api/v1/stock", params(LedgerQuery), responses(
    (status = 200, description = "OK", body = Ledger),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "neither the office's staff nor its province's", body = ErrorResponse),
    (status = 404, description = "no such office", body = ErrorResponse)))]
async fn ledger(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<LedgerQuery>,
) -> Result<Json<Ledger>, ApiError> {
    let office = q.office.unwrap_or_else(|| who.user.office.clone());
    Ok(Json(app::stock::ledger(&state.app, &who, &office, q.before, q.limit.unwrap_or(50)).await?))
}

/// Records a movement by hand: a receipt from the ministry, cards printed or blanks spoiled (the office's operator, verifikator or admin); never below zero
#[utoipa::path(post, path = "/api/v1/stock/movements", request_body = NewEntry, responses(
    (status = 201, description = "recorded", body = store::Movement),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "another office, or a role that does not keep the stock", body = ErrorResponse),
    (status = 409, description = "the balance cannot cover it (the message says the balance)", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "a field is invalid", body = ErrorResponse)))]
async fn record(
    State(state): State<AppState>,
    who: Changing,
    Body(entry): Body<NewEntry>,
) -> Result<(StatusCode, Json<store::Movement>), ApiError> {
    Ok((StatusCode::CREATED, Json(app::stock::record(&state.app, &who, &entry).await?)))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct OverviewQuery {
    /// The province (the caller's office by default).
    province: Option<String>,
}

/// The province's stock and each kab/kota office's: balance, use in the last 90 days, months left at that rate
#[utoipa::path(get, path = "/api/v1/stock/overview", params(OverviewQuery), responses(
    (status = 200, description = "OK", body = Vec<OfficeStock>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not the province's staff", body = ErrorResponse)))]
async fn overview(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<OverviewQuery>,
) -> Result<Json<Vec<OfficeStock>>, ApiError> {
    let province = q.province.unwrap_or_else(|| who.user.office.clone());
    Ok(Json(app::stock::overview(&state.app, &who, &province).await?))
}

/// An office's monthly reports and the months it still owes.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Reports {
    reports: Vec<store::StockReport>,
    missing: Vec<String>,
}

/// A kab/kota office's monthly adminduk service reports, newest first, and the months it has not reported (its staff and its province's)
#[utoipa::path(get, path = "/api/v1/stock/reports", params(LedgerQuery), responses(
    (status = 200, description = "OK", body = Reports),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "neither the office's staff nor its province's", body = ErrorResponse),
    (status = 404, description = "no such office", body = ErrorResponse)))]
async fn reports(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<LedgerQuery>,
) -> Result<Json<Reports>, ApiError> {
    let office = q.office.unwrap_or_else(|| who.user.office.clone());
    let (reports, missing) = app::stock::reports(&state.app, &who, &office).await?;
    Ok(Json(Reports { reports, missing }))
}

/// Files a month's adminduk service report (the office's keepers): its printed and spoiled blanks leave the ledger with it
#[utoipa::path(post, path = "/api/v1/stock/reports", request_body = NewReport, responses(
    (status = 201, description = "filed", body = store::StockReport),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "another office, or a role that does not keep the stock", body = ErrorResponse),
    (status = 409, description = "the month is reported already, or the ledger cannot cover it", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "a field is invalid (a month not yet ended)", body = ErrorResponse)))]
async fn file_report(
    State(state): State<AppState>,
    who: Changing,
    Body(report): Body<NewReport>,
) -> Result<(StatusCode, Json<store::StockReport>), ApiError> {
    Ok((StatusCode::CREATED, Json(app::stock::file_report(&state.app, &who, &report).await?)))
}

#[derive(Template)]
#[template(path = "stock.html")]
struct StockPage {
    lang: Lang,
    user: Option<NavUser>,
    ledger: Ledger,
    /// The province's kab/kota offices (empty for a kab/kota's staff).
    offices: Vec<OfficeStock>,
    keeps: bool,
    /// The months this office has not reported.
    missing: Vec<String>,
    csrf: String,
    error: Option<String>,
}

/// The stock page: an office's ledger, the form to record a movement, and for the province its kab/kota offices
#[utoipa::path(get, path = "/stok", params(LedgerQuery), responses(HtmlPage))]
async fn page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Query(q): Query<LedgerQuery>,
) -> Result<Response, PageError> {
    let office = q.office.unwrap_or_else(|| who.user.office.clone());
    stock_page(&state, lang, &who, &office, q.before, None, StatusCode::OK).await
}

async fn stock_page(
    state: &AppState,
    lang: Lang,
    who: &CurrentUser,
    office: &str,
    before: Option<i64>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let ledger = app::stock::ledger(&state.app, who, office, before, 50).await?;
    let province = !office.contains('.') && who.user.office == office;
    let offices = if province {
        app::stock::overview(&state.app, who, office)
            .await?
            .into_iter()
            .filter(|o| o.office != office)
            .collect()
    } else {
        Vec::new()
    };
    let keeps = app::stock::keeps(who, office);
    let missing = app::stock::missing_reports(&state.app, office).await?;
    let page = StockPage {
        lang,
        user: nav(&Some(who.clone())),
        ledger,
        offices,
        keeps,
        missing,
        csrf: who.session.csrf_token.clone(),
        error,
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize)]
struct EntryForm {
    csrf: String,
    office: String,
    kind: String,
    quantity: String,
    reason: String,
    source_document: String,
    #[serde(default)]
    serial_from: String,
    #[serde(default)]
    serial_to: String,
}

/// Records a movement from the stock page's form (CSRF); a refusal shows the page again with its reason
#[utoipa::path(post, path = "/stok", responses(HtmlPage))]
async fn record_form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Form(f): Form<EntryForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    let quantity = f.quantity.trim().parse().unwrap_or(0);
    let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let entry = NewEntry {
        office: f.office.clone(),
        kind: f.kind,
        quantity,
        reason: f.reason,
        source_document: f.source_document,
        serial_from: given(&f.serial_from),
        serial_to: given(&f.serial_to),
    };
    match app::stock::record(&state.app, &who, &entry).await.map_err(ApiError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/stok?office={}", f.office)).into_response()),
        Err(e) if e.status.is_client_error() => {
            stock_page(&state, lang, &who, &f.office, None, Some(e.body.message.clone()), e.status).await
        }
        Err(e) => Err(PageError(e)),
    }
}
