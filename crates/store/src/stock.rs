//! The blanko KTP-el stock ledger: append-only movements per office, the
//! balance derived from them (`balance_after` of the latest), never below
//! zero. Movements of one office are serialised (SQLite's single writer;
//! a per-office advisory lock on PostgreSQL), so concurrent movements cannot
//! overdraw. A BAST's hand-over moves both offices' stock in the transaction
//! of the case step that confirms it (`CaseUpdate::stock`).

#[allow(unused_imports)]
use crate::*;

/// One movement as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Movement {
    pub id: i64,
    pub office: String,
    /// `receipt`, `transfer_out`, `transfer_in`, `printed`, `spoiled`.
    pub kind: String,
    pub quantity: i64,
    /// The change to the balance: +quantity or -quantity.
    pub delta: i64,
    /// The office's balance once this movement applied.
    pub balance_after: i64,
    pub reason: String,
    /// The document it rests on (a BAST, a letter, a monthly report).
    pub source_document: String,
    pub serial_from: Option<String>,
    pub serial_to: Option<String>,
    /// The other office of a transfer.
    pub counterpart: Option<String>,
    /// The case whose step moved it (a BAST's hand-over).
    pub case_id: Option<i64>,
    pub actor: String,
    pub at: i64,
}

/// A movement to record (checked by `domain::stock::check`).
#[derive(Debug, Clone, Default)]
pub struct NewMovement {
    pub office: String,
    pub kind: String,
    pub quantity: i64,
    /// +1 or -1 (`domain::stock::MovementKind::sign`).
    pub sign: i64,
    pub reason: String,
    pub source_document: String,
    pub serial_from: Option<String>,
    pub serial_to: Option<String>,
    pub counterpart: Option<String>,
    pub case_id: Option<i64>,
    pub actor: String,
    pub at: i64,
}

/// A kab/kota office's monthly report, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StockReport {
    pub office: String,
    /// `YYYY-MM`.
    pub month: String,
    pub printed: i64,
    pub spoiled: i64,
    /// The stock the office states at the month's end.
    pub stated_balance: i64,
    /// The ledger's balance once the report's movements were written.
    pub ledger_balance: i64,
    pub recap: String,
    pub actor: String,
    pub at: i64,
}

/// The stock ledgers.
#[async_trait::async_trait]
pub trait Stock: Send + Sync {
    /// Records movements in one transaction, each office's in order, with
    /// an audit row each. A movement that would take its office below zero
    /// refuses them all: `Conflict` naming the office and its balance.
    async fn record_movements(&self, movements: &[NewMovement]) -> Result<Vec<Movement>>;
    /// An office's balance (0 before any movement).
    async fn stock_balance(&self, office: &str) -> Result<i64>;
    /// An office's movements, newest first: `limit` of them before id `before`.
    async fn stock_movements(&self, office: &str, before: Option<i64>, limit: i64) -> Result<Vec<Movement>>;
    /// Each office's balance and the blanks it used (printed and spoiled)
    /// since `since` (ms), for the offices under `parent` (a province) and
    /// the province itself: `(office, balance, used)`.
    async fn stock_overview(&self, parent: &str, since: i64) -> Result<Vec<(String, i64, i64)>>;
    /// Files a monthly report with its movements (printed, spoiled) in one
    /// transaction; `ledger_balance` is filled in. A month reported before
    /// is a `Conflict`, as is a movement the balance cannot cover.
    async fn file_stock_report(&self, report: &StockReport, movements: &[NewMovement])
    -> Result<StockReport>;
    /// An office's reports, newest month first.
    async fn stock_reports(&self, office: &str) -> Result<Vec<StockReport>>;
    /// When an office's ledger or reports begin (ms), if they do.
    async fn stock_since(&self, office: &str) -> Result<Option<i64>>;
    /// Reminds an office once that its report of `month` is owed: the
    /// reminder and its notifications in one transaction; `false` when that
    /// month was reminded before.
    async fn remind_stock_report(
        &self,
        office: &str,
        month: &str,
        notes: &[NewNotification],
        at: i64,
    ) -> Result<bool>;
}
