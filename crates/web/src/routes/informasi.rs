//! The information desk: the WhatsApp Cloud API webhook (its subscription
//! handshake, and inbound messages checked against their signature, which
//! become questions: `app::whatsapp`), and the canned answers staff insert
//! (`GET /api/v1/canned-answers`). The web form is the service's own apply
//! page, which asks no NIK at a desk.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse};
use crate::state::AppState;
use app::informasi::Canned;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/whatsapp/webhook", get(handshake).post(webhook))
        .route("/api/v1/canned-answers", get(canned))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(handshake, webhook, canned))]
pub(super) struct Doc;

#[derive(Deserialize, utoipa::IntoParams)]
struct Handshake {
    #[serde(rename = "hub.mode")]
    #[param(rename = "hub.mode")]
    mode: String,
    #[serde(rename = "hub.verify_token")]
    #[param(rename = "hub.verify_token")]
    verify_token: String,
    #[serde(rename = "hub.challenge")]
    #[param(rename = "hub.challenge")]
    challenge: String,
}

/// The Cloud API's subscription handshake: the challenge back when the verify token is ours
#[utoipa::path(get, path = "/api/v1/whatsapp/webhook", params(Handshake), responses(
    (status = 200, description = "the challenge", body = String),
    (status = 403, description = "wrong verify token", body = ErrorResponse),
    (status = 404, description = "WhatsApp is not configured", body = ErrorResponse)))]
async fn handshake(State(state): State<AppState>, Query(q): Query<Handshake>) -> Result<String, ApiError> {
    Ok(app::whatsapp::handshake(&state.app, &q.mode, &q.verify_token, &q.challenge)?)
}

/// What the webhook did.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Received {
    /// The tracking codes of the questions opened.
    questions: Vec<String>,
}

/// Inbound WhatsApp messages (the Cloud API's webhook, signed with `X-Hub-Signature-256`): each text message becomes a question at the configured office's information desk
#[utoipa::path(post, path = "/api/v1/whatsapp/webhook", request_body = Object, responses(
    (status = 200, description = "received", body = Received),
    (status = 401, description = "missing or wrong signature", body = ErrorResponse),
    (status = 404, description = "WhatsApp is not configured", body = ErrorResponse),
    (status = 422, description = "not JSON", body = ErrorResponse)))]
async fn webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Received>, ApiError> {
    let signature = headers.get("x-hub-signature-256").and_then(|v| v.to_str().ok());
    let questions = app::whatsapp::receive(&state.app, &body, signature).await?;
    Ok(Json(Received { questions }))
}

/// The canned answers of the caller's office: each service's requirements, time and cost as its standard states them
#[utoipa::path(get, path = "/api/v1/canned-answers", responses(
    (status = 200, description = "OK", body = Vec<Canned>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse)))]
async fn canned(State(state): State<AppState>, who: CurrentUser) -> Result<Json<Vec<Canned>>, ApiError> {
    Ok(Json(app::informasi::canned_answers(&state.app, &who)?))
}
