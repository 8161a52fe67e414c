//! Appointment slots: an office offers times for a service (the IKD
//! website's video verification: a time, a capacity, the meeting link);
//! at a step marked `books_slot` the operator books one for the case within
//! the case's promised time, and the applicant gets the time and the link
//! by WhatsApp and e-mail from the outbox, in the booking's transaction.

use crate::accounts::Principal;
use crate::{App, Error};
use domain::Role;
use serde::Deserialize;
use store::{Booking, Case, NewJournal, NewSlot, Slot};

/// A slot as an office offers it (`POST /api/v1/slots`).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotInput {
    /// The service's id (`73-aktivasi-ikd`).
    pub service: String,
    /// RFC 3339, or `YYYY-MM-DDTHH:MM` in the office's time.
    pub starts_at: String,
    pub minutes: i32,
    pub capacity: i32,
    /// The video meeting's link (https).
    pub meeting_link: String,
}

/// Who offers and books slots: the office's operators, verifikators and admin.
const SCHEDULERS: &[Role] = &[Role::Operator, Role::Verifikator, Role::Admin];

pub async fn create(app: &App, who: &Principal, input: &SlotInput) -> Result<Slot, Error> {
    let std = app.catalog.service(&input.service)?;
    who.require(SCHEDULERS, std.office.as_str())?;
    if !std.steps.iter().any(|s| s.books_slot) {
        return Err(Error::invalid("service", "this service books no slots"));
    }
    let starts = crate::clock::parse_moment(&input.starts_at, std.office.as_str())
        .ok_or_else(|| Error::invalid("starts_at", "a time as RFC 3339 or YYYY-MM-DDTHH:MM"))?;
    if starts <= app.now() {
        return Err(Error::invalid("starts_at", "a slot starts in the future"));
    }
    if !(5..=480).contains(&input.minutes) {
        return Err(Error::invalid("minutes", "from 5 to 480 minutes"));
    }
    if !(1..=500).contains(&input.capacity) {
        return Err(Error::invalid("capacity", "from 1 to 500 people"));
    }
    let link = input.meeting_link.trim();
    if !link.starts_with("https://") || link.len() > 500 || link.contains(char::is_whitespace) {
        return Err(Error::invalid("meeting_link", "the meeting's https:// link"));
    }
    let slot = NewSlot {
        office: std.office.to_string(),
        service: std.slug.clone(),
        starts_at: starts.timestamp_millis(),
        minutes: input.minutes,
        capacity: input.capacity,
        meeting_link: link.into(),
        created_by: who.user.username.clone(),
    };
    Ok(app.store.create_slot(&slot).await?)
}

/// The upcoming slots of a service of the caller's office.
pub async fn upcoming(app: &App, who: &Principal, service: &str) -> Result<Vec<Slot>, Error> {
    let std = app.catalog.service(service)?;
    if !who.role.is_staff() || who.user.office != std.office.as_str() {
        return Err(Error::forbidden("the office's staff see its slots"));
    }
    Ok(app.store.slots(std.office.as_str(), &std.slug, app.now().timestamp_millis(), 200).await?)
}

/// Books `slot_id` for `case` at its `books_slot` step: a slot of the same
/// office and service, in the future and before the case's promised time
/// runs out. The applicant is sent the time and link.
pub async fn book(app: &App, who: &Principal, case: &Case, slot_id: i64) -> Result<Booking, Error> {
    who.require(SCHEDULERS, &case.office)?;
    let std = crate::cases::standard_of(app, &case.office, &case.service, case.standard_version).await?;
    let at_step = std.step(case.current_step.as_deref()).is_some_and(|s| s.books_slot);
    if !at_step || !case.status.is_active() {
        return Err(Error::NotAllowed("this case is not at a step that books a slot".into()));
    }
    let slot =
        app.store.slot(slot_id).await?.filter(|s| s.office == case.office && s.service == case.service);
    let slot = slot.ok_or_else(|| Error::invalid("slot_id", "no such slot of this service"))?;
    let now = app.now().timestamp_millis();
    if slot.starts_at <= now {
        return Err(Error::invalid("slot_id", "this slot has begun"));
    }
    if let Some(due) = case.due_at.filter(|due| slot.starts_at > *due) {
        let by = crate::clock::human(Some(due), crate::clock::office_zone(&case.office));
        return Err(Error::invalid("slot_id", format!("the slot is after the promised time ({by})")));
    }
    let when = crate::clock::human(Some(slot.starts_at), crate::clock::office_zone(&case.office));
    let journal = NewJournal {
        at: Some(now),
        actor: who.user.username.clone(),
        action: "booking".into(),
        from_status: Some(case.status.as_str().into()),
        to_status: case.status.as_str().into(),
        from_step: case.current_step.clone(),
        to_step: case.current_step.clone(),
        note: Some(format!("Jadwal {when}")),
        data: Some(serde_json::json!({"slot_id": slot.id, "jadwal": when}).to_string()),
        ..Default::default()
    };
    let body = format!(
        "Jadwal verifikasi {} Anda: {when} ({} menit). Tautan: {} . Kode lacak: {}.",
        std.title, slot.minutes, slot.meeting_link, case.tracking_code
    );
    let notes =
        crate::cases::engine::tell_applicant(&case.office, &case.applicant, "Jadwal verifikasi", &body);
    Ok(app.store.book_slot(slot.id, case.id, &journal, &notes).await?)
}
