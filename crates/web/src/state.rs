//! What every handler shares: the application context, the web settings,
//! the rate limiters and the request counters.

use crate::ratelimit::RateLimiter;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

/// Web settings; the binary fills them from `layanan.toml` and `LAYANAN_*`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Config {
    /// Mark cookies `Secure` (set when served behind TLS).
    pub cookie_secure: bool,
    /// A header set by a trusted reverse proxy carrying the client address
    /// (e.g. `x-forwarded-for`); `None` trusts only the socket address.
    pub client_ip_header: Option<String>,
    /// Login attempts allowed per client address per minute.
    pub login_per_minute: u32,
    /// Public form posts (applications, tracking actions) per client address per minute.
    pub public_per_minute: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config { cookie_secure: false, client_ip_header: None, login_per_minute: 10, public_per_minute: 30 }
    }
}

#[derive(Clone)]
pub struct AppState {
    /// The application layer: every service the handlers call.
    pub app: app::App,
    pub config: Arc<Config>,
    pub(crate) login_limiter: Arc<RateLimiter>,
    /// Public forms (applications, applicant actions) per client address.
    pub(crate) public_limiter: Arc<RateLimiter>,
    pub(crate) metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(app: app::App, config: Config) -> AppState {
        AppState {
            app,
            login_limiter: Arc::new(RateLimiter::per_minute(config.login_per_minute)),
            public_limiter: Arc::new(RateLimiter::per_minute(config.public_per_minute)),
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// Counts a public request (form post, verification) against its
    /// client's rate limit; `429` when over it.
    pub(crate) fn public_rate(
        &self,
        headers: &axum::http::HeaderMap,
        addr: std::net::SocketAddr,
    ) -> Result<(), crate::error::ApiError> {
        let client = crate::auth::client_ip(headers, Some(addr), self.config.client_ip_header.as_deref());
        if self.public_limiter.allow(&client) { Ok(()) } else { Err(crate::error::ApiError::too_many()) }
    }
}

/// Counters for `/metrics`, kept by a middleware.
pub(crate) struct Metrics {
    pub started: Instant,
    pub requests: [AtomicU64; 5],
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics { started: Instant::now(), requests: Default::default() }
    }
}
