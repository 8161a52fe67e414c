// The SQL of `Queue`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

#[async_trait]
impl Queue for This {
    async fn take_ticket(&self, t: &NewTicket) -> Result<Ticket> {
        let lane = if t.priority.is_empty() { "" } else { "P" };
        // Two takers may count the same next number on PostgreSQL: the
        // unique index refuses the second, which counts again.
        for _ in 0..5 {
            let mut tx = self.begin().await?;
            let taken: std::result::Result<Ticket, sqlx::Error> = sqlx::query_as(
                "INSERT INTO queue_tickets (office, service, day, seq, number, priority, lane, taken_at) \
                 SELECT $1, $2, $3, n, $4 || $6 || '-' || lpad_n, $5, $6, $7 FROM ( \
                   SELECT COALESCE(MAX(seq), 0) + 1 AS n, \
                          CASE WHEN COALESCE(MAX(seq), 0) + 1 < 10 THEN '00' \
                               WHEN COALESCE(MAX(seq), 0) + 1 < 100 THEN '0' ELSE '' END \
                          || CAST(COALESCE(MAX(seq), 0) + 1 AS TEXT) AS lpad_n \
                   FROM queue_tickets WHERE office = $1 AND service = $2 AND day = $3 AND lane = $6) next \
                 RETURNING *",
            )
            .bind(&t.office)
            .bind(&t.service)
            .bind(&t.day)
            .bind(&t.prefix)
            .bind(&t.priority)
            .bind(lane)
            .bind(t.at)
            .fetch_one(&mut *tx)
            .await;
            match taken.map_err(|e| StoreError::from_write(e, "a ticket")) {
                Ok(ticket) => {
                    tx.commit().await?;
                    return Ok(ticket);
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict("the queue is busy; take a number again".into()))
    }

    async fn call_next(
        &self,
        office: &str,
        day: &str,
        services: &[String],
        counter: &str,
        by: &str,
        at: i64,
    ) -> Result<Option<Ticket>> {
        // One statement picks and takes the next ticket. SQLite's single
        // writer serialises callers; on PostgreSQL a caller that loses the
        // row to another finds it no longer waiting and tries the next.
        for _ in 0..100 {
            let mut q =
                sqlx::QueryBuilder::<Db>::new("UPDATE queue_tickets SET status = 'called', called_at = ");
            q.push_bind(at).push(", called_by = ").push_bind(by).push(", counter = ").push_bind(counter);
            q.push(" WHERE status = 'waiting' AND id = (SELECT id FROM queue_tickets WHERE status = 'waiting' AND office = ");
            q.push_bind(office).push(" AND day = ").push_bind(day);
            queue_services(&mut q, services);
            q.push(" ORDER BY lane DESC, taken_at, id LIMIT 1) RETURNING *");
            let mut tx = self.begin().await?;
            let called: Option<Ticket> = q.build_query_as().fetch_optional(&mut *tx).await?;
            tx.commit().await?;
            if called.is_some() {
                return Ok(called);
            }
            let mut left = sqlx::QueryBuilder::<Db>::new(
                "SELECT COUNT(*) FROM queue_tickets WHERE status = 'waiting' AND office = ",
            );
            left.push_bind(office).push(" AND day = ").push_bind(day);
            queue_services(&mut left, services);
            // Asked on the writer: a replica may not have the last call yet.
            let mut tx = self.begin().await?;
            let (waiting,): (i64,) = left.build_query_as().fetch_one(&mut *tx).await?;
            tx.commit().await?;
            if waiting == 0 {
                return Ok(None);
            }
        }
        Err(StoreError::Conflict("the queue is busy; call again".into()))
    }

    async fn tickets(&self, office: &str, day: &str) -> Result<Vec<Ticket>> {
        Ok(sqlx::query_as("SELECT * FROM queue_tickets WHERE office = $1 AND day = $2 ORDER BY taken_at, id")
            .bind(office)
            .bind(day)
            .fetch_all(&self.read)
            .await?)
    }
}

/// ` AND service IN (…)` when the caller names services.
fn queue_services(q: &mut sqlx::QueryBuilder<Db>, services: &[String]) {
    if services.is_empty() {
        return;
    }
    q.push(" AND service IN (");
    let mut list = q.separated(", ");
    for s in services {
        list.push_bind(s.as_str());
    }
    q.push(")");
}
