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

/// Creates `<prefix>_<random>` on the server of `server` (a URL of any of
/// its databases): its URL, and the guard that drops it again.
pub async fn scratch_postgres_database(server: &str, prefix: &str) -> Result<(String, DropDatabase), String> {
    use sqlx::Connection;
    let mut bytes = [0u8; 8];
    getrandom_fill(&mut bytes);
    let name = format!("{prefix}_{}", hex::encode(bytes));
    // Through the maintenance database: `server` may name one that does
    // not exist yet (a restore onto a new server).
    let maintenance = replace_database(server, "postgres");
    let mut conn = sqlx::PgConnection::connect(&maintenance).await.map_err(|e| e.to_string())?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    conn.close().await.ok();
    Ok((replace_database(server, &name), DropDatabase { server: maintenance, name }))
}

/// The database a `postgres://…/db?x` URL names.
pub fn database_name(url: &str) -> Option<String> {
    let base = url.split('?').next().unwrap_or(url);
    let rest = &base[base.find("://")? + 3..];
    let name = &rest[rest.find('/')? + 1..];
    (!name.is_empty()).then(|| name.to_string())
}

/// Puts the database `scratch` (on the server of `live`) in the place of
/// `live`'s database: the old one is renamed aside, the scratch one takes
/// its name, then the old one is dropped. Nobody may be connected to
/// either (the servers are stopped for a restore).
pub async fn swap_postgres_database(live: &str, scratch: &str) -> Result<(), String> {
    use sqlx::Connection;
    let name = database_name(live).ok_or_else(|| format!("{live} names no database"))?;
    let quote = |n: &str| format!("\"{}\"", n.replace('"', "\"\""));
    let mut bytes = [0u8; 8];
    getrandom_fill(&mut bytes);
    let aside = format!("{name}_replaced_{}", hex::encode(bytes));
    let mut c =
        sqlx::PgConnection::connect(&replace_database(live, "postgres")).await.map_err(|e| e.to_string())?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&name)
        .fetch_one(&mut c)
        .await
        .map_err(|e| e.to_string())?;
    // Both renames in one transaction: the live name always names a whole
    // database, the old one or the restored one.
    let mut sql = String::from("BEGIN;");
    if exists {
        sql += &format!("ALTER DATABASE {} RENAME TO {};", quote(&name), quote(&aside));
    }
    sql += &format!("ALTER DATABASE {} RENAME TO {}; COMMIT;", quote(scratch), quote(&name));
    let swap = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut c).await;
    swap.map_err(|e| {
        format!("the restored database could not take {name}'s place: {e} (are the servers stopped?)")
    })?;
    if exists {
        let drop = format!("DROP DATABASE {}", quote(&aside));
        sqlx::raw_sql(sqlx::AssertSqlSafe(drop)).execute(&mut c).await.map_err(|e| e.to_string())?;
    }
    c.close().await.ok();
    Ok(())
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

    #[test]
    fn database_name_is_read() {
        use super::database_name as n;
        assert_eq!(n("postgres://postgres@127.0.0.1:5432/test").as_deref(), Some("test"));
        assert_eq!(n("postgres://h/db?sslmode=disable").as_deref(), Some("db"));
        assert_eq!(n("postgres://h/"), None);
        assert_eq!(n("postgres://h"), None);
    }
}
