// The SQL of `Bench`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

impl This {
    /// The bench baseline's one plain row, inside `tx`.
    pub(crate) async fn insert_raw(tx: &mut sqlx::Transaction<'static, Db>, payload: &str) -> Result<()> {
        sqlx::query("INSERT INTO bench_raw (at, payload) VALUES ($1, $2)")
            .bind(now_ms())
            .bind(payload)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl Bench for This {
    async fn bench_prepare(&self) -> Result<()> {
        sqlx::query(Self::BENCH_RAW_TABLE).execute(&self.write).await?;
        Ok(())
    }

    async fn bench_raw_insert(&self, payload: &str) -> Result<()> {
        self.commit_raw(payload).await
    }

    async fn bench_fill_cases(&self, f: &CaseFill) -> Result<u64> {
        let sql = f.sql();
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(f.first)
            .bind(f.first + f.count - 1)
            .bind(&f.office)
            .bind(&f.service)
            .bind(f.version)
            .bind(&f.channel)
            .bind(f.now)
            .bind(f.spread_ms)
            .bind(f.count.max(1));
        for (step, _) in &f.steps {
            q = q.bind(step);
        }
        for (_, actor) in &f.steps {
            q = q.bind(actor);
        }
        // Read before the transaction: on SQLite a transaction that reads
        // first cannot take the write lock once the server has written
        // meanwhile (its document producer may be running). Only the bench
        // creates `bench` cases, so `id > before AND created_by = 'bench'`
        // names the new rows.
        let before: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM cases").fetch_one(&self.write).await?;
        let mut tx = self.begin().await?;
        let n = q.execute(&mut *tx).await?.rows_affected();
        // Each generated case carries what a real one does: its
        // submission in the journal, and an audit row. The audit rows
        // sit on a chain of their own (99, outside the live chains)
        // with placeholder hashes and negative sequence numbers: the
        // bench's scratch database is never verified, the live chains
        // stay intact, and finding a chain's last row (a descending scan
        // of `seq` on SQLite) does not walk past them.
        sqlx::query(
            "INSERT INTO case_journal (case_id, at, actor, on_behalf, action, from_status, to_status, from_step, to_step) \
             SELECT id, created_at, 'bench', false, 'submit', NULL, 'submitted', NULL, current_step FROM cases WHERE id > $1 AND created_by = 'bench'",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO audit_log (seq, at, kind, actor, action, object, detail, prev_hash, hash, chain) \
             SELECT -id, created_at, 'change', 'bench', 'case.submit', 'case:' || id, \
             '- -> submitted', 'bench', 'bench', 99 FROM cases WHERE id > $1 AND created_by = 'bench'",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Self::after_bulk_load(&self.write).await?;
        Ok(n)
    }

    async fn bench_fill_history(&self, cases: &[HistoryCase]) -> Result<u64> {
        let mut filled = 0;
        // 20 columns a case, 11 a step: batches stay under both backends'
        // parameter limits.
        for batch in cases.chunks(BATCH / 2) {
            let mut tx = self.begin().await?;
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO cases (tracking_code, office, service, standard_version, channel, status, \
                 current_step, current_actor, version, applicant_name, applicant, fields, created_by, \
                 created_at, updated_at, due_at, service_started_at, finished_at, step_started_at, nearest_due_at) ",
            );
            q.push_values(batch, |mut row, c| {
                let open = c.finished_at.is_none();
                row.push_bind(&c.tracking_code)
                    .push_bind(&c.office)
                    .push_bind(&c.service)
                    .push_bind(c.version)
                    .push_bind(&c.channel)
                    .push_bind(&c.status)
                    .push_bind(open.then_some("2"))
                    .push_bind(open.then_some("operator"))
                    .push_bind(1_i64)
                    .push_bind("Pemohon")
                    .push_bind("{\"name\":\"Pemohon\"}")
                    .push_bind("{}")
                    .push_bind("history")
                    .push_bind(c.created_at)
                    .push_bind(c.finished_at.unwrap_or(c.created_at))
                    .push_bind(c.due_at)
                    .push_bind(c.created_at)
                    .push_bind(c.finished_at)
                    .push_bind(open.then_some(c.created_at))
                    .push_bind(c.due_at.filter(|_| open));
            });
            q.push(" RETURNING id, tracking_code");
            let ids: Vec<(i64, String)> = q.build_query_as().fetch_all(&mut *tx).await?;
            let ids: HashMap<&str, i64> = ids.iter().map(|(id, code)| (code.as_str(), *id)).collect();
            let steps: Vec<(i64, &HistoryCase, &HistoryStep)> = batch
                .iter()
                .flat_map(|c| c.steps.iter().map(move |s| (c, s)))
                .filter_map(|(c, s)| Some((*ids.get(c.tracking_code.as_str())?, c, s)))
                .collect();
            for part in steps.chunks(BATCH / 2) {
                let mut q = sqlx::QueryBuilder::<Db>::new(
                    "INSERT INTO case_steps (case_id, office, service, step, actor, done_by, action, \
                     started_at, ended_at, due_at, work_minutes, limit_minutes) ",
                );
                q.push_values(part, |mut row, (id, c, s)| {
                    row.push_bind(*id)
                        .push_bind(&c.office)
                        .push_bind(&c.service)
                        .push_bind(&s.step)
                        .push_bind(&s.actor)
                        .push_bind(&s.done_by)
                        .push_bind(&s.action)
                        .push_bind(s.started_at)
                        .push_bind(s.ended_at)
                        .push_bind(s.due_at)
                        .push_bind(s.work_minutes)
                        .push_bind(s.limit_minutes);
                });
                q.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            filled += ids.len() as u64;
        }
        Self::after_bulk_load(&self.write).await?;
        Ok(filled)
    }
}
