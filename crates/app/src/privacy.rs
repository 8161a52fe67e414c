//! Data subject rights (UU 27/2022 on personal data protection): a citizen,
//! having proved they are the applicant, asks who read their data; the
//! office's PPID (or admin) answers with the access log within 3x24 jam,
//! timed by the cases' clock. The HTTP side (second factor, rate limits)
//! is the caller's.

use crate::cases::clock::{calendar, case_due};
use crate::clock::{human, office_zone, rfc3339};
use crate::{App, Error, Principal};
use domain::sla::state as sla_state;
use domain::{Role, SlaDuration};
use serde::Serialize;
use store::{Case, DataRequest, NewNotification};

/// The answer is due within this, from the request (a clock limit, not
/// working days: "3x24 jam").
const ANSWER_WITHIN: &str = "3x24 jam";
/// Who answers; the auditor may read the list.
pub const ANSWERERS: &[Role] = &[Role::Ppid, Role::Admin];
const READERS: &[Role] = &[Role::Ppid, Role::Admin, Role::Auditor];

/// What the citizen is told: the request is recorded, and when it is due.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = DataRequestReceipt)]
pub struct Receipt {
    pub id: i64,
    pub status: &'static str,
    pub due_at: Option<String>,
}

/// A request with its clock, as the office sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub requested_at: Option<String>,
    pub due_at: Option<String>,
    pub answered_at: Option<String>,
    pub answered_by: Option<String>,
    /// `answered_on_time`, `answered_late`, or the clock's state.
    pub sla: &'static str,
}

/// One read of the case's personal data.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccessEntry {
    pub at: Option<String>,
    pub who: String,
    pub what: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Answer {
    pub request: RequestView,
    pub entries: Vec<AccessEntry>,
}

/// Records the applicant's request for the access log of `case` and tells
/// the office's PPID, in one transaction.
pub async fn request(app: &App, case: &Case) -> Result<Receipt, Error> {
    let limit: SlaDuration = ANSWER_WITHIN.parse().map_err(Error::internal)?;
    let cal = calendar(app, &case.office).await?;
    let due = case_due(&cal, app.now(), Some(&limit))
        .ok_or_else(|| Error::internal("a 3x24 jam limit has a deadline"))?;
    let zone = office_zone(&case.office);
    let note = NewNotification {
        office: case.office.clone(),
        channel: "staff".into(),
        recipient: format!("{}@{}", Role::Ppid, case.office),
        subject: "Permintaan log akses data pribadi".into(),
        body: format!(
            "Pemohon permohonan {} meminta catatan siapa saja yang membaca data pribadinya (UU 27/2022). \
             Jawab paling lambat {}.",
            case.tracking_code,
            human(Some(due), zone)
        ),
    };
    let r = app.store.create_data_request(case.id, &case.office, due, &note).await?;
    Ok(Receipt { id: r.id, status: "received", due_at: rfc3339(Some(due), zone) })
}

fn view(r: &DataRequest, now: i64) -> RequestView {
    let zone = office_zone(&r.office);
    let sla = match r.answered_at {
        Some(at) if at <= r.due_at => "answered_on_time",
        Some(_) => "answered_late",
        None => sla_state(Some(r.requested_at), Some(r.due_at), false, now),
    };
    RequestView {
        id: r.id,
        case_id: r.case_id,
        kind: r.kind.clone(),
        requested_at: rfc3339(Some(r.requested_at), zone),
        due_at: rfc3339(Some(r.due_at), zone),
        answered_at: rfc3339(r.answered_at, zone),
        answered_by: r.answered_by.clone(),
        sla,
    }
}

/// The office's requests, newest first, with their clocks.
pub async fn list(app: &App, who: &Principal) -> Result<Vec<RequestView>, Error> {
    who.require(READERS, &who.user.office)?;
    let now = app.now().timestamp_millis();
    Ok(app.store.data_requests(&who.user.office).await?.iter().map(|r| view(r, now)).collect())
}

/// The access log of the request's case, for the PPID to hand over; the
/// request counts as answered from the first export.
pub async fn export(app: &App, who: &Principal, id: i64) -> Result<Answer, Error> {
    let r = app.store.data_request(id).await?.ok_or_else(|| Error::not_found(format!("no request {id}")))?;
    who.require(ANSWERERS, &r.office)?;
    let zone = office_zone(&r.office);
    let entries = app
        .store
        .case_access_log(r.case_id)
        .await?
        .into_iter()
        .map(|e| AccessEntry { at: rfc3339(Some(e.at), zone), who: e.actor, what: e.object, why: e.detail })
        .collect();
    let answered = app.store.answer_data_request(id, &who.user.username).await?;
    Ok(Answer { request: view(&answered, app.now().timestamp_millis()), entries })
}
