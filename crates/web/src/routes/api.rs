//! The JSON API of the contract (`/api/v1`).

use super::view::{ServiceSummary, ServiceView, service_summary, service_view};
use crate::auth::{self, CurrentUser, MaybeUser, SESSION_COOKIE, set_cookie};
use crate::error::{ApiError, ErrorResponse};
use crate::extract::{Body, Changing};
use crate::state::AppState;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/offices", get(offices))
        .route("/api/v1/services", get(services))
        .route("/api/v1/services/{id}", get(service))
        .route("/api/v1/regions", get(regions))
        .route("/api/v1/regions/{id}", get(region))
        .route("/api/v1/login", post(login))
        .route("/api/v1/logout", post(logout))
        .route("/api/v1/me", get(me))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(offices, services, service, regions, region, login, logout, me))]
pub(super) struct Doc;

/// Offices
#[utoipa::path(get, path = "/api/v1/offices", responses((status = 200, description = "OK", body = Vec<store::Office>)))]
async fn offices(State(state): State<AppState>) -> Result<Json<Vec<store::Office>>, ApiError> {
    Ok(Json(state.app.store.offices().await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ServicesQuery {
    /// An office code (`73`, `32.20`); all offices without it.
    office: Option<String>,
}

/// Services, optionally of one office
#[utoipa::path(get, path = "/api/v1/services", params(ServicesQuery), responses(
    (status = 200, description = "OK", body = Vec<ServiceSummary>),
    (status = 404, description = "no such office", body = ErrorResponse)))]
async fn services(
    State(state): State<AppState>,
    Query(q): Query<ServicesQuery>,
) -> Result<Response, ApiError> {
    if let Some(code) = &q.office
        && state.app.store.office(code).await?.is_none()
    {
        return Err(ApiError::not_found(format!("no office with code `{code}`")).with_field("office"));
    }
    let list: Vec<ServiceSummary> =
        state.app.catalog.for_office_or_all(q.office.as_deref()).map(|s| service_summary(s)).collect();
    Ok(Json(&list).into_response())
}

/// One service standard: components by stable code (internal ones for staff), steps, SLA
#[utoipa::path(get, path = "/api/v1/services/{id}", responses(
    (status = 200, description = "OK", body = ServiceView),
    (status = 404, description = "no such service", body = ErrorResponse)))]
async fn service(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let s = state.app.catalog.get(&id).ok_or_else(|| ApiError::not_found(format!("no service `{id}`")))?;
    let staff = user.is_some_and(|u| u.is_staff());
    Ok(Json(service_view(s, staff)).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct RegionsQuery {
    /// A Kemendagri code; the provinces without it.
    parent: Option<String>,
}

/// Regions under a parent code (provinces without one)
#[utoipa::path(get, path = "/api/v1/regions", params(RegionsQuery),
    responses((status = 200, description = "OK", body = Vec<store::Region>)))]
async fn regions(
    State(state): State<AppState>,
    Query(q): Query<RegionsQuery>,
) -> Result<Json<Vec<store::Region>>, ApiError> {
    Ok(Json(state.app.store.region_children(q.parent.as_deref()).await?))
}

/// One region by Kemendagri code
#[utoipa::path(get, path = "/api/v1/regions/{id}", responses(
    (status = 200, description = "OK", body = store::Region),
    (status = 404, description = "no such region", body = ErrorResponse)))]
async fn region(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<store::Region>, ApiError> {
    let r = state
        .app
        .store
        .region(&code)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no region `{code}`")))?;
    Ok(Json(r))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = Login)]
struct LoginBody {
    username: String,
    password: String,
    /// The second factor of an account that has one: the 6-digit code of
    /// its authenticator app, or one of its recovery codes.
    #[serde(default)]
    code: Option<String>,
}

/// A new session: the bearer token, the CSRF token for cookie sessions,
/// and when it ends.
#[derive(Serialize, utoipa::ToSchema)]
struct LoggedIn {
    token: String,
    csrf_token: String,
    expires_at: Option<String>,
    /// The password is temporary: only `PUT /api/v1/me/password` answers
    /// until it is changed.
    must_change_password: bool,
    /// The account's role needs a second factor and it has none: only the
    /// enrolment (`POST /api/v1/me/second-factor`) answers until it is set up.
    must_enrol_second_factor: bool,
}

/// Log in; returns a bearer token and sets the session cookie
#[utoipa::path(post, path = "/api/v1/login", request_body = LoginBody, responses(
    (status = 200, description = "OK", body = LoggedIn),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "wrong username or password", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "a field is missing; `code` when the password is right and the account's second factor was not given", body = ErrorResponse),
    (status = 429, description = "too many attempts", body = ErrorResponse)))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Body(body): Body<LoginBody>,
) -> Result<impl IntoResponse, ApiError> {
    if body.username.trim().is_empty() {
        return Err(ApiError::invalid("username", "username is required"));
    }
    if body.password.is_empty() {
        return Err(ApiError::invalid("password", "password is required"));
    }
    let client = auth::client_ip(
        &headers,
        Some(addr),
        state.config.client_ip_header.as_deref(),
        state.config.trusted_proxies,
    );
    let credentials = app::accounts::Credentials {
        username: body.username.trim(),
        password: &body.password,
        code: body.code.as_deref(),
    };
    let done = auth::login(&state, &client, &credentials).await?;
    let must_enrol_second_factor =
        app::second_factor::must_enrol(&state.app, &app::Principal::of(done.user.clone()));
    let max_age = state.app.config.session_hours * 3600;
    let cookie = set_cookie(SESSION_COOKIE, &done.token, max_age, state.config.cookie_secure);
    let expires_at = chrono::DateTime::from_timestamp_millis(done.session.expires_at).map(|t| t.to_rfc3339());
    let body = LoggedIn {
        token: done.token,
        csrf_token: done.session.csrf_token,
        expires_at,
        must_change_password: done.user.must_change_password,
        must_enrol_second_factor,
    };
    Ok(([(header::SET_COOKIE, cookie)], Json(body)))
}

/// An empty JSON object: the change is made.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Done {}

/// End the session
#[utoipa::path(post, path = "/api/v1/logout", responses(
    (status = 200, description = "OK", body = Done),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "CSRF token missing or wrong", body = ErrorResponse)))]
async fn logout(State(state): State<AppState>, user: Changing) -> Result<impl IntoResponse, ApiError> {
    state.app.store.delete_session(&user.session.token_hash).await?;
    let cookie = set_cookie(SESSION_COOKIE, "", 0, state.config.cookie_secure);
    Ok(([(header::SET_COOKIE, cookie)], Json(Done {})))
}

/// The logged-in account, and the position it acts for now.
#[derive(Serialize, utoipa::ToSchema)]
struct Me {
    #[serde(flatten)]
    user: store::User,
    /// The role it acts in now (the position's while it acts for one).
    acting_role: domain::Role,
    /// The position it acts for now (Plt./Plh.), if any.
    acting: Option<store::Acting>,
}

/// The logged-in account
#[utoipa::path(get, path = "/api/v1/me", responses(
    (status = 200, description = "OK", body = Me),
    (status = 401, description = "not logged in", body = ErrorResponse)))]
async fn me(user: CurrentUser) -> Json<Me> {
    Json(Me { user: user.user.clone(), acting_role: user.role, acting: user.acting.clone() })
}
