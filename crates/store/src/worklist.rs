//! The staff's views of open cases: worklists in due order, the supervisor's counts and list.

#[allow(unused_imports)]
use crate::*;

/// The staff's views of open cases: worklists in due order, the supervisor's counts and list.
#[async_trait::async_trait]
pub trait Worklist: Send + Sync {
    /// One page of a worklist, ordered by the current step's due time, and
    /// the number of matching cases.
    async fn worklist(&self, q: &WorklistQuery) -> Result<WorklistPage>;
    /// Open cases of an office grouped by (service, step, actor): the
    /// supervisor's view.
    async fn open_case_counts(&self, office: &str) -> Result<Vec<(String, String, String, i64)>>;
    /// Open cases of an office, most urgent first (the supervisor's view).
    async fn open_cases(&self, office: &str, limit: i64) -> Result<Vec<Case>>;
    /// The cases of a service that ended (completed or rejected) in
    /// `[from, to)` (ms), with the data their refusal recorded: reports.
    async fn finished_cases(
        &self,
        office: &str,
        service: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<FinishedCase>>;
    /// The cases of a service received in `[from, to)` (ms), oldest first:
    /// the complaints' recap and the LAPOR! import's check for reports it
    /// already took.
    async fn cases_received(&self, office: &str, service: &str, from: i64, to: i64) -> Result<Vec<Case>>;
    /// How many cases of the office each account registered per service in
    /// `[from, to)` (ms): the kiosks' report.
    async fn registered_by(&self, office: &str, from: i64, to: i64) -> Result<Vec<Registered>>;
}

/// How many cases one account registered for one service.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Registered {
    pub created_by: String,
    pub service: String,
    pub cases: i64,
}

/// A case that ended, with what its refusal recorded (JSON), if it was refused.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FinishedCase {
    #[sqlx(flatten)]
    pub case: Case,
    pub refusal: Option<String>,
}
