//! Routes by audience: `portal` (HTML for citizens and staff), `api`
//! (JSON, `/api/v1`), `ops` (health, metrics, OpenAPI).

mod admin;
mod api;
mod cases;
mod citizen;
pub(crate) mod docs;
mod multipart;
mod ops;
mod portal;
mod staff;
pub(crate) mod view;

use crate::state::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::sync::atomic::Ordering;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body: a form with several requirement files of 5 MB.
const MAX_BODY: usize = 32 * 1024 * 1024;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .merge(portal::routes())
        .merge(api::routes())
        .merge(admin::routes())
        .merge(cases::routes())
        .merge(citizen::routes())
        .merge(staff::routes())
        .merge(docs::routes())
        .merge(ops::routes())
        .layer(middleware::from_fn_with_state(state.clone(), count_requests))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
        .with_state(state)
}

/// Counts responses by status class for `/metrics`.
async fn count_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let class = (res.status().as_u16() / 100).clamp(1, 5) as usize - 1;
    state.metrics.requests[class].fetch_add(1, Ordering::Relaxed);
    res
}
