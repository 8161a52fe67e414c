//! The register index (Jepara's *pencarian register akta*): search by name
//! or number (`GET /api/v1/register`), one entry (`GET
//! /api/v1/register/{id}`), the office admin's CSV import (`POST
//! /api/v1/register/import`, read a chunk at a time, with the large-body
//! limit of the NIK batch), and the page `/register` for both.

use super::openapi::HtmlPage;
use super::portal::{NavUser, nav, render};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::Changing;
use crate::i18n::Lang;
use crate::state::AppState;
use app::register::{Hit, Import, ImportReport, SearchQuery, SearchResult};
use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::{Stream, StreamExt};

/// The routes held to the ordinary body limit.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/register", get(search))
        .route("/api/v1/register/{id}", get(entry))
        .route("/register", get(page))
}

/// The import routes: a register file may hold a million rows (about 150 MB).
pub(super) fn import_routes() -> Router<AppState> {
    Router::new().route("/api/v1/register/import", post(import)).route("/register/import", post(import_form))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(search, entry, import, page, import_form))]
pub(super) struct Doc;

/// Searches the caller's office's register index by name (exact and spelling variants) or akta number, best first; the search is logged as a read of personal data
#[utoipa::path(get, path = "/api/v1/register", params(SearchQuery), responses(
    (status = 200, description = "OK", body = SearchResult),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "a role that does not search the register", body = ErrorResponse),
    (status = 422, description = "no name or number, or a field is invalid", body = ErrorResponse)))]
async fn search(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<SearchQuery>,
) -> Result<Json<SearchResult>, ApiError> {
    Ok(Json(app::register::search(&state.app, &who, &q).await?))
}

/// One entry of the caller's office's register index
#[utoipa::path(get, path = "/api/v1/register/{id}", responses(
    (status = 200, description = "OK", body = store::RegisterEntry),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "a role that does not search the register", body = ErrorResponse),
    (status = 404, description = "no such entry in this office", body = ErrorResponse)))]
async fn entry(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<store::RegisterEntry>, ApiError> {
    Ok(Json(app::register::entry(&state.app, &who, id).await?))
}

/// Imports a CSV of register entries into the caller's office's index (its admin): header `jenis_akta,nomor_akta,tahun,nama,nama_ayah,nama_ibu,tempat_peristiwa,tanggal_peristiwa,buku,halaman` (or those columns in that order without one); entries already there are skipped, each bad row reported with its column
#[utoipa::path(post, path = "/api/v1/register/import", request_body(content = String, content_type = "text/csv"), responses(
    (status = 200, description = "imported; `errors` lists the first 1,000 bad rows", body = ImportReport),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not the office's admin", body = ErrorResponse),
    (status = 413, description = "larger than 256 MB", body = ErrorResponse)))]
async fn import(
    State(state): State<AppState>,
    who: Changing,
    body: Body,
) -> Result<Json<ImportReport>, ApiError> {
    let import = Import::by(&state.app, &who, &who.user.office).await?;
    Ok(Json(read_lines(&state, import, body.into_data_stream()).await?))
}

/// Feeds a byte stream to the import a line at a time.
async fn read_lines<E: std::fmt::Display>(
    state: &AppState,
    mut import: Import,
    mut input: impl Stream<Item = Result<Bytes, E>> + Unpin,
) -> Result<ImportReport, ApiError> {
    let mut rest: Vec<u8> = Vec::new();
    while let Some(chunk) = input.next().await {
        rest.extend_from_slice(
            &chunk.map_err(|e| ApiError::invalid("body", format!("unreadable body: {e}")))?,
        );
        let mut start = 0;
        while let Some(end) = rest[start..].iter().position(|b| *b == b'\n') {
            import.line(&state.app, &String::from_utf8_lossy(&rest[start..start + end])).await?;
            start += end + 1;
        }
        rest.drain(..start);
    }
    import.line(&state.app, &String::from_utf8_lossy(&rest)).await?;
    let report = import.finish(&state.app).await?;
    tracing::info!(
        rows = report.rows,
        imported = report.imported,
        invalid = report.invalid,
        "register imported"
    );
    Ok(report)
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    lang: Lang,
    user: Option<NavUser>,
    name: String,
    number: String,
    akta_type: String,
    year: String,
    parent: String,
    kinds: &'static [&'static str],
    /// `None` before a search.
    hits: Option<Vec<Hit>>,
    indexed: Option<i64>,
    imports: bool,
    report: Option<ImportReport>,
    csrf: String,
    error: Option<String>,
}

impl RegisterPage {
    fn new(lang: Lang, who: &CurrentUser) -> RegisterPage {
        RegisterPage {
            lang,
            user: nav(&Some(who.clone())),
            name: String::new(),
            number: String::new(),
            akta_type: String::new(),
            year: String::new(),
            parent: String::new(),
            kinds: domain::register::AKTA_TYPES,
            hits: None,
            indexed: None,
            imports: who.role == domain::Role::Admin,
            report: None,
            csrf: who.session.csrf_token.clone(),
            error: None,
        }
    }
}

/// The form as the page's query string gives it (text, so a bad year is shown, not refused).
#[derive(serde::Deserialize, utoipa::IntoParams)]
struct PageQuery {
    name: Option<String>,
    number: Option<String>,
    akta_type: Option<String>,
    year: Option<String>,
    parent: Option<String>,
}

/// The register search page of the office's staff (and the admin's import form)
#[utoipa::path(get, path = "/register", params(PageQuery), responses(HtmlPage))]
async fn page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let mut p = RegisterPage::new(lang, &who);
    let text = |v: Option<String>| v.unwrap_or_default().trim().to_string();
    (p.name, p.number, p.akta_type, p.year, p.parent) =
        (text(q.name), text(q.number), text(q.akta_type), text(q.year), text(q.parent));
    if !(p.name.is_empty() && p.number.is_empty()) {
        let some = |v: &String| Some(v.clone()).filter(|v| !v.is_empty());
        let query = SearchQuery {
            name: some(&p.name),
            number: some(&p.number),
            akta_type: some(&p.akta_type),
            year: p.year.parse().ok(),
            parent: some(&p.parent),
            limit: Some(50),
        };
        match app::register::search(&state.app, &who, &query).await {
            Ok(r) => (p.hits, p.indexed) = (Some(r.hits), Some(r.indexed)),
            Err(app::Error::Invalid { field, message }) => {
                p.error = Some(format!("{}: {message}", field.unwrap_or_default()))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(render(&p)?.into_response())
}

/// Imports the CSV file chosen on the register page (the office's admin; CSRF in the form), then shows the report
#[utoipa::path(post, path = "/register/import", responses(HtmlPage))]
async fn import_form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    req: Request,
) -> Result<Response, PageError> {
    // Who may import is checked before the body is read.
    let mut import = Some(Import::by(&state.app, &who, &who.user.office).await?);
    let mut form =
        Multipart::from_request(req, &state).await.map_err(|e| ApiError::invalid("body", e.body_text()))?;
    let mut page = RegisterPage::new(lang, &who);
    let mut csrf_ok = false;
    while let Some(field) = form.next_field().await.map_err(|e| ApiError::invalid("body", e.body_text()))? {
        match field.name() {
            Some("csrf") => {
                let token = field.text().await.map_err(|e| ApiError::invalid("body", e.body_text()))?;
                csrf_ok = who.check_csrf(Some(&token)).is_ok();
            }
            Some("file") if csrf_ok && import.is_some() => {
                let import = import.take().expect("checked above");
                let chunks = futures_util::stream::unfold(field, |mut f| async move {
                    f.chunk().await.transpose().map(|c| (c, f))
                });
                page.report = Some(read_lines(&state, import, Box::pin(chunks)).await?);
            }
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(ApiError::forbidden("the form's CSRF token is missing or wrong; reload the page").into());
    }
    if page.report.is_none() {
        page.error = Some(format!("file: {}", lang.t("register_no_file")));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    Ok(render(&page)?.into_response())
}
