//! Test support (the `testing` feature, for dev-dependencies only; it is
//! not in the shipped binary). Fresh, isolated stores for tests: a SQLite file in a temporary folder,
//! or a new PostgreSQL database per test so tests can run in parallel.
//!
//! PostgreSQL tests use `LAYANAN_TEST_POSTGRES_URL` (a server URL whose user
//! may create databases), or the local default server. See `postgres_url`
//! for when they skip: never in CI.

use crate::scratch::scratch_postgres_database;
pub use crate::scratch::{DropDatabase, TempDir};
use crate::{Directory, PgStore, SqliteStore, Store};
use std::sync::Arc;

/// A store plus what must live as long as it (the temporary folder), and
/// what must go with it (the PostgreSQL test database).
pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub url: String,
    _dir: Option<TempDir>,
    _db: Option<DropDatabase>,
}

/// A migrated SQLite store in a fresh temporary file.
pub async fn sqlite() -> TestStore {
    let dir = TempDir::new("layanan-test");
    let url = format!("sqlite://{}", dir.0.join("test.db").display());
    let store = SqliteStore::connect(&url).await.expect("open sqlite");
    store.migrate().await.expect("migrate sqlite");
    TestStore { store: Arc::new(store), url, _dir: Some(dir), _db: None }
}

/// The local server every machine of this project runs; used when no URL is set.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The server URL for PostgreSQL tests, or `None` to skip them.
///
/// `LAYANAN_TEST_POSTGRES_URL` names the server; without it the local
/// default is tried. A server that cannot be reached skips the test with a
/// message on a developer's machine, and fails it in CI or when the URL was
/// set explicitly.
pub fn postgres_url() -> Option<String> {
    let explicit = std::env::var("LAYANAN_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty());
    let url = explicit.clone().unwrap_or_else(|| DEFAULT_POSTGRES_URL.to_string());
    match reachable(&url) {
        Ok(()) => Some(url),
        Err(e) if explicit.is_some() || in_ci() => {
            panic!("PostgreSQL at {url} is required for this test (CI or LAYANAN_TEST_POSTGRES_URL set): {e}")
        }
        Err(e) => {
            eprintln!("skipping PostgreSQL test: {url} unreachable ({e}); set LAYANAN_TEST_POSTGRES_URL");
            None
        }
    }
}

/// A quick TCP check of the server's host and port.
fn reachable(url: &str) -> Result<(), String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host_port = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = host_port.rsplit_once('@').map_or(host_port, |(_, h)| h);
    let addr = if host_port.contains(':') { host_port.to_string() } else { format!("{host_port}:5432") };
    let addrs: Vec<_> = std::net::ToSocketAddrs::to_socket_addrs(&addr).map_err(|e| e.to_string())?.collect();
    let first = addrs.first().ok_or("no address")?;
    std::net::TcpStream::connect_timeout(first, std::time::Duration::from_secs(2))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A new, empty, migrated PostgreSQL database, or `None` when skipped.
pub async fn postgres() -> Option<TestStore> {
    let server = postgres_url()?;
    let url = fresh_postgres_database(&server).await;
    let name = url.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default().to_string();
    let store = PgStore::connect(&url).await.expect("connect to the test database");
    store.migrate().await.expect("migrate postgres");
    let drop = DropDatabase { server, name };
    Some(TestStore { store: Arc::new(store), url, _dir: None, _db: Some(drop) })
}

/// Creates `layanan_test_<random>` on the server and returns its URL.
pub async fn fresh_postgres_database(server: &str) -> String {
    let (url, dropper) =
        scratch_postgres_database(server, "layanan_test").await.expect("create test database");
    std::mem::forget(dropper);
    url
}

/// A case row for unit tests of the rules that read one: an in-progress
/// counter case of Muba's KTP-el at step 2, nothing timed; set what a test
/// needs with struct update syntax.
pub fn sample_case() -> crate::Case {
    crate::Case {
        id: 1,
        tracking_code: "TESTCASE01".into(),
        office: "16.06".into(),
        service: "ktp-el".into(),
        standard_version: 1,
        channel: "counter".into(),
        status: domain::Status::InProgress,
        current_step: Some("2".into()),
        current_actor: Some("operator".into()),
        assignee: None,
        version: 1,
        applicant_name: "A".into(),
        applicant: domain::Applicant {
            name: "A".into(),
            nik: None,
            phone: None,
            email: None,
            organisation: None,
        },
        fields: "{}".into(),
        created_by: "test".into(),
        created_at: 0,
        updated_at: 0,
        service_started_at: None,
        due_at: None,
        step_started_at: None,
        step_due_at: None,
        paused_at: None,
        case_left_ms: None,
        step_left_ms: None,
        finished_at: None,
        institution_id: None,
        parent_id: None,
        linked_from: None,
        agreement_id: None,
        duty_period: None,
    }
}
