// The SQL of `Outages`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

#[async_trait]
impl Outages for This {
    async fn declare_outage(
        &self,
        actor: &str,
        office: &str,
        reason: &str,
        starts_at: i64,
    ) -> Result<Outage> {
        let mut tx = self.begin().await?;
        let open: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outages WHERE office = $1 AND ends_at IS NULL")
                .bind(office)
                .fetch_one(&mut *tx)
                .await?;
        if open > 0 {
            return Err(StoreError::Conflict(format!("office {office} has an open outage; end it first")));
        }
        let o: Outage = sqlx::query_as(
            "INSERT INTO outages (office, reason, starts_at, declared_by) VALUES ($1, $2, $3, $4) RETURNING *",
        )
        .bind(office)
        .bind(reason)
        .bind(starts_at)
        .bind(actor)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "outage"))?;
        let detail = format!("outage {} from {starts_at}: {reason}", o.id);
        Self::append_audit(&mut tx, NewAudit::change(actor, "outage.declare", office, detail)).await?;
        tx.commit().await?;
        Ok(o)
    }

    async fn end_outage(&self, actor: &str, id: i64, ends_at: i64) -> Result<Option<Outage>> {
        let mut tx = self.begin().await?;
        let o: Option<Outage> = sqlx::query_as(
            "UPDATE outages SET ends_at = $2, ended_by = $3 WHERE id = $1 AND ends_at IS NULL RETURNING *",
        )
        .bind(id)
        .bind(ends_at)
        .bind(actor)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(o) = o else { return Ok(None) };
        let detail = format!("outage {id} ended at {ends_at}");
        Self::append_audit(&mut tx, NewAudit::change(actor, "outage.end", &o.office, detail)).await?;
        tx.commit().await?;
        Ok(Some(o))
    }

    async fn open_outage(&self, office: &str) -> Result<Option<Outage>> {
        Ok(sqlx::query_as("SELECT * FROM outages WHERE office = $1 AND ends_at IS NULL")
            .bind(office)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn outages(&self, office: &str, limit: i64) -> Result<Vec<Outage>> {
        Ok(sqlx::query_as(
            "SELECT * FROM outages WHERE office = $1 ORDER BY starts_at DESC, id DESC LIMIT $2",
        )
        .bind(office)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }
}
