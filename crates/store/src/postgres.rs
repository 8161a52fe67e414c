//! PostgreSQL: for a province or a national deployment, with several
//! stateless app instances. Writers that must be serialised (the audit
//! chain, migrations) take transaction-scoped advisory locks.

use crate::{Result, migrate};
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres, Transaction};
use std::time::Duration;

/// Advisory lock keys (arbitrary, fixed).
const AUDIT_LOCK: i64 = 0x6c61_7961_6e01;
const MIGRATE_LOCK: i64 = 0x6c61_7961_6e02;

pub struct PgStore {
    pub(crate) write: PgPool,
    /// The same pool; kept apart so a read replica can be configured later.
    pub(crate) read: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(PgStore { write: pool.clone(), read: pool })
    }

    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.write.begin().await?)
    }

    /// Serialises appends to the audit chain across all app instances.
    pub(crate) async fn lock_audit(tx: &mut Transaction<'static, Postgres>) -> Result<()> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(AUDIT_LOCK).execute(&mut **tx).await?;
        Ok(())
    }

    pub(crate) async fn run_migrations(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(MIGRATE_LOCK).execute(&mut *tx).await?;
        sqlx::query(migrate::CREATE_TABLE).execute(&mut *tx).await?;
        Self::apply_migrations(&mut tx, migrate::POSTGRES).await?;
        tx.commit().await?;
        Ok(())
    }
}
