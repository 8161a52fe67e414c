//! The notification outbox: written with the change it reports, delivered by leases.

#[allow(unused_imports)]
use crate::*;

/// The notification outbox: written with the change it reports, delivered by leases.
#[async_trait::async_trait]
pub trait Outbox: Send + Sync {
    async fn notifications(&self, office: &str, limit: i64) -> Result<Vec<Notification>>;
    async fn case_notifications(&self, case_id: i64) -> Result<Vec<Notification>>;
    /// The staff notices of an office addressed to `username` or to its
    /// role's address (`role@office`, where nobody held the role), newest first.
    async fn staff_notices(
        &self,
        office: &str,
        username: &str,
        role_address: &str,
        limit: i64,
    ) -> Result<Vec<Notification>>;
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
    /// A try failed with `error`: the message waits until `retry_at`, or,
    /// without one, is `failed` for good (a dead letter).
    async fn mark_notification_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> Result<()>;
    /// An office's dead letters, newest first.
    async fn failed_notifications(&self, office: &str, limit: i64) -> Result<Vec<Notification>>;
    /// Offers a dead letter of `office` for delivery again (its tries start
    /// over), with an audit row; `None` when it is no dead letter there.
    async fn resend_notification(&self, actor: &str, office: &str, id: i64) -> Result<Option<Notification>>;
    /// Notifications not yet delivered, per channel (the outbox depth).
    async fn outbox_pending(&self) -> Result<Vec<(String, i64)>>;
}
