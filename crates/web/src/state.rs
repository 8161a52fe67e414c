//! What every handler shares: the store, the loaded catalogue, settings.

use crate::catalog::Catalog;
use crate::ratelimit::RateLimiter;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;
use store::Store;

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
    /// Where uploaded files are kept (content-addressed, outside any web root).
    pub files_dir: std::path::PathBuf,
    /// Largest accepted upload, per file.
    pub max_upload_bytes: usize,
    /// The address citizens reach the portal at; QR codes point there.
    pub public_url: String,
    /// Failed logins in a row before an account is locked.
    pub lockout_after: i32,
    pub lockout_minutes: i64,
    pub session_hours: i64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            cookie_secure: false,
            client_ip_header: None,
            login_per_minute: 10,
            public_per_minute: 30,
            files_dir: "data/files".into(),
            max_upload_bytes: 5 * 1024 * 1024,
            public_url: "http://127.0.0.1:8080".into(),
            lockout_after: 5,
            lockout_minutes: 15,
            session_hours: 12,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub catalog: Arc<Catalog>,
    pub config: Arc<Config>,
    pub(crate) login_limiter: Arc<RateLimiter>,
    /// Public forms (applications, applicant actions) per client address.
    pub(crate) public_limiter: Arc<RateLimiter>,
    pub(crate) metrics: Arc<Metrics>,
    pub files: Arc<dyn store::files::FileStore>,
    /// Encrypts the office signing keys; set from configuration.
    pub document_secret: Arc<documents::keys::Secret>,
    /// Office calendars, kept a short while (see `cases::clock::calendar`).
    pub(crate) calendars: Arc<std::sync::Mutex<CalendarCache>>,
}

/// office → (when read, calendar).
pub(crate) type CalendarCache =
    std::collections::HashMap<String, (Instant, Arc<domain::calendar::BusinessCalendar>)>;

impl AppState {
    pub fn new(store: Arc<dyn Store>, catalog: Catalog, config: Config) -> AppState {
        let limiter = RateLimiter::per_minute(config.login_per_minute);
        let public = RateLimiter::per_minute(config.public_per_minute);
        let config_files_dir = config.files_dir.clone();
        AppState {
            store,
            catalog: Arc::new(catalog),
            config: Arc::new(config),
            login_limiter: Arc::new(limiter),
            public_limiter: Arc::new(public),
            metrics: Arc::new(Metrics::default()),
            files: Arc::new(store::files::DiskFiles::new(config_files_dir)),
            // Replaced by the configured secret in a real deployment
            // (`with_document_secret`); a fresh one suits tests.
            document_secret: Arc::new(documents::keys::Secret::generate()),
            calendars: Arc::default(),
        }
    }
}

impl AppState {
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

    pub fn with_document_secret(mut self, secret: documents::keys::Secret) -> AppState {
        self.document_secret = Arc::new(secret);
        self
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
