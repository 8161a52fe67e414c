//! `layanan bench` only: its baseline table and the generated data set. Not part of `Store`: only
//! the bench opens a store with it (`connect_bench`).

#[allow(unused_imports)]
use crate::*;

/// `layanan bench` only: its baseline table and the generated data set. Not part of `Store`: only the
/// bench opens a store with it (`connect_bench`).
#[async_trait::async_trait]
pub trait Bench: Store {
    /// Creates the plain table of the raw insert baseline.
    async fn bench_prepare(&self) -> Result<()>;
    /// One row into that table, durably and batched as case actions are
    /// (SQLite's group commit; a transaction each on PostgreSQL): what a
    /// case action's cost is compared with.
    async fn bench_raw_insert(&self, payload: &str) -> Result<()>;
    /// Generates cases (see `CaseFill`), each with its journal row and an
    /// audit row, as a real data set has; returns how many cases.
    async fn bench_fill_cases(&self, fill: &CaseFill) -> Result<u64>;
    /// Inserts a generated history (see `HistoryCase`): each case with its
    /// steps, in batches; returns how many cases.
    async fn bench_fill_history(&self, cases: &[HistoryCase]) -> Result<u64>;
}

/// Opens a store for `layanan bench`: the same store as `connect`, with the
/// bench's own methods.
pub async fn connect_bench(url: &str) -> Result<std::sync::Arc<dyn Bench>> {
    crate::open(url, None).await
}
