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
}
