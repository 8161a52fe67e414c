//! One's own second factor (`app::second_factor`): its state, the
//! enrolment (a secret and its QR code, confirmed with a first code; the
//! recovery codes shown once) and new recovery codes, as JSON and as the
//! `/akun/faktor` page. An account whose role needs a factor reaches only
//! these (and logging out) until it has one (`auth::SECOND_FACTOR_ENROLMENT`).

use super::openapi::HtmlPage;
use super::portal::{NavUser, nav, render};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Body, Changing};
use crate::i18n::Lang;
use crate::state::AppState;
use app::second_factor::{self, Enrolment, Status};
use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(status_api, begin_api, confirm_api, recovery_api, page, form))]
pub(super) struct Doc;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/second-factor", get(status_api).post(begin_api))
        .route("/api/v1/me/second-factor/confirm", post(confirm_api))
        .route("/api/v1/me/second-factor/recovery-codes", post(recovery_api))
        .route("/akun/faktor", get(page).post(form))
}

/// One's own second factor: in force, required, recovery codes left
#[utoipa::path(get, path = "/api/v1/me/second-factor", responses(
    (status = 200, description = "OK", body = Status),
    (status = 401, description = "not logged in", body = ErrorResponse)))]
async fn status_api(State(state): State<AppState>, who: CurrentUser) -> Result<Json<Status>, ApiError> {
    Ok(Json(second_factor::status(&state.app, &who).await?))
}

/// Begin enrolling a second factor: a new secret for an authenticator app, in force once confirmed
#[utoipa::path(post, path = "/api/v1/me/second-factor", responses(
    (status = 201, description = "begun: add the secret to an app, then confirm with its code", body = Enrolment),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "CSRF token missing or wrong", body = ErrorResponse),
    (status = 409, description = "the account has a second factor already (an admin resets it first)", body = ErrorResponse)))]
async fn begin_api(
    State(state): State<AppState>,
    who: Changing,
) -> Result<(StatusCode, Json<Enrolment>), ApiError> {
    Ok((StatusCode::CREATED, Json(second_factor::begin(&state.app, &who).await?)))
}

/// A code of the authenticator app.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = SecondFactorCode)]
struct CodeBody {
    /// The 6 digits the app shows now.
    code: String,
}

/// Recovery codes, shown this once: each logs in once instead of the app's code.
#[derive(Serialize, utoipa::ToSchema)]
struct RecoveryCodes {
    recovery_codes: Vec<String>,
}

/// Confirm the enrolment with the app's code: the second factor is in force from now
#[utoipa::path(post, path = "/api/v1/me/second-factor/confirm", request_body = CodeBody, responses(
    (status = 200, description = "in force; keep the recovery codes", body = RecoveryCodes),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "CSRF token missing or wrong", body = ErrorResponse),
    (status = 409, description = "the account has a second factor already", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "not the app's code now, or no enrolment begun (`code`)", body = ErrorResponse)))]
async fn confirm_api(
    State(state): State<AppState>,
    who: Changing,
    Body(body): Body<CodeBody>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let recovery_codes = second_factor::confirm(&state.app, &who, &body.code).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

/// New recovery codes for a current code of the app; the old ones stop working
#[utoipa::path(post, path = "/api/v1/me/second-factor/recovery-codes", request_body = CodeBody, responses(
    (status = 200, description = "the new codes", body = RecoveryCodes),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "CSRF token missing or wrong", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "no second factor, or not the app's code now (`code`)", body = ErrorResponse)))]
async fn recovery_api(
    State(state): State<AppState>,
    who: Changing,
    Body(body): Body<CodeBody>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let recovery_codes = second_factor::renew_recovery_codes(&state.app, &who, &body.code).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct FactorPage {
    lang: Lang,
    user: Option<NavUser>,
    status: Status,
    /// An enrolment waiting for its first code: the secret as typed and
    /// its QR code (an SVG drawn here).
    enrolment: Option<(String, String)>,
    /// Recovery codes to write down, shown once.
    recovery_codes: Vec<String>,
    error: Option<String>,
}

impl FactorPage {
    async fn of(state: &AppState, lang: Lang, who: &CurrentUser) -> Result<FactorPage, ApiError> {
        let app = &state.app;
        let enrolment = match second_factor::pending(app, who).await? {
            Some(e) => Some(shown(lang, e)?),
            None => None,
        };
        Ok(FactorPage {
            lang,
            user: nav(&Some(who.clone())),
            status: second_factor::status(app, who).await?,
            enrolment,
            recovery_codes: Vec::new(),
            error: None,
        })
    }
}

/// The secret grouped by four for typing, and its QR code.
fn shown(lang: Lang, e: Enrolment) -> Result<(String, String), ApiError> {
    let grouped =
        e.secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>();
    let qr = documents::render::qr_svg(&e.otpauth_uri, 220, lang.t("second_factor_qr"))
        .map_err(|err| ApiError::from(app::Error::internal(err)))?;
    Ok((grouped.join(" "), qr))
}

/// One's own second factor
#[utoipa::path(get, path = "/akun/faktor", responses(HtmlPage))]
async fn page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
) -> Result<Html<String>, PageError> {
    render(&FactorPage::of(&state, lang, &who).await?)
}

#[derive(Deserialize)]
struct FactorForm {
    csrf: String,
    /// `begin`, `confirm` (with `code`) or `recovery` (with `code`).
    action: String,
    #[serde(default)]
    code: String,
}

/// Begin or confirm the enrolment, or get new recovery codes (form with CSRF token)
#[utoipa::path(post, path = "/akun/faktor", responses(HtmlPage))]
async fn form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Form(f): Form<FactorForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    let app = &state.app;
    let done = match f.action.as_str() {
        "begin" => second_factor::begin(app, &who).await.map(|_| Vec::new()),
        "confirm" => second_factor::confirm(app, &who, &f.code).await,
        "recovery" => second_factor::renew_recovery_codes(app, &who, &f.code).await,
        _ => Err(app::Error::invalid("action", "unknown action")),
    };
    // The account as it is now (a confirmed factor shows as in force).
    let mut who = who;
    if let Some(now) = app.store.user(who.user.id).await? {
        who.principal.user = now;
    }
    let mut page = FactorPage::of(&state, lang, &who).await?;
    match done {
        Ok(codes) => {
            page.recovery_codes = codes;
            Ok(render(&page)?.into_response())
        }
        Err(e) => {
            let e = ApiError::from(e);
            if e.status != StatusCode::UNPROCESSABLE_ENTITY && e.status != StatusCode::CONFLICT {
                return Err(PageError(e));
            }
            page.error = Some(e.body.message);
            Ok((e.status, render(&page)?).into_response())
        }
    }
}
