//! Scratch space: a temporary folder and a throw-away PostgreSQL database,
//! each removed when dropped. Used by `layanan bench` and `layanan restore`
//! (which verifies a backup in scratch space first), and by the tests.

use std::path::PathBuf;

/// Drops a scratch PostgreSQL database when it goes out of scope, so runs
/// do not pile databases up on the server.
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

pub(crate) fn getrandom_fill(buf: &mut [u8]) {
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
