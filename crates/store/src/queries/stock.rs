// The SQL of `Stock`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

/// An office's balance: the `balance_after` of its latest movement.
const BALANCE: &str = "SELECT balance_after FROM stock_movements WHERE office = $1 ORDER BY id DESC LIMIT 1";

impl This {
    /// Movements inside `tx` (checked first: `check_movements`), each
    /// applied to its office's latest balance, with its audit row.
    pub(crate) async fn insert_movements(
        tx: &mut sqlx::Transaction<'static, Db>,
        movements: &[NewMovement],
    ) -> Result<Vec<Movement>> {
        Self::check_movements(tx, movements).await?;
        let mut out = Vec::with_capacity(movements.len());
        for m in movements {
            let balance = Self::balance_in(tx, &m.office).await?;
            let delta = m.sign * m.quantity;
            let row: Movement = sqlx::query_as(
                "INSERT INTO stock_movements (office, kind, quantity, delta, balance_after, reason, \
                 source_document, serial_from, serial_to, counterpart, case_id, actor, at) \
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING *",
            )
            .bind(&m.office)
            .bind(&m.kind)
            .bind(m.quantity)
            .bind(delta)
            .bind(balance + delta)
            .bind(&m.reason)
            .bind(&m.source_document)
            .bind(&m.serial_from)
            .bind(&m.serial_to)
            .bind(&m.counterpart)
            .bind(m.case_id)
            .bind(&m.actor)
            .bind(m.at)
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| StoreError::from_write(e, "a stock movement"))?;
            let detail = format!(
                "{} {} ({}), saldo {}",
                row.kind, row.quantity, row.source_document, row.balance_after
            );
            let object = format!("stock:{}", row.office);
            Self::append_audit(tx, NewAudit::change(&row.actor, "stock.movement", &object, detail)).await?;
            out.push(row);
        }
        Ok(out)
    }

    /// Locks the movements' offices and checks, before anything is written,
    /// that no balance would go below zero: `Conflict` naming the office and
    /// its balance. A case action calls it first, so (like a stale version)
    /// a refusal leaves the transaction it shares with other actions clean.
    /// The audit chain is locked before the offices, as every writer does:
    /// a case step that moves stock already holds its chain, and a movement
    /// must not hold an office while waiting for it.
    pub(crate) async fn check_movements(
        tx: &mut sqlx::Transaction<'static, Db>,
        movements: &[NewMovement],
    ) -> Result<()> {
        let Some(first) = movements.first() else { return Ok(()) };
        Self::lock_audit(tx, Self::audit_chain(&format!("stock:{}", first.office))).await?;
        let mut offices: Vec<&str> = movements.iter().map(|m| m.office.as_str()).collect();
        offices.sort_unstable();
        offices.dedup();
        let mut balances = std::collections::HashMap::new();
        for office in offices {
            Self::lock_stock(tx, office).await?;
            balances.insert(office, Self::balance_in(tx, office).await?);
        }
        for m in movements {
            let balance = balances.get_mut(m.office.as_str()).expect("locked above");
            if *balance + m.sign * m.quantity < 0 {
                return Err(StoreError::Conflict(format!(
                    "the stock of office {} is {balance} blanks; {} cannot go out",
                    m.office, m.quantity
                )));
            }
            *balance += m.sign * m.quantity;
        }
        Ok(())
    }

    async fn balance_in(tx: &mut sqlx::Transaction<'static, Db>, office: &str) -> Result<i64> {
        let last: Option<(i64,)> = sqlx::query_as(BALANCE).bind(office).fetch_optional(&mut **tx).await?;
        Ok(last.map(|r| r.0).unwrap_or(0))
    }
}

#[async_trait]
impl Stock for This {
    async fn record_movements(&self, movements: &[NewMovement]) -> Result<Vec<Movement>> {
        let mut tx = self.begin().await?;
        let rows = Self::insert_movements(&mut tx, movements).await?;
        tx.commit().await?;
        Ok(rows)
    }

    async fn stock_balance(&self, office: &str) -> Result<i64> {
        let last: Option<(i64,)> = sqlx::query_as(BALANCE).bind(office).fetch_optional(&self.read).await?;
        Ok(last.map(|r| r.0).unwrap_or(0))
    }

    async fn stock_movements(&self, office: &str, before: Option<i64>, limit: i64) -> Result<Vec<Movement>> {
        Ok(sqlx::query_as(
            "SELECT * FROM stock_movements WHERE office = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(office)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    async fn file_stock_report(
        &self,
        report: &StockReport,
        movements: &[NewMovement],
    ) -> Result<StockReport> {
        let mut tx = self.begin().await?;
        Self::insert_movements(&mut tx, movements).await?;
        let balance = Self::balance_in(&mut tx, &report.office).await?;
        let row: StockReport = sqlx::query_as(
            "INSERT INTO stock_reports (office, month, printed, spoiled, stated_balance, ledger_balance, recap, \
             actor, at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *",
        )
        .bind(&report.office)
        .bind(&report.month)
        .bind(report.printed)
        .bind(report.spoiled)
        .bind(report.stated_balance)
        .bind(balance)
        .bind(&report.recap)
        .bind(&report.actor)
        .bind(report.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("the report of {} for {}", report.office, report.month)))?;
        let detail = format!("laporan bulanan {}: dicetak {}, rusak {}", row.month, row.printed, row.spoiled);
        let object = format!("stock:{}", row.office);
        Self::append_audit(&mut tx, NewAudit::change(&row.actor, "stock.report", &object, detail)).await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn stock_reports(&self, office: &str) -> Result<Vec<StockReport>> {
        Ok(sqlx::query_as("SELECT * FROM stock_reports WHERE office = $1 ORDER BY month DESC")
            .bind(office)
            .fetch_all(&self.read)
            .await?)
    }

    async fn stock_since(&self, office: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(t) FROM (SELECT MIN(at) AS t FROM stock_movements WHERE office = $1 \
             UNION ALL SELECT MIN(at) FROM stock_reports WHERE office = $1) AS s",
        )
        .bind(office)
        .fetch_one(&self.read)
        .await?)
    }

    async fn remind_stock_report(
        &self,
        office: &str,
        month: &str,
        notes: &[NewNotification],
        at: i64,
    ) -> Result<bool> {
        let claim = "INSERT INTO stock_report_reminders (office, month, reminded_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (office, month) DO NOTHING RETURNING office";
        self.remind_once(claim, office, month, notes, at).await
    }

    async fn stock_overview(&self, parent: &str, since: i64) -> Result<Vec<(String, i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT o.code, \
             COALESCE((SELECT m.balance_after FROM stock_movements m WHERE m.office = o.code \
                       ORDER BY m.id DESC LIMIT 1), 0), \
             COALESCE((SELECT CAST(SUM(m.quantity) AS BIGINT) FROM stock_movements m WHERE m.office = o.code \
                       AND m.kind IN ('printed', 'spoiled') AND m.at >= $2), 0) \
             FROM offices o WHERE o.code = $1 OR o.code LIKE $1 || '.%' ORDER BY o.code",
        )
        .bind(parent)
        .bind(since)
        .fetch_all(&self.read)
        .await?)
    }
}
