//! Operations: liveness, readiness, Prometheus metrics and the OpenAPI
//! document (assembled in `openapi.rs`).

use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/api/openapi.json", get(openapi_json))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(healthz, readyz, metrics, openapi_json))]
pub(super) struct Doc;

/// Liveness
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "OK", body = String)))]
async fn healthz() -> &'static str {
    "ok"
}

/// This document
#[utoipa::path(get, path = "/api/openapi.json", responses((status = 200, description = "OK", body = Object)))]
async fn openapi_json() -> Json<Value> {
    Json(super::openapi::document())
}

/// Readiness
///
/// Ready when the database answers and standards are loaded.
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, description = "OK", body = String),
    (status = 503, description = "database unavailable or no standards loaded", body = String)))]
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.app.store.ping().await {
        Ok(()) if !state.app.catalog.is_empty() => (StatusCode::OK, "ready"),
        Ok(()) => (StatusCode::SERVICE_UNAVAILABLE, "no standards loaded"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// The outbox channels (`store::Notification::channel`).
const OUTBOX_CHANNELS: &[&str] = &["email", "whatsapp", "sms", "staff"];

/// Prometheus metrics
///
/// What the `metrics` facade recorded (requests and latency per route,
/// applications, case actions, escalations, documents, deliveries), plus
/// the gauges read now: uptime, standards, outbox depth per channel.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "OK", body = String)))]
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    metrics::gauge!("layanan_uptime_seconds").set(state.started.elapsed().as_secs_f64());
    metrics::gauge!("layanan_standards_loaded").set(state.app.catalog.len() as f64);
    match state.app.store.outbox_pending().await {
        Ok(depth) => {
            // Every channel is reported, 0 when nothing waits on it.
            for channel in OUTBOX_CHANNELS {
                let n = depth.iter().find(|(c, _)| c == channel).map_or(0, |(_, n)| *n);
                metrics::gauge!("layanan_outbox_pending", "channel" => *channel).set(n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: outbox depth unavailable"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render())
}
