//! SQLite: the embedded default for one office on one machine. WAL mode,
//! full fsync on commit, foreign keys on, and a single writer connection so
//! writers queue in the app instead of failing with "database is locked".

use crate::{Result, migrate};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    /// One connection: SQLite allows one writer at a time anyway.
    pub(crate) write: SqlitePool,
    /// Readers run in parallel thanks to WAL.
    pub(crate) read: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<SqliteStore> {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(dir) = opts.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                crate::StoreError::Invalid(format!("cannot create database directory {}: {e}", dir.display()))
            })?;
        }
        let write = SqlitePoolOptions::new().max_connections(1).connect_with(opts.clone()).await?;
        let read = SqlitePoolOptions::new().max_connections(4).connect_with(opts.read_only(true)).await;
        // A read-only pool fails on a database that does not exist yet; the
        // writer has created it now, so open it again.
        let read = match read {
            Ok(p) => p,
            Err(_) => SqlitePoolOptions::new().max_connections(4).connect_with(opts_read(url)?).await?,
        };
        Ok(SqliteStore { write, read })
    }

    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.write.begin().await?)
    }

    /// Nothing to lock: the single writer connection serialises writers.
    pub(crate) async fn lock_audit(_tx: &mut Transaction<'static, Sqlite>) -> Result<()> {
        Ok(())
    }

    pub(crate) async fn run_migrations(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(migrate::CREATE_TABLE).execute(&mut *tx).await?;
        Self::apply_migrations(&mut tx, migrate::SQLITE).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn opts_read(url: &str) -> Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str(url)?.read_only(true).busy_timeout(Duration::from_secs(10)))
}
