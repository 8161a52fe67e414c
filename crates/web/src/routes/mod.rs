//! Every URL of the service, one module per capability: `portal` (public
//! catalogue pages, login), `api` (catalogue, regions, login JSON), `cases`
//! (applications, tracking, worklist, case actions), `citizen` and `staff`
//! (their pages), `docs` (documents and verification), `privacy` (data
//! subject requests), `admin` (office settings), `accounts` (staff accounts), `outages` (SIAK/network outages), `ops` (health,
//! metrics, OpenAPI), `openapi` (the document, merged from each module's
//! `Doc`). Handlers parse the request, call `app`, and render.

mod accounts;
mod admin;
mod agreements;
mod api;
mod cases;
mod citizen;
mod complaints;
mod dashboard;
pub(crate) mod docs;
mod export;
mod group;
mod informasi;
mod institutions;
mod kiosk;
mod multipart;
mod nik;
mod openapi;
mod ops;
mod outages;
mod portal;
mod privacy;
mod queue;
mod register;
mod reports;
mod second_factor;
mod slots;
mod staff;
mod stock;
mod surveys;
pub(crate) mod view;

use crate::state::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body: a form with several requirement files of 5 MB.
const MAX_BODY: usize = 32 * 1024 * 1024;

pub(crate) fn router(state: AppState) -> Router {
    // Every request is held to MAX_BODY but the NIK batch, whose file may
    // hold a million rows (it is read as a stream, never whole).
    let limited = Router::new()
        .merge(portal::routes())
        .merge(api::routes())
        .merge(admin::routes())
        .merge(accounts::routes())
        .merge(second_factor::routes())
        .merge(outages::routes())
        .merge(cases::routes())
        .merge(citizen::routes())
        .merge(staff::routes())
        .merge(docs::routes())
        .merge(privacy::routes())
        .merge(institutions::routes())
        .merge(group::routes())
        .merge(agreements::routes())
        .merge(stock::routes())
        .merge(slots::routes())
        .merge(register::routes())
        .merge(informasi::routes())
        .merge(queue::routes())
        .merge(kiosk::routes())
        .merge(reports::routes())
        .merge(complaints::routes())
        .merge(surveys::routes())
        .merge(dashboard::routes())
        .fallback(|| async {
            crate::error::PageError(crate::error::ApiError::not_found(
                "halaman tidak ditemukan / page not found",
            ))
        })
        .merge(ops::routes())
        // axum's extractors hold bodies to 2 MB on their own; the forms
        // promise 5 MB a file, so they are held to MAX_BODY like the rest.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY));
    Router::new()
        .merge(limited)
        .merge(nik::routes().layer(tower_http::limit::RequestBodyLimitLayer::new(nik::MAX_BODY)))
        .merge(register::import_routes().layer(tower_http::limit::RequestBodyLimitLayer::new(nik::MAX_BODY)))
        .layer(middleware::from_fn(json_api_errors))
        .layer(middleware::from_fn_with_state(state.clone(), demo_banner))
        .layer(middleware::from_fn(remember_lang))
        .layer(middleware::from_fn(record_request))
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
        // Pages and answers may carry a full NIK or a case's details: no
        // browser or proxy keeps them, unless a response says otherwise
        // (the style sheet and scripts are cached an hour).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(middleware::from_fn_with_state(state.clone(), strict_transport))
        .with_state(state)
}

/// Behind TLS (`cookie_secure`), browsers are told to use HTTPS only from
/// now on; over plain HTTP the header would be ignored, so it is not sent.
async fn strict_transport(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if state.config.cookie_secure {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// The language switch (`?lang=en`) is remembered in a cookie, so the
/// next page stays in the chosen language (`crate::i18n::Lang` reads it).
async fn remember_lang(req: Request, next: Next) -> Response {
    let chosen = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
        .and_then(crate::i18n::Lang::parse);
    let mut res = next.run(req).await;
    if let Some(lang) = chosen {
        let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// On a demo database every page starts with a banner saying its people
/// and cases are made up. Done here, on the rendered page, so no page can
/// forget it; pages are small, so reading one whole costs little.
async fn demo_banner(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !state.demo || !html {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "page too large").into_response();
    };
    let page = String::from_utf8_lossy(&bytes);
    let text = if page.contains("<html lang=\"en\">") {
        "DEMO: every person, case and account here is made up, not real citizens' data."
    } else {
        "DEMO: semua orang, permohonan dan akun di sini rekaan, bukan data warga sungguhan."
    };
    let banner = format!("<body>\n<aside class=\"demo-banner\" aria-label=\"demo\"><p>{text}</p></aside>");
    let page = page.replacen("<body>", &banner, 1);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(page))
}

/// Requests by route and status class, and their latency by route, for
/// `/metrics`. The route is the matched pattern (`/api/v1/cases/{id}`), so
/// ids and codes never become labels.
async fn record_request(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_string();
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    let class = format!("{}xx", res.status().as_u16() / 100);
    metrics::counter!("layanan_http_requests_total", "route" => route.clone(), "class" => class).increment(1);
    metrics::histogram!("layanan_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    res
}

/// Under `/api/`, every error is the contract's JSON, also the ones axum
/// produces itself (unknown route, wrong method, a path or query that does
/// not parse): the status stays, the text becomes the message.
async fn json_api_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let api = path.starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    let content_type =
        res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let is_json = content_type.starts_with("application/json");
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    if !api {
        return page_error(res, &path).await;
    }
    if is_json {
        return res;
    }
    // axum's own refusals say what went wrong in plain text; a page (the
    // unknown route's) is no message.
    let body = axum::body::to_bytes(res.into_body(), 64 * 1024).await.unwrap_or_default();
    let plain = content_type.is_empty() || content_type.starts_with("text/plain");
    let text = if plain { String::from_utf8_lossy(&body).trim().to_string() } else { String::new() };
    let (code, fallback) = match status.as_u16() {
        404 => ("not_found", "no such route"),
        405 => ("method_not_allowed", "this method is not allowed on this route"),
        400 => ("bad_request", "the request could not be read"),
        413 => ("too_large", "the request body is too large"),
        500.. => ("internal", "internal error; it has been logged"),
        _ => ("invalid", "the request was refused"),
    };
    let message = if text.is_empty() { fallback.to_string() } else { text };
    crate::error::ApiError::new(status, code, message).into_response()
}

/// Outside `/api/`, a person reads the answer: an error that is not a page
/// yet (an extractor's JSON, axum's plain text) becomes one, and a page that
/// needs a login sends the browser to the login form.
async fn page_error(res: Response, path: &str) -> Response {
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let machine = ["/healthz", "/readyz", "/metrics", "/static/"].iter().any(|p| path.starts_with(p));
    if html || machine {
        return res;
    }
    let status = res.status();
    if status == StatusCode::UNAUTHORIZED {
        return axum::response::Redirect::to("/login").into_response();
    }
    let body = axum::body::to_bytes(res.into_body(), 64 * 1024).await.unwrap_or_default();
    let json = serde_json::from_slice::<serde_json::Value>(&body).ok();
    for gate in [&crate::auth::PASSWORD_CHANGE, &crate::auth::SECOND_FACTOR_ENROLMENT] {
        if json.as_ref().is_some_and(|v| v["error"]["code"] == gate.code) {
            return axum::response::Redirect::to(gate.page).into_response();
        }
    }
    let message = json
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(&body).trim().to_string());
    let message =
        if message.is_empty() { "permintaan ditolak / request refused".to_string() } else { message };
    crate::error::PageError(crate::error::ApiError::new(status, "refused", message)).into_response()
}
