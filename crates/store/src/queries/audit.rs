// The SQL of `Audit`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

impl This {
    /// Appends one row to the audit chain inside the caller's
    /// transaction, so the change and its record commit together.
    async fn append_audit(tx: &mut sqlx::Transaction<'static, Db>, a: NewAudit<'_>) -> Result<()> {
        let chain = Self::lock_audit(tx, Self::audit_chain(a.object)).await?;
        let last: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log WHERE chain = $1 ORDER BY seq DESC LIMIT 1")
                .bind(chain)
                .fetch_optional(&mut **tx)
                .await?;
        let (prev_seq, prev_hash) = last.unwrap_or((0, GENESIS.to_string()));
        let seq = prev_seq + 1;
        let at = now_ms();
        let kind = a.kind.as_str();
        let hash = chain_hash(chain, &prev_hash, seq, at, kind, a.actor, a.action, a.object, &a.detail);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, kind, actor, action, object, detail, prev_hash, hash, chain) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
        )
        .bind(seq)
        .bind(at)
        .bind(kind)
        .bind(a.actor)
        .bind(a.action)
        .bind(a.object)
        .bind(&a.detail)
        .bind(&prev_hash)
        .bind(&hash)
        .bind(chain)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl Audit for This {
    async fn log_access(&self, actor: &str, whose: &str, purpose: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let a = NewAudit::access(actor, "personal_data.read", whose, purpose.to_string());
        Self::append_audit(&mut tx, a).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_entries(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as("SELECT * FROM audit_log WHERE seq > $1 ORDER BY at, chain, seq LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }

    async fn audit_chains(&self) -> Result<Vec<i32>> {
        Ok(sqlx::query_scalar("SELECT DISTINCT chain FROM audit_log ORDER BY chain")
            .fetch_all(&self.read)
            .await?)
    }

    async fn audit_heads(&self) -> Result<Vec<ChainHead>> {
        Ok(sqlx::query_as(
            "SELECT a.chain, a.seq, a.hash FROM audit_log a \
             JOIN (SELECT chain, MAX(seq) AS seq FROM audit_log GROUP BY chain) m \
             ON m.chain = a.chain AND m.seq = a.seq ORDER BY a.chain",
        )
        .fetch_all(&self.read)
        .await?)
    }

    async fn audit_chain_entries(&self, chain: i32, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as("SELECT * FROM audit_log WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3")
            .bind(chain)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }
}
