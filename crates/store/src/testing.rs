//! Fresh, isolated stores for tests: a SQLite file in a temporary folder,
//! or a new PostgreSQL database per test so tests can run in parallel.
//!
//! PostgreSQL tests use `LAYANAN_TEST_POSTGRES_URL` (a server URL whose user
//! may create databases), or the local default server. See `postgres_url`
//! for when they skip: never in CI.

use crate::{PgStore, SqliteStore, Store};
use std::path::PathBuf;
use std::sync::Arc;

/// A store plus what must live as long as it (the temporary folder), and
/// what must go with it (the PostgreSQL test database).
pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub url: String,
    _dir: Option<TempDir>,
    _db: Option<DropDatabase>,
}

/// Drops a PostgreSQL test database when the test is over, so runs do not
/// pile databases up on the server.
pub struct DropDatabase {
    pub server: String,
    pub name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which must not block on
        // itself: use a short-lived runtime on another thread.
        let done = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut c) = sqlx::PgConnection::connect(&server).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await;
                    let _ = c.close().await;
                }
            });
        });
        let _ = done.join();
    }
}

/// A folder removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        let mut bytes = [0u8; 8];
        getrandom_fill(&mut bytes);
        let dir = std::env::temp_dir().join(format!("{prefix}-{}", hex::encode(bytes)));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn getrandom_fill(buf: &mut [u8]) {
    // Uniqueness, not secrecy, is needed here: time and a counter suffice.
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let mix = (t as u64) ^ (n.wrapping_mul(0x9e37_79b9_7f4a_7c15)) ^ u64::from(std::process::id());
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (mix >> ((i % 8) * 8)) as u8;
    }
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

/// Creates `<prefix>_<random>` on the server: its URL, and the guard that
/// drops it again.
pub async fn scratch_postgres_database(server: &str, prefix: &str) -> Result<(String, DropDatabase), String> {
    use sqlx::Connection;
    let mut bytes = [0u8; 8];
    getrandom_fill(&mut bytes);
    let name = format!("{prefix}_{}", hex::encode(bytes));
    let mut conn = sqlx::PgConnection::connect(server).await.map_err(|e| e.to_string())?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    conn.close().await.ok();
    Ok((replace_database(server, &name), DropDatabase { server: server.to_string(), name }))
}

/// `postgres://u@h:p/db?x` with `db` replaced.
fn replace_database(server: &str, name: &str) -> String {
    let (base, query) = server.split_once('?').map_or((server, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        use super::replace_database as r;
        assert_eq!(r("postgres://postgres@127.0.0.1:5432/test", "x"), "postgres://postgres@127.0.0.1:5432/x");
        assert_eq!(r("postgres://127.0.0.1", "x"), "postgres://127.0.0.1/x");
        assert_eq!(r("postgres://h/db?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
    }
}
