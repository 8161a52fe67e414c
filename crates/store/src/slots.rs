//! Appointment slots an office offers for a service (the IKD website's
//! video verification) and their bookings: a place is taken by a
//! conditional update (`booked < capacity`), so concurrent bookings never
//! overbook on either backend; a case holds one booking.

#[allow(unused_imports)]
use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Slot {
    pub id: i64,
    pub office: String,
    /// The service's slug.
    pub service: String,
    pub starts_at: i64,
    pub minutes: i32,
    pub capacity: i32,
    pub booked: i32,
    pub meeting_link: String,
    pub created_by: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NewSlot {
    pub office: String,
    pub service: String,
    pub starts_at: i64,
    pub minutes: i32,
    pub capacity: i32,
    pub meeting_link: String,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Booking {
    pub slot_id: i64,
    pub case_id: i64,
    pub booked_by: String,
    pub at: i64,
}

#[async_trait::async_trait]
pub trait Slots: Send + Sync {
    /// A new slot; the same office, service and time twice is a `Conflict`.
    async fn create_slot(&self, s: &NewSlot) -> Result<Slot>;
    async fn slot(&self, id: i64) -> Result<Option<Slot>>;
    /// An office's slots of a service starting from `from` (ms), soonest first.
    async fn slots(&self, office: &str, service: &str, from: i64, limit: i64) -> Result<Vec<Slot>>;
    /// Takes a place in the slot for the case, with its journal row, audit
    /// row and notifications, in one transaction. A full slot, or a case
    /// booked already, is a `Conflict`.
    async fn book_slot(
        &self,
        slot_id: i64,
        case_id: i64,
        journal: &NewJournal,
        notes: &[NewNotification],
    ) -> Result<Booking>;
    async fn booking_of_case(&self, case_id: i64) -> Result<Option<Booking>>;
}
