// The SQL of `Performance`, written once: `crates/store/src/common.rs`
// includes this file for each backend (`This` and `Db` are that backend's types).

#[async_trait]
impl Performance for This {
    async fn received(&self, office: &str, from: i64, to: i64) -> Result<Vec<Received>> {
        Ok(sqlx::query_as(
            "SELECT service, channel, status, COUNT(*) AS cases FROM cases \
             WHERE office = $1 AND created_at >= $2 AND created_at < $3 AND channel IS NOT NULL \
             GROUP BY service, channel, status",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .fetch_all(&self.report)
        .await?)
    }

    async fn backlog(&self, office: &str, now: i64) -> Result<Vec<Backlog>> {
        Ok(sqlx::query_as(
            "SELECT service, COUNT(*) AS open, SUM(CASE WHEN due_at < $2 THEN 1 ELSE 0 END) AS overdue \
             FROM cases WHERE office = $1 AND status IN ('submitted', 'in_progress', 'returned') \
             AND channel IS NOT NULL GROUP BY service",
        )
        .bind(office)
        .bind(now)
        .fetch_all(&self.report)
        .await?)
    }

    async fn finished_lines(&self, office: &str, from: i64, to: i64) -> Result<Vec<CaseLine>> {
        Ok(sqlx::query_as(
            "SELECT service, channel, status, created_at, service_started_at, finished_at, due_at FROM cases \
             WHERE office = $1 AND finished_at >= $2 AND finished_at < $3",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .fetch_all(&self.report)
        .await?)
    }

    async fn step_stats(&self, office: &str, from: i64, to: i64) -> Result<Vec<StepStat>> {
        Ok(sqlx::query_as(
            "SELECT service, step, actor, COUNT(*) AS done, \
             SUM(CASE WHEN due_at IS NOT NULL THEN 1 ELSE 0 END) AS timed, \
             SUM(CASE WHEN due_at IS NOT NULL AND ended_at <= due_at THEN 1 ELSE 0 END) AS on_time, \
             SUM(CASE WHEN action = 'return' THEN 1 ELSE 0 END) AS returns, \
             CAST(SUM(work_minutes) AS BIGINT) AS work_minutes \
             FROM case_steps WHERE office = $1 AND ended_at >= $2 AND ended_at < $3 \
             GROUP BY service, step, actor ORDER BY service, step",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .fetch_all(&self.report)
        .await?)
    }

    async fn officer_stats(&self, office: &str, from: i64, to: i64) -> Result<Vec<OfficerStat>> {
        Ok(sqlx::query_as(
            "SELECT s.done_by, s.service, s.step, COUNT(*) AS done, \
             SUM(CASE WHEN s.due_at IS NOT NULL THEN 1 ELSE 0 END) AS timed, \
             SUM(CASE WHEN s.due_at IS NOT NULL AND s.ended_at <= s.due_at THEN 1 ELSE 0 END) AS on_time, \
             SUM(CASE WHEN s.action = 'return' THEN 1 ELSE 0 END) AS returns, \
             SUM(CASE WHEN s.action = 'reject' THEN 1 ELSE 0 END) AS rejects, \
             CAST(SUM(s.work_minutes) AS BIGINT) AS work_minutes, \
             CAST(SUM(COALESCE(s.limit_minutes, 0)) AS BIGINT) AS limit_minutes, \
             CAST(SUM((SELECT COUNT(*) FROM escalations e WHERE e.case_id = s.case_id AND e.step = s.step)) \
               AS BIGINT) AS escalations \
             FROM case_steps s WHERE s.office = $1 AND s.ended_at >= $2 AND s.ended_at < $3 \
             AND s.actor NOT IN ('pemohon', 'external') \
             GROUP BY s.done_by, s.service, s.step ORDER BY s.done_by, s.service, s.step",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .fetch_all(&self.report)
        .await?)
    }

    async fn step_minutes(
        &self,
        office: &str,
        service: &str,
        step: &str,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT work_minutes FROM case_steps WHERE office = $1 AND service = $2 AND step = $3 \
             AND action = 'advance' AND ended_at >= $4 AND ended_at < $5 ORDER BY ended_at DESC LIMIT $6",
        )
        .bind(office)
        .bind(service)
        .bind(step)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&self.report)
        .await?;
        Ok(rows.into_iter().map(|(m,)| m).collect())
    }

    async fn staff_evaluations(&self, office: &str) -> Result<Vec<StaffEvaluation>> {
        Ok(sqlx::query_as("SELECT * FROM staff_evaluations WHERE office = $1 ORDER BY period DESC")
            .bind(office)
            .fetch_all(&self.read)
            .await?)
    }

    async fn remind_staff_evaluation(
        &self,
        office: &str,
        period: &str,
        notes: &[NewNotification],
        at: i64,
    ) -> Result<bool> {
        let claim = "INSERT INTO staff_evaluations (office, period, reminded_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (office, period) DO NOTHING RETURNING office";
        self.remind_once(claim, office, period, notes, at).await
    }

    async fn record_staff_evaluation(&self, e: &StaffEvaluation) -> Result<StaffEvaluation> {
        let mut tx = self.begin().await?;
        let row: Option<StaffEvaluation> = sqlx::query_as(
            "INSERT INTO staff_evaluations (office, period, recorded_by, recorded_at, findings, actions) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (office, period) DO UPDATE SET \
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at, \
             findings = excluded.findings, actions = excluded.actions \
             WHERE staff_evaluations.recorded_by IS NULL RETURNING *",
        )
        .bind(&e.office)
        .bind(&e.period)
        .bind(&e.recorded_by)
        .bind(e.recorded_at)
        .bind(&e.findings)
        .bind(&e.actions)
        .fetch_optional(&mut *tx)
        .await?;
        let row =
            row.ok_or_else(|| StoreError::Conflict(format!("the evaluation of {} is recorded", e.period)))?;
        let actor = row.recorded_by.clone().unwrap_or_default();
        let object = format!("staff_evaluation:{}:{}", row.office, row.period);
        let detail = row.findings.clone().unwrap_or_default();
        Self::append_audit(&mut tx, NewAudit::change(&actor, "staff_evaluation.record", &object, detail))
            .await?;
        tx.commit().await?;
        Ok(row)
    }
}
