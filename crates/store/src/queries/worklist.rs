// The SQL of `Worklist`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

#[async_trait]
impl Worklist for This {
    async fn worklist(&self, q: &WorklistQuery) -> Result<WorklistPage> {
        let page = q.page_sql();
        let cases: Vec<Case> = bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(page.text)), page.args)
            .fetch_all(&self.read)
            .await?;
        let counts = q.counts_sql();
        let rows: Vec<(String, i64)> =
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(counts.text)), counts.args)
                .fetch_all(&self.read)
                .await?;
        let mut per_service: Vec<(String, i64)> = Vec::new();
        for (service, n) in rows {
            match per_service.iter_mut().find(|(s, _)| *s == service) {
                Some(e) => e.1 += n,
                None => per_service.push((service, n)),
            }
        }
        per_service.sort();
        let total = per_service
            .iter()
            .filter(|(s, _)| q.service.as_ref().is_none_or(|want| want == s))
            .map(|(_, n)| n)
            .sum();
        Ok(WorklistPage { cases, total, per_service })
    }

    async fn open_case_counts(&self, office: &str) -> Result<Vec<(String, String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT service, COALESCE(current_step, ''), status, COUNT(*) FROM cases \
             WHERE office = $1 AND status IN ('submitted', 'in_progress', 'returned') \
             GROUP BY service, current_step, status ORDER BY service, current_step, status",
        )
        .bind(office)
        .fetch_all(&self.report)
        .await?)
    }

    async fn open_cases(&self, office: &str, limit: i64) -> Result<Vec<Case>> {
        let sql = format!(
            "SELECT * FROM cases WHERE office = $1 AND status IN ('submitted', 'in_progress', 'returned') \
             ORDER BY {DUE_ORDER} LIMIT $2"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(office).bind(limit).fetch_all(&self.report).await?)
    }

    async fn registered_by(&self, office: &str, from: i64, to: i64) -> Result<Vec<Registered>> {
        Ok(sqlx::query_as(
            "SELECT created_by, service, COUNT(*) AS cases FROM cases \
             WHERE office = $1 AND created_at >= $2 AND created_at < $3 \
             GROUP BY created_by, service ORDER BY created_by, service",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }

    async fn cases_received(&self, office: &str, service: &str, from: i64, to: i64) -> Result<Vec<Case>> {
        Ok(sqlx::query_as(
            "SELECT * FROM cases WHERE office = $1 AND service = $2 AND created_at >= $3 AND created_at < $4 \
             AND channel IS NOT NULL \
             ORDER BY created_at, id",
        )
        .bind(office)
        .bind(service)
        .bind(from)
        .bind(to)
        .fetch_all(&self.report)
        .await?)
    }

    async fn finished_cases(
        &self,
        office: &str,
        service: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<FinishedCase>> {
        Ok(sqlx::query_as(
            "SELECT c.*, (SELECT j.data FROM case_journal j WHERE j.case_id = c.id AND j.action = 'reject' \
             ORDER BY j.id DESC LIMIT 1) AS refusal FROM cases c \
             WHERE c.office = $1 AND c.service = $2 AND c.status IN ('completed', 'rejected') \
             AND c.finished_at >= $3 AND c.finished_at < $4 ORDER BY c.finished_at",
        )
        .bind(office)
        .bind(service)
        .bind(from)
        .bind(to)
        .fetch_all(&self.report)
        .await?)
    }
}
