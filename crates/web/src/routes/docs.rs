//! Documents over HTTP: a case's documents and their PDFs for staff of its
//! office, revocation by the office's officials, and public verification by
//! code (rate-limited; codes are random, so the page cannot be enumerated).

use super::cases::{NikBody, staff_case};
use super::openapi::HtmlPage;
use super::portal::{Fact, NavUser, nav, render};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Body, Changing, PublicRate};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::Role;
use serde::Deserialize;
use std::net::SocketAddr;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cases/{id}/documents", get(case_documents))
        .route("/api/v1/agenda", get(agenda))
        .route("/api/v1/documents/{code}/pdf", get(pdf))
        .route("/api/v1/documents/{code}/verify", get(verify_json))
        .route("/api/v1/documents/{code}/revoke", post(revoke))
        .route("/verify/{code}", get(verify_page))
        .route("/api/v1/keys", get(keys))
        .route("/api/v1/track/{tracking}/documents/{code}", post(applicant_pdf))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(case_documents, agenda, pdf, verify_json, revoke, verify_page, applicant_pdf, keys))]
pub(super) struct Doc;

/// Documents issued for a case
#[utoipa::path(get, path = "/api/v1/cases/{id}/documents", params(("id" = i64, Path, description = "the case id")), responses(
    (status = 200, description = "OK", body = Vec<app::documents::DocumentItem>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse),
    (status = 404, description = "no such case in the caller's office", body = ErrorResponse)))]
async fn case_documents(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<app::documents::DocumentItem>>, ApiError> {
    let c = staff_case(&state, &user, id).await?;
    Ok(Json(app::documents::of_case(&state.app, &c).await?))
}

/// The office's agenda of incoming letters, newest first (its staff)
#[utoipa::path(get, path = "/api/v1/agenda", responses(
    (status = 200, description = "OK", body = Vec<app::documents::AgendaEntry>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse)))]
async fn agenda(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<app::documents::AgendaEntry>>, ApiError> {
    if !user.is_staff() {
        return Err(ApiError::forbidden("the agenda is for office staff"));
    }
    Ok(Json(app::documents::agenda(&state.app, &user.user.office).await?))
}

/// The sealed PDF (staff of the issuing office)
#[utoipa::path(get, path = "/api/v1/documents/{code}/pdf", responses(
    (status = 200, description = "PDF", content_type = "application/pdf", body = Vec<u8>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "another office's document", body = ErrorResponse),
    (status = 404, description = "no such document", body = ErrorResponse)))]
async fn pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    pdf_response(&state, &user, &code).await
}

/// The sealed PDF, for staff of the issuing office.
pub(super) async fn pdf_response(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
) -> Result<Response, ApiError> {
    let d = state.app.store.document(code).await?.ok_or_else(|| ApiError::not_found("no such document"))?;
    if !user.is_staff() || user.user.office != d.office {
        return Err(ApiError::forbidden("this document belongs to another office"));
    }
    // An issued letter names its holder: each staff download is logged.
    let whose = match d.case_id {
        Some(case) => format!("case:{case} document:{}", d.code),
        None => format!("document:{}", d.code),
    };
    state.app.store.log_access(&user.user.username, &whose, "document download").await?;
    pdf_bytes(state, &d).await
}

/// A document's stored file, as an attachment (produced now if the
/// producer has not got to it yet).
pub(super) async fn pdf_bytes(state: &AppState, d: &store::Document) -> Result<Response, ApiError> {
    let produced;
    let d = match d.produced_at {
        Some(_) => d,
        None => {
            produced = app::documents::produced(&state.app, &d.code)
                .await?
                .ok_or_else(|| ApiError::not_found("no such document"))?;
            &produced
        }
    };
    let files = state.app.files.clone();
    let sha = d.pdf_sha256.clone();
    let bytes = tokio::task::spawn_blocking(move || files.get(&sha))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            tracing::error!(error = %e, code = %d.code, "stored document unreadable");
            ApiError::internal()
        })?;
    let name = format!("{}-{}.pdf", d.doc_type, d.code);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".into()),
        ],
        bytes,
    )
        .into_response())
}

/// Public verification: valid, revoked or unknown, with the signed fields (rate-limited)
#[utoipa::path(get, path = "/api/v1/documents/{code}/verify", responses(
    (status = 200, description = "OK", body = app::documents::Verification),
    (status = 429, description = "too many lookups from this address", body = ErrorResponse)))]
async fn verify_json(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<app::documents::Verification>, ApiError> {
    crate::auth::public_rate(&state, &headers, addr)?;
    Ok(Json(app::documents::verify(&state.app, &code).await?))
}

/// Every office's public signing keys, retired ones included (public; cached an hour)
#[utoipa::path(get, path = "/api/v1/keys", responses(
    (status = 200, description = "OK", body = Vec<app::documents::PublishedKey>)))]
async fn keys(State(state): State<AppState>) -> Result<Response, ApiError> {
    let keys = app::documents::published_keys(&state.app).await?;
    // Cached, so a phone that opened a verify page once checks signatures
    // without the network.
    Ok(([(header::CACHE_CONTROL, "public, max-age=3600")], Json(keys)).into_response())
}

#[derive(Template)]
#[template(path = "verify.html")]
pub(super) struct VerifyPage {
    pub lang: Lang,
    pub user: Option<NavUser>,
    pub status: String,
    pub status_label: &'static str,
    pub fields: Vec<Fact>,
    /// The database's number for the code, which the QR's signed number
    /// must equal (empty when the code is unknown; see `signed_payload.html`).
    pub numbers: String,
}

/// Public verification page of a document
#[utoipa::path(get, path = "/verify/{code}", responses(HtmlPage))]
async fn verify_page(
    State(state): State<AppState>,
    lang: Lang,
    MaybeUser(u): MaybeUser,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    crate::auth::public_rate(&state, &headers, addr)?;
    let v = app::documents::verify(&state.app, &code).await?;
    let status = v.status.to_string();
    let numbers = v.number.clone().unwrap_or_default();
    let fields = [
        ("doc_number", v.number),
        ("doc_type", v.doc_type),
        ("doc_office", v.office),
        ("doc_holder", v.holder),
        ("doc_issued", v.issued_at),
        ("doc_revoked_at", v.revoked_at.flatten()),
        ("doc_reason", v.revoke_reason.flatten()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|value| Fact { label: lang.t(k).to_string(), value }))
    .collect();
    render(&VerifyPage {
        lang,
        user: nav(&u),
        status_label: lang.t(&format!("doc_{status}")),
        status,
        fields,
        numbers,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RevokeBody {
    /// Why, in at most 1000 characters.
    reason: String,
}

/// Revoke a document with a reason (kepala dinas, validator or admin of the office)
#[utoipa::path(post, path = "/api/v1/documents/{code}/revoke", request_body = RevokeBody, responses(
    (status = 200, description = "OK", body = app::documents::Verification),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not allowed to revoke this document", body = ErrorResponse),
    (status = 404, description = "no such document", body = ErrorResponse),
    (status = 409, description = "already revoked", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "no reason given", body = ErrorResponse)))]
async fn revoke(
    State(state): State<AppState>,
    user: Changing,
    Path(code): Path<String>,
    Body(body): Body<RevokeBody>,
) -> Result<Json<app::documents::Verification>, ApiError> {
    revoke_document(&state, &user, &code, &body.reason).await?;
    Ok(Json(app::documents::verify(&state.app, &code).await?))
}

/// Revokes a document of the user's office, with its reason.
pub(super) async fn revoke_document(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    reason: &str,
) -> Result<(), ApiError> {
    let d = state.app.store.document(code).await?.ok_or_else(|| ApiError::not_found("no such document"))?;
    user.require(&[Role::KepalaDinas, Role::Validator, Role::Admin], &d.office)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(ApiError::invalid("reason", "say why the document is revoked (at most 1000 characters)"));
    }
    state.app.store.revoke_document(code, &user.user.username, reason).await?;
    Ok(())
}

/// The applicant's own copy of a document (tracking code + NIK in the body)
///
/// The read is logged.
#[utoipa::path(post, path = "/api/v1/track/{tracking}/documents/{code}", request_body = NikBody, responses(
    (status = 200, description = "PDF", content_type = "application/pdf", body = Vec<u8>),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 403, description = "the NIK does not match", body = ErrorResponse),
    (status = 404, description = "no such application or document", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "no NIK given", body = ErrorResponse),
    (status = 429, description = "too many attempts from this address", body = ErrorResponse)))]
async fn applicant_pdf(
    State(state): State<AppState>,
    _: PublicRate,
    Path((tracking, code)): Path<(String, String)>,
    Body(body): Body<NikBody>,
) -> Result<Response, ApiError> {
    applicant_document(&state, &tracking, &code, &body.nik).await
}

/// A document of an application, for its applicant.
pub(super) async fn applicant_document(
    state: &AppState,
    tracking: &str,
    code: &str,
    nik: &str,
) -> Result<Response, ApiError> {
    let case = state
        .app
        .store
        .case_by_tracking(&tracking.trim().to_uppercase())
        .await?
        .ok_or_else(|| ApiError::not_found("no application with this tracking code"))?;
    super::cases::verify_applicant(&case, nik)?;
    let d = state
        .app
        .store
        .document(code)
        .await?
        .filter(|d| d.case_id == Some(case.id))
        .ok_or_else(|| ApiError::not_found("no such document in this application"))?;
    state
        .app
        .store
        .log_access("pemohon", &format!("case:{} document:{}", case.id, d.code), "applicant's own copy")
        .await?;
    pdf_bytes(state, &d).await
}
