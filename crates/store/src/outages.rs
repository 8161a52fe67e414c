//! SIAK and network outages an office declares: while one is open, the
//! clocks of its network-dependent services stand still.

#[allow(unused_imports)]
use crate::*;

/// One declared outage; `ends_at` is `None` while it lasts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Outage {
    pub id: i64,
    pub office: String,
    pub reason: String,
    pub starts_at: i64,
    pub ends_at: Option<i64>,
    pub declared_by: String,
    pub ended_by: Option<String>,
}

/// SIAK and network outages an office declares.
#[async_trait::async_trait]
pub trait Outages: Send + Sync {
    /// Opens an outage of `office` from `starts_at`, with its audit row. An
    /// office has at most one open outage: a second is a conflict.
    async fn declare_outage(&self, actor: &str, office: &str, reason: &str, starts_at: i64)
    -> Result<Outage>;
    /// Closes an open outage at `ends_at`, with its audit row; `None` when
    /// there is no such open outage.
    async fn end_outage(&self, actor: &str, id: i64, ends_at: i64) -> Result<Option<Outage>>;
    /// The office's open outage, if any.
    async fn open_outage(&self, office: &str) -> Result<Option<Outage>>;
    /// The office's outages, newest first.
    async fn outages(&self, office: &str, limit: i64) -> Result<Vec<Outage>>;
}
