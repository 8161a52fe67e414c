//! What every handler shares: the application context, the web settings,
//! the rate limiters and the request counters.

use crate::ratelimit::RateLimiter;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};
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
    /// How many reverse proxies of the operator's stand in front, each
    /// appending the address it received from to `client_ip_header`: the
    /// client is that many entries from the right (entries further left
    /// are whatever the client wrote).
    pub trusted_proxies: usize,
    /// Login attempts allowed per client address per minute.
    pub login_per_minute: u32,
    /// Public form posts (applications, tracking actions) per client address per minute.
    pub public_per_minute: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            cookie_secure: false,
            client_ip_header: None,
            trusted_proxies: 1,
            login_per_minute: 10,
            public_per_minute: 30,
        }
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
    /// Renders what the `metrics` facade recorded, for `/metrics`.
    pub(crate) metrics: PrometheusHandle,
    pub(crate) started: Instant,
    /// The database holds demo data: every page says so.
    pub(crate) demo: bool,
}

impl AppState {
    pub fn new(app: app::App, config: Config) -> AppState {
        AppState {
            app,
            login_limiter: Arc::new(RateLimiter::per_minute(config.login_per_minute)),
            public_limiter: Arc::new(RateLimiter::per_minute(config.public_per_minute)),
            config: Arc::new(config),
            metrics: prometheus(),
            started: Instant::now(),
            demo: false,
        }
    }

    /// Marks every page as showing demo data (see `routes::demo_banner`).
    pub fn with_demo(mut self, demo: bool) -> AppState {
        self.demo = demo;
        self
    }
}

/// Request latency buckets, in seconds: a page or an API call should take
/// milliseconds; the top buckets catch a stall.
const LATENCY_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The process's Prometheus recorder. The `metrics` facade has one global
/// recorder, so it is installed once and every `AppState` of the process
/// (tests run several) renders the same one.
fn prometheus() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("duration_seconds".into()), LATENCY_BUCKETS)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            // Another recorder installed first (none is, in this program):
            // keep serving with one of our own that nothing records into.
            builder.install_recorder().unwrap_or_else(|e| {
                tracing::error!(error = %e, "metrics recorder not installed");
                PrometheusBuilder::new().build_recorder().handle()
            })
        })
        .clone()
}
