//! Data-access agreements over HTTP: the register (an office's, or an
//! institution's own), one agreement with its User IDs and timeline, what
//! the office records from the ministry (User IDs, its letters), renewal;
//! and the pages `/perjanjian` and `/perjanjian/{id}`.

use super::openapi::HtmlPage;
use super::portal::{NavUser, nav, render};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Body, Changing};
use crate::i18n::Lang;
use crate::state::AppState;
use app::agreements::{self, AgreementLine, AgreementView, MinistryLetter, UserIdInput};
use app::cases::engine::Letter;
use app::cases::views::Receipt;
use app::duties::{self, ComplianceBoard, Recommendation};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use store::{AgreementEvent, AgreementUserId};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/agreements", get(list))
        .route("/api/v1/agreements/{id}", get(one))
        .route("/api/v1/agreements/{id}/user-ids", post(user_id))
        .route("/api/v1/agreements/{id}/ministry-letters", post(ministry_letter))
        .route("/api/v1/agreements/{id}/renewal", post(renewal))
        .route("/api/v1/agreements/{id}/suspension-recommendation", post(recommend))
        .route("/api/v1/compliance", get(compliance))
        .route("/perjanjian", get(list_page))
        .route("/perjanjian/kepatuhan", get(compliance_page))
        .route("/perjanjian/{id}", get(detail_page))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    one,
    user_id,
    ministry_letter,
    renewal,
    recommend,
    compliance,
    list_page,
    compliance_page,
    detail_page
))]
pub(super) struct Doc;

#[derive(Deserialize, utoipa::IntoParams)]
struct OfficeQuery {
    /// The office (staff: their own, the default); an institution's
    /// account always gets its own agreements.
    office: Option<String>,
}

/// The agreement register: an office's agreements (its staff), or an institution's own
#[utoipa::path(get, path = "/api/v1/agreements", params(OfficeQuery), responses(
    (status = 200, description = "OK, newest first", body = Vec<AgreementLine>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "another office's register", body = ErrorResponse)))]
async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<OfficeQuery>,
) -> Result<Json<Vec<AgreementLine>>, ApiError> {
    Ok(Json(agreements::list(&state.app, &who, q.office.as_deref()).await?))
}

/// One agreement: what was signed, its status, User IDs and timeline (staff of its office, its institution)
#[utoipa::path(get, path = "/api/v1/agreements/{id}", params(("id" = i64, Path, description = "the agreement")), responses(
    (status = 200, description = "OK", body = AgreementView),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 404, description = "no such agreement, or not yours to see", body = ErrorResponse)))]
async fn one(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<AgreementView>, ApiError> {
    Ok(Json(agreements::get(&state.app, &who, id).await?))
}

/// Record a User ID the Ditjen issued (never a password); production needs a passed stress test / PoC on a development ID
#[utoipa::path(post, path = "/api/v1/agreements/{id}/user-ids", params(("id" = i64, Path, description = "the agreement")),
    request_body = UserIdInput, responses(
    (status = 201, description = "recorded", body = AgreementUserId),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not a role that records it", body = ErrorResponse),
    (status = 404, description = "no such agreement, or not yours to see", body = ErrorResponse),
    (status = 409, description = "this User ID is recorded already, or the agreement is revoked or ended", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse)))]
async fn user_id(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
    Body(input): Body<UserIdInput>,
) -> Result<(StatusCode, Json<AgreementUserId>), ApiError> {
    Ok((StatusCode::CREATED, Json(agreements::record_user_id(&state.app, &who, id, &input).await?)))
}

/// Record the ministry's letter: the agreement revoked, or a User ID suspended, revoked or restored
#[utoipa::path(post, path = "/api/v1/agreements/{id}/ministry-letters", params(("id" = i64, Path, description = "the agreement")),
    request_body = MinistryLetter, responses(
    (status = 201, description = "recorded", body = AgreementEvent),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not a role that records it", body = ErrorResponse),
    (status = 404, description = "no such agreement, or not yours to see", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse)))]
async fn ministry_letter(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
    Body(input): Body<MinistryLetter>,
) -> Result<(StatusCode, Json<AgreementEvent>), ApiError> {
    Ok((StatusCode::CREATED, Json(agreements::ministry_letter(&state.app, &who, id, &input).await?)))
}

/// Apply to renew an agreement, by letter: a new case on the same standard, whose signing makes the next agreement
#[utoipa::path(post, path = "/api/v1/agreements/{id}/renewal", params(("id" = i64, Path, description = "the agreement")),
    request_body = Letter, responses(
    (status = 201, description = "the renewal case", body = Receipt),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "neither its institution nor an operator of its office", body = ErrorResponse),
    (status = 404, description = "no such agreement, or not yours to see", body = ErrorResponse),
    (status = 409, description = "a renewal is already open", body = ErrorResponse),
    (status = 422, description = "the letter is invalid (named)", body = ErrorResponse)))]
async fn renewal(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
    Body(letter): Body<Letter>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let case = agreements::renew(&state.app, &who, id, letter).await?;
    Ok((StatusCode::CREATED, Json(app::cases::views::receipt(&case))))
}

/// A recommendation recorded: the agreement's event and the letter to the Ditjen.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Recommended {
    event: AgreementEvent,
    letter: LetterRef,
}

/// A letter issued: where to verify and download it.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct LetterRef {
    /// The document's code (`/api/v1/documents/{code}/verify`, `/pdf`).
    code: String,
    number: String,
    kind: String,
}

/// The Kepala Dinas recommends to the Ditjen that the institution's access be suspended (duties missing past the grace days): a signed letter
#[utoipa::path(post, path = "/api/v1/agreements/{id}/suspension-recommendation", params(("id" = i64, Path, description = "the agreement")),
    request_body = Recommendation, responses(
    (status = 201, description = "recorded, with its letter", body = Recommended),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not the office's Kepala Dinas", body = ErrorResponse),
    (status = 404, description = "no such agreement, or not yours to see", body = ErrorResponse),
    (status = 409, description = "recommended already", body = ErrorResponse),
    (status = 422, description = "no duty is missing, or the reason is empty", body = ErrorResponse)))]
async fn recommend(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
    Body(input): Body<Recommendation>,
) -> Result<(StatusCode, Json<Recommended>), ApiError> {
    let (event, letter) = duties::recommend_suspension(&state.app, &who, id, &input).await?;
    let letter = LetterRef { code: letter.code, number: letter.number, kind: letter.doc_type };
    Ok((StatusCode::CREATED, Json(Recommended { event, letter })))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct BoardQuery {
    /// The office (default: the caller's own).
    office: Option<String>,
}

/// The compliance board: each institution's duties per period, filed, late, missing or open (the office's staff)
#[utoipa::path(get, path = "/api/v1/compliance", params(BoardQuery), responses(
    (status = 200, description = "OK", body = ComplianceBoard),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not staff of that office", body = ErrorResponse)))]
async fn compliance(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<BoardQuery>,
) -> Result<Json<ComplianceBoard>, ApiError> {
    let office = q.office.unwrap_or_else(|| who.user.office.clone());
    Ok(Json(duties::board(&state.app, &who, &office).await?))
}

#[derive(Template)]
#[template(path = "compliance.html")]
struct BoardPage {
    lang: Lang,
    user: Option<NavUser>,
    board: ComplianceBoard,
}

/// The compliance board page
#[utoipa::path(get, path = "/perjanjian/kepatuhan", responses(HtmlPage))]
async fn compliance_page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
) -> Result<Html<String>, PageError> {
    let board = duties::board(&state.app, &who, &who.user.office).await?;
    render(&BoardPage { lang, user: nav(&Some(who.clone())), board })
}

/// One line of the register page.
struct Line {
    id: i64,
    party: String,
    pks_number: String,
    mode: String,
    period: String,
    status: &'static str,
    status_label: &'static str,
}

#[derive(Template)]
#[template(path = "agreements.html")]
struct ListPage {
    lang: Lang,
    user: Option<NavUser>,
    lines: Vec<Line>,
}

/// The agreement register page
#[utoipa::path(get, path = "/perjanjian", responses(HtmlPage))]
async fn list_page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
) -> Result<Html<String>, PageError> {
    let lines = agreements::list(&state.app, &who, None)
        .await?
        .into_iter()
        .map(|a| Line {
            id: a.id,
            party: a.party,
            pks_number: a.pks_number,
            mode: lang.t(&format!("mode_{}", a.access_mode)).to_string(),
            period: format!("{} – {}", a.starts_on, a.ends_on),
            status: a.status.as_str(),
            status_label: lang.t(&format!("agreement_{}", a.status.as_str())),
        })
        .collect();
    render(&ListPage { lang, user: nav(&Some(who.clone())), lines })
}

#[derive(Template)]
#[template(path = "agreement.html")]
struct DetailPage {
    lang: Lang,
    user: Option<NavUser>,
    a: AgreementView,
    status_label: &'static str,
    mode: String,
    /// The institution's access log this and last semester (`semester`,
    /// its URL without a format), for those who read it.
    access_logs: Vec<(String, String)>,
}

/// One agreement's page: what was signed, its User IDs and its timeline
#[utoipa::path(get, path = "/perjanjian/{id}", params(("id" = i64, Path, description = "the agreement")), responses(HtmlPage))]
async fn detail_page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let a = agreements::get(&state.app, &who, id).await?;
    let status_label = lang.t(&format!("agreement_{}", a.status.as_str()));
    let mode = lang.t(&format!("mode_{}", a.agreement.access_mode)).to_string();
    let access_logs = match a.agreement.institution_id {
        Some(i) if app::privacy::reads_access_log(&who, i, &a.agreement.office) => {
            let today = state.app.today(&a.agreement.office);
            domain::agreement::this_and_last_semester(today)
                .map(|s| (s.clone(), format!("/api/v1/institutions/{i}/access-log?semester={s}")))
                .to_vec()
        }
        _ => Vec::new(),
    };
    render(&DetailPage { lang, user: nav(&Some(who.clone())), a, status_label, mode, access_logs })
}
