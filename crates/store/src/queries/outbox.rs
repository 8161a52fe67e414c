// The SQL of `Outbox`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

#[async_trait]
impl Outbox for This {
    async fn notifications(&self, office: &str, limit: i64) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as("SELECT * FROM notifications WHERE office = $1 ORDER BY id DESC LIMIT $2")
            .bind(office)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }

    async fn claim_notifications(
        &self,
        channel: &str,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        let expired = now - lease_ms;
        let candidates: Vec<Notification> = sqlx::query_as(
            "SELECT * FROM notifications WHERE channel = $1 AND status = 'pending' \
             AND (sent_at IS NULL OR sent_at < $2) AND (next_at IS NULL OR next_at <= $4) ORDER BY id LIMIT $3",
        )
        .bind(channel)
        .bind(expired)
        .bind(limit)
        .bind(now)
        .fetch_all(&self.read)
        .await?;
        let mut claimed = Vec::new();
        for n in candidates {
            let won = sqlx::query(
                "UPDATE notifications SET sent_at = $2 WHERE id = $1 AND status = 'pending' \
                 AND (sent_at IS NULL OR sent_at < $3)",
            )
            .bind(n.id)
            .bind(now)
            .bind(expired)
            .execute(&self.write)
            .await?
            .rows_affected();
            if won == 1 {
                claimed.push(n);
            }
        }
        Ok(claimed)
    }

    async fn mark_notification_sent(&self, id: i64, now: i64) -> Result<()> {
        sqlx::query("UPDATE notifications SET status = 'sent', sent_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn mark_notification_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> Result<()> {
        sqlx::query(
            "UPDATE notifications SET attempts = attempts + 1, last_error = $2, next_at = $3, sent_at = NULL, \
             status = CASE WHEN $3 IS NULL THEN 'failed' ELSE 'pending' END WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(error)
        .bind(retry_at)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn failed_notifications(&self, office: &str, limit: i64) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as(
            "SELECT * FROM notifications WHERE office = $1 AND status = 'failed' ORDER BY id DESC LIMIT $2",
        )
        .bind(office)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    async fn resend_notification(&self, actor: &str, office: &str, id: i64) -> Result<Option<Notification>> {
        let mut tx = self.begin().await?;
        let n: Option<Notification> = sqlx::query_as(
            "UPDATE notifications SET status = 'pending', attempts = 0, next_at = NULL, sent_at = NULL \
             WHERE id = $1 AND office = $2 AND status = 'failed' RETURNING *",
        )
        .bind(id)
        .bind(office)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(n) = &n {
            let detail =
                format!("{} to {}: {}", n.channel, n.recipient, n.last_error.as_deref().unwrap_or(""));
            let object = format!("notification:{id}");
            Self::append_audit(&mut tx, NewAudit::change(actor, "notification.resend", &object, detail))
                .await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    async fn outbox_pending(&self) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT channel, COUNT(*) FROM notifications WHERE status = 'pending' GROUP BY channel ORDER BY channel",
        )
        .fetch_all(&self.read)
        .await?)
    }

    async fn staff_notices(
        &self,
        office: &str,
        username: &str,
        role_address: &str,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as(
            "SELECT * FROM notifications WHERE office = $1 AND channel = 'staff' \
             AND (recipient = $2 OR recipient = $3) ORDER BY id DESC LIMIT $4",
        )
        .bind(office)
        .bind(username)
        .bind(role_address)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    async fn case_notifications(&self, case_id: i64) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as("SELECT * FROM notifications WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(&self.read)
            .await?)
    }
}
