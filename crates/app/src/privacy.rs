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
    // The office's PPID officers by name (the role's address when it has none).
    let staff: Vec<store::User> =
        app.store.users(Some(&case.office)).await?.into_iter().filter(|u| u.active).collect();
    let body = format!(
        "Pemohon permohonan {} meminta catatan siapa saja yang membaca data pribadinya (UU 27/2022). \
         Jawab paling lambat {}.",
        case.tracking_code,
        human(Some(due), zone)
    );
    let ppid = crate::outbox::holders(&staff, Role::Ppid, None, &case.office);
    let notes = crate::outbox::staff_notices(&case.office, &ppid, "Permintaan log akses data pribadi", &body);
    let r = app.store.create_data_request(case.id, &case.office, due, &notes).await?;
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

/// Who exports an institution's access log for the office.
const LOG_READERS: &[Role] = &[Role::Admin, Role::Auditor, Role::KepalaDinas, Role::Ppid];

/// Whether `who` reads the access log of institution `id` of `office`: its
/// own accounts, and its office's admin, auditor, Kepala Dinas and PPID.
pub fn reads_access_log(who: &Principal, id: i64, office: &str) -> bool {
    match who.role {
        Role::Lembaga => who.user.institution_id == Some(id),
        _ => LOG_READERS.contains(&who.role) && who.user.office == office,
    }
}

/// `2026-1` (January–June) or `2026-2` (July–December): its bounds in ms,
/// in `office`'s zone; the error names `semester`.
fn semester(office: &str, label: &str) -> Result<(i64, i64), Error> {
    let bad = || Error::invalid("semester", "a semester as YYYY-1 (January-June) or YYYY-2 (July-December)");
    let (year, half) = label.trim().split_once('-').ok_or_else(bad)?;
    let year: i32 = year.parse().map_err(|_| bad())?;
    let (from, to) = match half {
        "1" => ((year, 1), (year, 7)),
        "2" => ((year, 7), (year + 1, 1)),
        _ => return Err(bad()),
    };
    let at = |(y, m): (i32, u32)| {
        let day = chrono::NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
        let local = day.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
        let offset = office_zone(office).offset();
        Ok::<_, Error>(local.and_local_timezone(offset).single().ok_or_else(bad)?.timestamp_millis())
    };
    Ok((at(from)?, at(to)?))
}

/// The reads of personal data by an institution's accounts in a semester:
/// the institution's own (its accounts), or its office's export (admin,
/// auditor, Kepala Dinas, PPID). Anyone else is told it does not exist.
/// The export is itself logged.
pub async fn institution_access_log(
    app: &App,
    who: &Principal,
    institution: i64,
    label: &str,
) -> Result<Vec<AccessEntry>, Error> {
    let inst = app.store.institution(institution).await?;
    let inst = inst
        .filter(|i| reads_access_log(who, i.id, &i.office))
        .ok_or_else(|| Error::not_found(format!("institution {institution}")))?;
    let (from, to) = semester(&inst.office, label)?;
    let zone = office_zone(&inst.office);
    let entries = app
        .store
        .institution_access_log(inst.id, from, to)
        .await?
        .into_iter()
        .map(|e| AccessEntry { at: rfc3339(Some(e.at), zone), who: e.actor, what: e.object, why: e.detail })
        .collect();
    let purpose = format!("log akses lembaga semester {}", label.trim());
    app.store.log_access(&who.user.username, &format!("institution:{}", inst.id), &purpose).await?;
    Ok(entries)
}

/// An access log as a table (`at, who, what, why`), for its CSV and XLSX
/// exports.
pub fn access_table(name: &str, entries: &[AccessEntry]) -> documents::xlsx::Sheet {
    documents::xlsx::Sheet {
        name: name.into(),
        header: ["at", "who", "what", "why"].map(String::from).to_vec(),
        rows: entries
            .iter()
            .map(|e| {
                let at = e.at.clone().unwrap_or_default();
                [at, e.who.clone(), e.what.clone(), e.why.clone()].map(documents::xlsx::Cell::Text).to_vec()
            })
            .collect(),
    }
}

/// How long a one-time code lives, and how many tries it allows.
const CODE_MINUTES: i64 = 15;
const CODE_ATTEMPTS: i32 = 5;

/// The store's key for a NIK's codes (its SHA-256; the code itself is
/// hashed with it, so a leaked table gives neither).
fn nik_key(nik: &str) -> String {
    crate::accounts::token_hash(&format!("nik:{nik}"))
}

/// Whether `contact` is one the applicant gave: the same e-mail (any case)
/// or the same phone digits.
fn gave(a: &domain::Applicant, contact: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let email = a.email.as_deref().is_some_and(|e| e.trim().eq_ignore_ascii_case(contact.trim()));
    let phone = a.phone.as_deref().is_some_and(|p| !digits(p).is_empty() && digits(p) == digits(contact));
    email || phone
}

/// Sends a one-time code to `contact` when it is a contact the person with
/// `nik` gave on one of their applications (by e-mail, or WhatsApp for a
/// phone number, through the outbox). The answer is the same either way,
/// so nobody learns whether a NIK applied.
pub async fn send_access_code(app: &App, nik: &str, contact: &str) -> Result<(), Error> {
    let nik = domain::Nik::parse(nik.trim()).map_err(|e| Error::invalid("nik", e.to_string()))?;
    let contact = contact.trim();
    if contact.is_empty() || contact.chars().count() > 200 {
        return Err(Error::invalid("contact", "the e-mail or phone number you gave when applying"));
    }
    let cases = app.store.applicant_cases(nik.as_str(), 200).await?;
    let Some(case) = cases.iter().find(|c| gave(&c.applicant, contact)) else { return Ok(()) };
    let code =
        format!("{:06}", u32::from_str_radix(&crate::accounts::random_hex(4), 16).unwrap_or(0) % 1_000_000);
    let note = NewNotification {
        office: case.office.clone(),
        channel: if contact.contains('@') { "email" } else { "whatsapp" }.into(),
        recipient: contact.to_string(),
        subject: "Kode akses permohonan Anda".into(),
        body: format!(
            "Kode akses untuk melihat daftar permohonan Anda: {code}. Berlaku {CODE_MINUTES} menit. Jangan berikan kode ini kepada siapa pun."
        ),
    };
    let stored = store::NewAccessCode {
        nik_key: nik_key(nik.as_str()),
        code_hash: crate::accounts::token_hash(&format!("{}:{code}", nik.as_str())),
        sent_to: contact.to_string(),
        expires_at: app.now().timestamp_millis() + CODE_MINUTES * 60_000,
    };
    Ok(app.store.issue_access_code(&stored, &note).await?)
}

/// Uses up a one-time code: the NIK and the contact it was sent to;
/// `Forbidden` when it is wrong, used or expired.
async fn redeem(app: &App, nik: &str, code: &str) -> Result<(domain::Nik, String), Error> {
    let nik = domain::Nik::parse(nik.trim()).map_err(|e| Error::invalid("nik", e.to_string()))?;
    let hash = crate::accounts::token_hash(&format!("{}:{}", nik.as_str(), code.trim()));
    let now = app.now().timestamp_millis();
    let Some(contact) = app.store.use_access_code(&nik_key(nik.as_str()), &hash, now, CODE_ATTEMPTS).await?
    else {
        return Err(Error::forbidden("the code is wrong, used or expired; ask for a new one"));
    };
    Ok((nik, contact))
}

/// The access log of one's own application (UU 27/2022), handed to the
/// person themselves: with the NIK and a one-time code sent to a contact
/// they gave on it, for the application with `tracking_code`. The read is
/// itself logged.
pub async fn own_access_log(
    app: &App,
    nik: &str,
    code: &str,
    tracking_code: &str,
) -> Result<Vec<AccessEntry>, Error> {
    let (nik, contact) = redeem(app, nik, code).await?;
    let not_found =
        || Error::invalid("tracking_code", "none of your applications that gave this contact has this code");
    let case =
        app.store.case_by_tracking(&tracking_code.trim().to_uppercase()).await?.ok_or_else(not_found)?;
    let owned = case.applicant.nik.as_deref() == Some(nik.as_str()) && gave(&case.applicant, &contact);
    if !owned {
        return Err(not_found());
    }
    let zone = office_zone(&case.office);
    let entries = app
        .store
        .case_access_log(case.id)
        .await?
        .into_iter()
        .map(|e| AccessEntry { at: rfc3339(Some(e.at), zone), who: e.actor, what: e.object, why: e.detail })
        .collect();
    let whose = format!("case:{} {}", case.id, domain::nik::mask(nik.as_str()));
    app.store.log_access("pemohon", &whose, "the data subject's own access log").await?;
    Ok(entries)
}

/// One of a person's own applications.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OwnApplication {
    pub tracking_code: String,
    /// The service id, e.g. `73-aktivasi-ikd`.
    pub service: String,
    pub title: String,
    pub status: domain::Status,
    /// RFC 3339, office time.
    pub created_at: Option<String>,
}

/// The applications of the person with `nik` that name the contact the
/// code was sent to, once the code is right (used once, within its time
/// and tries); `Forbidden` otherwise.
pub async fn own_applications(app: &App, nik: &str, code: &str) -> Result<Vec<OwnApplication>, Error> {
    let (nik, contact) = redeem(app, nik, code).await?;
    let cases = app.store.applicant_cases(nik.as_str(), 200).await?;
    Ok(cases
        .into_iter()
        .filter(|c| gave(&c.applicant, &contact))
        .map(|c| OwnApplication {
            service: format!("{}-{}", c.office, c.service),
            title: app
                .catalog
                .get(&format!("{}-{}", c.office, c.service))
                .map(|s| s.title.clone())
                .unwrap_or_default(),
            created_at: rfc3339(Some(c.created_at), office_zone(&c.office)),
            tracking_code: c.tracking_code,
            status: c.status,
        })
        .collect())
}
