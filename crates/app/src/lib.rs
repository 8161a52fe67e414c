//! The application layer of layanan: what the office does, independent of
//! how it is asked. Each capability is a module (`cases`, `documents`,
//! `accounts`, `privacy`, `catalog`, `outbox`, `demo`) whose functions take
//! the [`App`] context and return typed values or an [`Error`]; background
//! jobs (escalation sweep, retention purge, outbox delivery, document
//! production) live beside the service they serve. No HTTP here: `web` turns
//! requests into calls of these functions and their errors into statuses.

pub mod accounts;
pub mod agreements;
pub mod audit;
pub mod cases;
pub mod catalog;
pub mod clock;
pub mod complaints;
pub mod demo;
pub mod documents;
pub mod duties;
mod error;
pub mod evaluation;
pub mod informasi;
pub mod institutions;
pub mod nik_batch;
pub mod outages;
pub mod outbox;
pub mod performance;
pub mod privacy;
pub mod queue;
pub mod register;
pub mod reports;
pub mod second_factor;
pub mod slots;
pub mod staff_evaluations;
pub mod stock;
pub mod surveys;
pub mod whatsapp;

pub use accounts::Principal;
pub use catalog::Catalog;
pub use clock::Clock;
pub use error::{Error, Result};

use std::sync::Arc;
use store::Store;

/// Settings of the application layer; the binary fills them from
/// `layanan.toml` and `LAYANAN_*` (flattened beside the web settings).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Config {
    /// Where uploaded files and issued PDFs are kept (content-addressed,
    /// outside any web root).
    pub files_dir: std::path::PathBuf,
    /// Largest accepted upload, per file.
    pub max_upload_bytes: usize,
    /// The address citizens reach the portal at; QR codes point there.
    pub public_url: String,
    /// Failed logins in a row before an account is locked.
    pub lockout_after: i32,
    pub lockout_minutes: i64,
    pub session_hours: i64,
    /// Roles whose accounts must have a second factor (TOTP): until one is
    /// enrolled, such an account reaches only its enrolment page.
    pub second_factor_roles: Vec<domain::Role>,
    /// The WhatsApp Business Cloud API (`[whatsapp]`); off when absent.
    pub whatsapp: Option<whatsapp::Settings>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            files_dir: "data/files".into(),
            max_upload_bytes: 5 * 1024 * 1024,
            public_url: "http://127.0.0.1:8080".into(),
            lockout_after: 5,
            lockout_minutes: 15,
            session_hours: 12,
            second_factor_roles: vec![domain::Role::Admin, domain::Role::KepalaDinas, domain::Role::Auditor],
            whatsapp: None,
        }
    }
}

/// Everything a service needs: the store, the stored files, the loaded
/// catalogue, the key that unlocks the office signing keys, the office
/// calendars and the clock. Cheap to clone (all shared).
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub catalog: Arc<Catalog>,
    pub config: Arc<Config>,
    pub files: Arc<dyn store::files::FileStore>,
    /// Encrypts the office signing keys; set from configuration.
    pub document_secret: Arc<::documents::keys::Secret>,
    /// What time it is: the system clock, or a test's hand-set one.
    pub clock: Arc<dyn Clock>,
    /// Office calendars, kept a short while (see `cases::clock::calendar`).
    pub(crate) calendars: Arc<std::sync::Mutex<cases::clock::CalendarCache>>,
    /// Wakes the document producer when a document is waiting for its PDF.
    pub(crate) produce: Arc<tokio::sync::Notify>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, catalog: Catalog, config: Config) -> App {
        let files = Arc::new(store::files::DiskFiles::new(config.files_dir.clone()));
        App {
            store,
            catalog: Arc::new(catalog),
            config: Arc::new(config),
            files,
            // Replaced by the configured secret in a real deployment
            // (`with_document_secret`); a fresh one suits tests.
            document_secret: Arc::new(::documents::keys::Secret::generate()),
            clock: Arc::new(clock::SystemClock),
            calendars: Arc::default(),
            produce: Arc::default(),
        }
    }

    pub fn with_document_secret(mut self, secret: ::documents::keys::Secret) -> App {
        self.document_secret = Arc::new(secret);
        self
    }

    /// Runs the services on another clock (tests move time forward).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> App {
        self.clock = clock;
        self
    }

    /// Now, by the app's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today in `office`'s time zone, by the app's clock.
    pub fn today(&self, office: &str) -> chrono::NaiveDate {
        self.now().with_timezone(&clock::office_zone(office).offset()).date_naive()
    }
}

/// Runs one round of a background job every `every` until the process
/// ends (a late round does not make the next ones bunch up). Each job's
/// round logs its own outcome.
pub(crate) fn repeat<F, R>(every: std::time::Duration, mut round: F) -> tokio::task::JoinHandle<()>
where
    F: FnMut() -> R + Send + 'static,
    R: std::future::Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            round().await;
        }
    })
}

/// Runs a reminder job every `every` until the process ends, logging how
/// many it sent (`what`) or why it failed.
pub(crate) fn spawn_reminder<F, R>(
    app: App,
    every: std::time::Duration,
    what: &'static str,
    job: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(App) -> R + Send + Sync + 'static,
    R: std::future::Future<Output = Result<usize, Error>> + Send,
{
    repeat(every, move || {
        let run = job(app.clone());
        async move {
            match run.await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminded = n, "{what}"),
                Err(e) => tracing::warn!(error = %e, "{what}: the reminder failed"),
            }
        }
    })
}

/// Compares secrets in time independent of where they differ.
pub use domain::constant_time_eq;

/// Which column of a CSV file holds each of `N` known fields, read off its
/// first line: a header naming `key` maps them by name (a field it lacks is
/// `None`); any other first line is already a row, its columns in
/// `default`'s order. The NIK batch and the register import read with it.
pub struct Columns<const N: usize> {
    names: [&'static str; N],
    key: &'static str,
    default: [Option<usize>; N],
    found: Option<[Option<usize>; N]>,
}

impl<const N: usize> Columns<N> {
    pub const fn new(names: [&'static str; N], key: &'static str, default: [Option<usize>; N]) -> Self {
        Columns { names, key, default, found: None }
    }

    /// One line's cells and the columns of the fields; `None` for a blank
    /// line and for the header (a line end and a byte-order mark dropped).
    pub fn read(&mut self, line: &str) -> Option<(Vec<String>, [Option<usize>; N])> {
        let line = line.trim_end_matches(['\r', '\n']).trim_start_matches('\u{feff}');
        if line.trim().is_empty() {
            return None;
        }
        let cells = csv_cells(line);
        if let Some(c) = self.found {
            return Some((cells, c));
        }
        let named: Vec<String> = cells.iter().map(|c| c.trim().to_lowercase()).collect();
        if named.iter().any(|c| c == self.key) {
            self.found = Some(self.names.map(|name| named.iter().position(|c| c == name)));
            return None;
        }
        self.found = Some(self.default);
        Some((cells, self.default))
    }
}

/// The cells of one CSV line (`,`, or `;` when the line has no comma, as
/// spreadsheets in Indonesian locales write); quotes as RFC 4180.
pub fn csv_cells(line: &str) -> Vec<String> {
    let sep = if !line.contains(',') && line.contains(';') { ';' } else { ',' };
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// A CSV cell, quoted when it holds a separator (comma or semicolon), a
/// quote or a line break: the exports and the NIK batch write with it.
pub fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', ';']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// A table as CSV: its header, then one line per row (numbers as written).
pub fn csv_table(table: &::documents::xlsx::Sheet) -> String {
    let line = |cells: Vec<String>| cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",") + "\n";
    let mut out = line(table.header.clone());
    for row in &table.rows {
        out.push_str(&line(row.iter().map(::documents::xlsx::Cell::text).collect()));
    }
    out
}
