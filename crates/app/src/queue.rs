//! The counter queue of an office's entrance (numbering and priority
//! rules: `domain::queue`): a person takes a number for a service, with a
//! priority group if they belong to one; a counter calls the next number
//! (priority first) and opens the intake form of its service; the waiting
//! room's board shows the numbers called and how long people waited.

use crate::accounts::Principal;
use crate::{App, Error};
use domain::Role;
use serde::Serialize;
use store::{NewTicket, Ticket};

/// Who calls numbers: the office's counter staff.
const CALLERS: &[Role] = &[Role::Operator, Role::Verifikator];

/// The office's day, `YYYY-MM-DD`.
fn today(app: &App, office: &str) -> String {
    app.today(office).format("%Y-%m-%d").to_string()
}

/// A number taken: the ticket and how many wait before it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Taken {
    pub ticket: Ticket,
    pub service_title: String,
    pub ahead: usize,
}

/// Takes a number for a service of `office` that has a counter (`service`
/// is its id, `73-ktp-el`); `priority` names a priority group or is empty.
pub async fn take(app: &App, office: &str, service: &str, priority: &str) -> Result<Taken, Error> {
    let std = app.catalog.service(service)?;
    if std.office.as_str() != office
        || !std.channels.iter().any(|c| c.code == "counter")
        || std.steps.is_empty()
    {
        return Err(Error::invalid("service", "this office has no counter for this service"));
    }
    let priority = priority.trim();
    if !priority.is_empty() && !domain::queue::is_priority_group(priority) {
        let groups: Vec<&str> = domain::queue::PRIORITY_GROUPS.iter().map(|(c, _)| *c).collect();
        return Err(Error::invalid("priority", format!("one of {} or none", groups.join(", "))));
    }
    let new = NewTicket {
        office: office.into(),
        service: std.slug.clone(),
        day: today(app, office),
        prefix: domain::queue::prefix(&std.slug),
        priority: priority.into(),
        at: app.now().timestamp_millis(),
    };
    let ticket = app.store.take_ticket(&new).await?;
    let all = app.store.tickets(office, &new.day).await?;
    let ahead = all
        .iter()
        .filter(|t| {
            t.status == "waiting" && t.service == ticket.service && call_order(t) < call_order(&ticket)
        })
        .count();
    Ok(Taken { ticket, service_title: std.title.clone(), ahead })
}

/// The order numbers are called in: the priority lane first, then in the
/// order taken (as `Queue::call_next` orders them).
fn call_order(t: &Ticket) -> (bool, i64, i64) {
    (t.lane.is_empty(), t.taken_at, t.id)
}

/// Calls the next number for `counter` (the caller's office; of `service`
/// when given, a service id): `None` when nobody waits.
pub async fn call_next(
    app: &App,
    who: &Principal,
    counter: &str,
    service: Option<&str>,
) -> Result<Option<Ticket>, Error> {
    let office = who.user.office.clone();
    who.require(CALLERS, &office)?;
    let counter = counter.trim();
    if counter.is_empty() || counter.chars().count() > 40 {
        return Err(Error::invalid("counter", "the counter's name (at most 40 characters)"));
    }
    let services = match service.filter(|s| !s.is_empty()) {
        Some(id) => {
            let std = app.catalog.service(id)?;
            if std.office.as_str() != office {
                return Err(Error::invalid("service", "a service of this office"));
            }
            vec![std.slug.clone()]
        }
        None => Vec::new(),
    };
    let at = app.now().timestamp_millis();
    let day = today(app, &office);
    Ok(app.store.call_next(&office, &day, &services, counter, &who.user.username, at).await?)
}

/// The waiting room's board.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WaitingBoard {
    pub office: String,
    /// The last number each counter called, latest first.
    pub called: Vec<Ticket>,
    /// The numbers waiting, in the order they will be called.
    pub waiting: Vec<Ticket>,
    /// The median minutes from taking a number to its call, today.
    pub median_wait_minutes: Option<i64>,
}

/// Today's board of an office (public: it shows numbers only).
pub async fn board(app: &App, office: &str) -> Result<WaitingBoard, Error> {
    if app.store.office(office).await?.is_none() {
        return Err(Error::NotFound(format!("no office {office}")));
    }
    let all = app.store.tickets(office, &today(app, office)).await?;
    let mut called: Vec<Ticket> = Vec::new();
    let mut by_time: Vec<&Ticket> = all.iter().filter(|t| t.status == "called").collect();
    by_time.sort_by_key(|t| std::cmp::Reverse((t.called_at, t.id)));
    for t in by_time {
        if !called.iter().any(|c| c.counter == t.counter) {
            called.push(t.clone());
        }
    }
    let mut waiting: Vec<Ticket> = all.iter().filter(|t| t.status == "waiting").cloned().collect();
    waiting.sort_by_key(call_order);
    let mut waits: Vec<i64> =
        all.iter().filter_map(|t| t.called_at.map(|c| (c - t.taken_at) / 60_000)).collect();
    waits.sort_unstable();
    let median_wait_minutes = (!waits.is_empty()).then(|| waits[(waits.len() - 1) / 2]);
    Ok(WaitingBoard { office: office.into(), called, waiting, median_wait_minutes })
}
