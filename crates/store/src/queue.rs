//! The counter queue's tickets: taken with the next number of their
//! service, lane and day (a conflict from a concurrent taker is retried),
//! called with a conditional update (`status = 'waiting'`), priority lane
//! first, so two counters never call the same ticket.

#[allow(unused_imports)]
use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Ticket {
    pub id: i64,
    pub office: String,
    /// The service's slug.
    pub service: String,
    /// `YYYY-MM-DD`, the office's day.
    pub day: String,
    pub seq: i64,
    /// What the ticket shows (`L-007`, `LP-003`).
    pub number: String,
    /// The priority group, or empty.
    pub priority: String,
    #[serde(skip)]
    pub lane: String,
    /// `waiting` or `called`.
    pub status: String,
    pub taken_at: i64,
    pub called_at: Option<i64>,
    pub called_by: Option<String>,
    /// The counter that called it.
    pub counter: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NewTicket {
    pub office: String,
    pub service: String,
    pub day: String,
    /// The service's letters (`domain::queue::prefix`).
    pub prefix: String,
    pub priority: String,
    pub at: i64,
}

#[async_trait::async_trait]
pub trait Queue: Send + Sync {
    /// A ticket with its lane's next number of the day.
    async fn take_ticket(&self, t: &NewTicket) -> Result<Ticket>;
    /// Calls the next waiting ticket of the office's day for one of
    /// `services` (all when empty): the priority lane first, then in the
    /// order taken. `None` when nobody waits.
    async fn call_next(
        &self,
        office: &str,
        day: &str,
        services: &[String],
        counter: &str,
        by: &str,
        at: i64,
    ) -> Result<Option<Ticket>>;
    /// The office's tickets of the day, in the order taken.
    async fn tickets(&self, office: &str, day: &str) -> Result<Vec<Ticket>>;
}
