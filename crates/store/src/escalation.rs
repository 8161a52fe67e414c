//! What the escalation sweep reads and records.

#[allow(unused_imports)]
use crate::*;

/// What the escalation sweep reads and records.
#[async_trait::async_trait]
pub trait Escalations: Send + Sync {
    /// Cases whose next escalation moment (`escalate_at`) has come by
    /// `now`, earliest first.
    async fn cases_to_escalate(&self, now: i64, limit: i64) -> Result<Vec<Case>>;
    /// Records what one sweep found, in one transaction (one commit for
    /// the whole sweep): each (case, clock, level) once, also across app
    /// instances, with its journal row and notifications; and each case's
    /// next sweep moment. Returns how many levels fired.
    async fn escalate(&self, batch: &[CaseEscalation]) -> Result<usize>;
    /// The (clock, level) pairs already fired for a case — a clock is a
    /// step id or `SERVICE_CLOCK` (a read, so a sweep writes only what is new).
    async fn escalations_fired(&self, case_id: i64) -> Result<Vec<(String, i32)>>;
}
