//! The JSON API of the contract (`/api/v1`).

use super::view::{service_json, time_limit};
use crate::auth::{self, CurrentUser, MaybeUser, SESSION_COOKIE, set_cookie};
use crate::error::ApiError;
use crate::extract::{Body, Changing};
use crate::state::AppState;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
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

async fn offices(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.app.store.offices().await?)))
}

#[derive(Deserialize)]
struct ServicesQuery {
    office: Option<String>,
}

async fn services(
    State(state): State<AppState>,
    Query(q): Query<ServicesQuery>,
) -> Result<Json<Value>, ApiError> {
    if let Some(code) = &q.office
        && state.app.store.office(code).await?.is_none()
    {
        return Err(ApiError::not_found(format!("no office with code `{code}`")).with_field("office"));
    }
    let list: Vec<Value> = state
        .app
        .catalog
        .for_office_or_all(q.office.as_deref())
        .map(|s| {
            json!({
                "id": s.id(), "office": s.office, "slug": s.slug, "title": s.title, "title_en": s.title_en,
                "version": s.version, "kind": s.kind,
                "channels": s.channels.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
                "time_limit": time_limit(s),
            })
        })
        .collect();
    Ok(Json(json!(list)))
}

async fn service(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let s = state.app.catalog.get(&id).ok_or_else(|| ApiError::not_found(format!("no service `{id}`")))?;
    let staff = user.is_some_and(|u| u.is_staff());
    Ok(Json(service_json(s, staff)))
}

#[derive(Deserialize)]
struct RegionsQuery {
    parent: Option<String>,
}

async fn regions(
    State(state): State<AppState>,
    Query(q): Query<RegionsQuery>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.app.store.region_children(q.parent.as_deref()).await?)))
}

async fn region(State(state): State<AppState>, Path(code): Path<String>) -> Result<Json<Value>, ApiError> {
    let r = state
        .app
        .store
        .region(&code)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no region `{code}`")))?;
    Ok(Json(json!(r)))
}

#[derive(Deserialize)]
struct LoginBody {
    username: String,
    password: String,
}

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
    let client = auth::client_ip(&headers, Some(addr), state.config.client_ip_header.as_deref());
    let done = auth::login(&state, &client, body.username.trim(), &body.password).await?;
    let max_age = state.app.config.session_hours * 3600;
    let cookie = set_cookie(SESSION_COOKIE, &done.token, max_age, state.config.cookie_secure);
    let expires = chrono::DateTime::from_timestamp_millis(done.session.expires_at).map(|t| t.to_rfc3339());
    let body = json!({"token": done.token, "csrf_token": done.session.csrf_token, "expires_at": expires});
    Ok(([(header::SET_COOKIE, cookie)], Json(body)))
}

async fn logout(State(state): State<AppState>, user: Changing) -> Result<impl IntoResponse, ApiError> {
    state.app.store.delete_session(&user.session.token_hash).await?;
    let cookie = set_cookie(SESSION_COOKIE, "", 0, state.config.cookie_secure);
    Ok(([(header::SET_COOKIE, cookie)], Json(json!({}))))
}

async fn me(user: CurrentUser) -> Json<Value> {
    Json(json!(user.user))
}
