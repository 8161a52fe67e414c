//! The notification outbox: written with the change it reports, delivered by leases.

#[allow(unused_imports)]
use crate::*;

/// The notification outbox: written with the change it reports, delivered by leases.
#[async_trait::async_trait]
pub trait Outbox: Send + Sync {
    async fn notifications(&self, office: &str, limit: i64) -> Result<Vec<Notification>>;
    async fn case_notifications(&self, case_id: i64) -> Result<Vec<Notification>>;
    /// Leases up to `limit` pending notifications of a channel for sending:
    /// each is claimed by one sender (also across app instances) for
    /// `lease_ms`; one not marked sent by then is offered again, so a
    /// crash while sending means a retry, not a loss.
    async fn claim_notifications(
        &self,
        channel: &str,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<Notification>>;
    async fn mark_notification_sent(&self, id: i64, now: i64) -> Result<()>;
    /// Notifications not yet delivered, per channel (the outbox depth).
    async fn outbox_pending(&self) -> Result<Vec<(String, i64)>>;
}
