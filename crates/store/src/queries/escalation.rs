// The SQL of `Escalations`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

#[async_trait]
impl Escalations for This {
    async fn cases_to_escalate(&self, now: i64, limit: i64) -> Result<Vec<Case>> {
        Ok(sqlx::query_as("SELECT * FROM cases WHERE escalate_at <= $1 ORDER BY escalate_at LIMIT $2")
            .bind(now)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }

    async fn escalate(&self, batch: &[CaseEscalation]) -> Result<usize> {
        let now = now_ms();
        let mut sorted: Vec<&CaseEscalation> = batch.iter().collect();
        sorted.sort_by_key(|c| c.case_id);
        let mut tx = self.begin().await?;
        // Case rows first and in id order, as every case action
        // takes its row before the audit chain (see insert_document
        // for the lock order): two sweepers never deadlock.
        for c in &sorted {
            sqlx::query("UPDATE cases SET escalate_at = $3 WHERE id = $1 AND version = $2")
                .bind(c.case_id)
                .bind(c.version)
                .bind(c.next_at)
                .execute(&mut *tx)
                .await?;
        }
        let mut fired = 0;
        for c in &sorted {
            for e in &c.levels {
                let inserted = sqlx::query(
                    "INSERT INTO escalations (case_id, step, level, fired_at) VALUES ($1,$2,$3,$4) \
                     ON CONFLICT (case_id, step, level) DO NOTHING",
                )
                .bind(c.case_id)
                .bind(&e.clock)
                .bind(e.level)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted > 0 {
                    Self::insert_journal(&mut tx, c.case_id, now, &e.journal).await?;
                    Self::insert_notifications(&mut tx, Some(c.case_id), now, &e.notes).await?;
                    fired += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(fired)
    }

    async fn escalations_fired(&self, case_id: i64) -> Result<Vec<(String, i32)>> {
        Ok(sqlx::query_as("SELECT step, level FROM escalations WHERE case_id = $1 ORDER BY step, level")
            .bind(case_id)
            .fetch_all(&self.read)
            .await?)
    }
}
