//! Submission and actions: validate, decide with `domain::case`, move the
//! clocks, and store the change with its journal row and notifications.

use super::clock::{self, case_limit, step_limit};
use super::{standard_of, tracking_code};
use crate::accounts::Principal;
use crate::{App, Error};
use domain::Role;
use domain::applicant::check_fields;
use domain::case::{self, Action, CaseView, Clock, Party, Request, Status};
use domain::duration::SlaDuration;
use domain::standard::{Actor, Standard};
pub use domain::{Applicant, Organisation};
use serde::Deserialize;
use serde_json::{Map, Value};
use store::{Case, CaseChange, NewCase, NewCaseFile, NewJournal, NewNotification};

/// A requirement file as received.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The requirement code of the standard it answers.
    pub requirement: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// The scan of an outside body's letter, which staff add when they record
/// its step (its approval or its refusal). It is filed as
/// `surat_luar.<step id>`, so a case with several outside steps keeps each
/// body's letter apart.
pub const OUTSIDE_LETTER: &str = "surat_luar";

/// Checks one upload against the standard: a requirement it asks to be
/// uploaded, or the outside body's letter an action may carry (`letter`,
/// filed under its step), at most the size limit, PDF/JPEG/PNG by content.
/// Returns the type.
fn check_upload(std: &Standard, u: &Upload, max: usize, letter: Option<&str>) -> Result<&'static str, Error> {
    let field = format!("files.{}", u.requirement);
    let asked = std.requirements.iter().any(|r| r.code == u.requirement && r.upload);
    if !asked && letter != Some(u.requirement.as_str()) {
        return Err(Error::invalid(&field, "this service asks for no such document upload"));
    }
    if u.bytes.len() > max {
        return Err(Error::invalid(&field, format!("a file may be at most {} MB", max / (1024 * 1024))));
    }
    store::files::sniff(&u.bytes)
        .ok_or_else(|| Error::invalid(&field, "only PDF, JPEG or PNG files are accepted"))
}

/// The most files one requirement takes (a document scanned page by page).
const FILES_PER_REQUIREMENT: usize = 10;

/// Checks every upload, then stores them durably and returns their rows.
async fn store_uploads(
    app: &App,
    std: &Standard,
    uploads: &[Upload],
    by: &str,
    letter: Option<&str>,
) -> Result<Vec<NewCaseFile>, Error> {
    let mut per: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for u in uploads {
        let n = per.entry(u.requirement.as_str()).or_default();
        *n += 1;
        if *n > FILES_PER_REQUIREMENT {
            let field = format!("files.{}", u.requirement);
            return Err(Error::invalid(
                &field,
                format!("at most {FILES_PER_REQUIREMENT} files for one document"),
            ));
        }
    }
    let types = uploads
        .iter()
        .map(|u| check_upload(std, u, app.config.max_upload_bytes, letter))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    for (u, content_type) in uploads.iter().zip(types) {
        let files = app.files.clone();
        let bytes = u.bytes.clone();
        let stored = tokio::task::spawn_blocking(move || files.put(&bytes)).await.map_err(Error::internal)?;
        let sha = stored.map_err(|e| Error::internal(format!("storing an upload failed: {e}")))?;
        out.push(NewCaseFile {
            requirement: u.requirement.clone(),
            filename: clean_filename(&u.filename),
            content_type: content_type.into(),
            size: u.bytes.len() as i64,
            sha256: sha,
            uploaded_by: by.into(),
        });
    }
    Ok(out)
}

/// The files an action may carry: the applicant's with a resubmission or
/// on their own step (the documents a step asks of them); staff's only the
/// outside body's letter (`file.surat_luar`), when they record that body's
/// step — its approval or its refusal. The letter comes back filed under
/// its step, with that code.
fn action_uploads(
    std: &Standard,
    case: &Case,
    party: &Party,
    action: Action,
    uploads: &[Upload],
) -> Result<(Vec<Upload>, Option<String>), Error> {
    if uploads.is_empty() {
        return Ok((Vec::new(), None));
    }
    let step = std.step(case.current_step.as_deref());
    match (party, step) {
        (Party::Applicant, _) if matches!(action, Action::Resubmit | Action::Advance) => {
            Ok((uploads.to_vec(), None))
        }
        (Party::Staff { .. }, Some(step))
            if step.actor == Actor::External && matches!(action, Action::Advance | Action::Reject) =>
        {
            if let Some(u) = uploads.iter().find(|u| u.requirement != OUTSIDE_LETTER) {
                let field = format!("files.{}", u.requirement);
                return Err(Error::invalid(
                    &field,
                    "only the outside body's letter (`surat_luar`) is added here",
                ));
            }
            if uploads.len() > 1 {
                return Err(Error::invalid("files.surat_luar", "one scan of the letter"));
            }
            let code = format!("{OUTSIDE_LETTER}.{}", step.id);
            let filed = uploads.iter().map(|u| Upload { requirement: code.clone(), ..u.clone() }).collect();
            Ok((filed, Some(code)))
        }
        _ => Err(Error::invalid(
            "files",
            "documents are added when resubmitting, on your own step, or as an outside body's letter on its step",
        )),
    }
}

/// The documents the applicant's own step asks for (`Requirement::step`):
/// each required one attached now or earlier.
async fn check_step_uploads(app: &App, std: &Standard, case: &Case, uploads: &[Upload]) -> Result<(), Error> {
    let Some(step) = case.current_step.as_deref() else { return Ok(()) };
    let asked: Vec<_> = std
        .requirements
        .iter()
        .filter(|r| r.required && r.upload && r.step.as_deref() == Some(step))
        .collect();
    if asked.is_empty() {
        return Ok(());
    }
    let filed = app.store.case_files(case.id).await?;
    for r in asked {
        if !uploads.iter().any(|u| u.requirement == r.code) && !filed.iter().any(|f| f.requirement == r.code)
        {
            return Err(Error::invalid(
                &format!("files.{}", r.code),
                format!("attach `{}` to finish this step", r.name),
            ));
        }
    }
    Ok(())
}

/// A service that moves stock (`[stock]`): its approval step's amount is
/// checked against the request, and its hand-over step moves the approved
/// amount (`app::stock::hand_over`).
async fn stock_moves(
    app: &App,
    rule: &domain::stock::StockRule,
    case: &Case,
    input: &ActionInput,
    actor: &str,
) -> Result<Vec<store::NewMovement>, Error> {
    let step = case.current_step.as_deref();
    if step == Some(rule.approve_step.as_str()) {
        crate::stock::check_approval(rule, case, input.data.as_ref())?;
    }
    if step != Some(rule.hand_over_step.as_str()) {
        return Ok(Vec::new());
    }
    let recorded = recorded(app, case, input.data.as_ref()).await?;
    crate::stock::hand_over(app, rule, case, &recorded, actor).await
}

/// The last path segment, printable, at most 120 characters.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(120).collect();
    if clean.trim().is_empty() { "berkas".into() } else { clean }
}

/// Online applicants upload every required document the standard lets them.
fn check_required_uploads(std: &Standard, channel: &str, uploads: &[Upload]) -> Result<(), Error> {
    if !is_self_service(channel) {
        return Ok(());
    }
    for r in std.requirements.iter().filter(|r| r.required && r.upload && r.applies_to(channel)) {
        if !uploads.iter().any(|u| u.requirement == r.code) {
            return Err(Error::invalid(&format!("files.{}", r.code), format!("upload `{}`", r.name)));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Application)]
pub struct Submission {
    pub service: String,
    pub channel: String,
    /// The person applying; an institution's account leaves it out (the
    /// institution is the applicant).
    #[serde(default)]
    pub applicant: Applicant,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    /// An institution's letter of application (required when a `lembaga`
    /// account applies).
    #[serde(default)]
    pub letter: Option<Letter>,
}

/// The time a complaint about a named service is due in, when that
/// service's standard states one (`[complaints] time`); otherwise the
/// complaints procedure's own.
fn complaint_time(app: &App, std: &Standard, sub: &Submission) -> Option<SlaDuration> {
    if std.slug != domain::complaint::SERVICE {
        return None;
    }
    let named = sub.fields.get("layanan").and_then(Value::as_str)?;
    let service = app.catalog.get(named).filter(|s| s.office == std.office)?;
    service.complaints.as_ref()?.time.clone().filter(SlaDuration::is_deadline)
}

/// The letter an institution applies by.
#[derive(Debug, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Letter {
    /// Its number, e.g. `500/123/BANK-X/XI/2026`.
    pub number: String,
    /// Its date, `YYYY-MM-DD`, not in the future.
    pub date: String,
}

impl Letter {
    /// Checks the letter against today in the office (`letter.number`,
    /// `letter.date` named) and gives what the case records of it.
    fn recorded(&self, today: chrono::NaiveDate) -> Result<Value, Error> {
        let number = self.number.trim();
        if number.is_empty() || number.chars().count() > 100 {
            return Err(Error::invalid(
                "letter.number",
                "the letter's number is required (at most 100 characters)",
            ));
        }
        let date = chrono::NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d")
            .map_err(|_| Error::invalid("letter.date", "a date as YYYY-MM-DD"))?;
        if date > today {
            return Err(Error::invalid("letter.date", "the letter's date is in the future"));
        }
        Ok(
            serde_json::json!({"nomor_surat_permohonan": number, "tanggal_surat_permohonan": date.to_string()}),
        )
    }
}

/// Channels a citizen uses alone; the others are staffed (counter, kiosk,
/// jemput bola) and need an operator's session.
pub fn is_self_service(channel: &str) -> bool {
    matches!(channel, "online" | "whatsapp")
}

/// When a new case's service clock starts, by its channel's rule
/// (`starts`): now (submission), the completion of a step (`None` until
/// then, unless submission completed it), or the date staff entered in a
/// form field. Waiting on an outside party first, it starts when they are
/// done (`clock::outside_party`).
fn service_start(
    std: &Standard,
    sub: &Submission,
    cal: &domain::calendar::BusinessCalendar,
    now: chrono::DateTime<chrono::Utc>,
    done: &[String],
    outside: bool,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, Error> {
    use domain::standard::ClockStart;
    let rule = std.channels.iter().find(|c| c.code == sub.channel).and_then(|c| c.starts.as_ref());
    Ok(match rule {
        None | Some(ClockStart::Submission) => (!outside).then_some(now),
        Some(ClockStart::AfterStep(id)) => done.contains(id).then_some(now),
        Some(ClockStart::FromField(f)) => {
            let field = format!("fields.{f}");
            let date = sub
                .fields
                .get(f)
                .and_then(Value::as_str)
                .and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
                .ok_or_else(|| {
                    Error::invalid(
                        &field,
                        "this channel's clock starts on this date (YYYY-MM-DD): it is required",
                    )
                })?;
            let start = cal.opening_on(date);
            if date > now.with_timezone(&cal.zone.offset()).date_naive() {
                return Err(Error::invalid(&field, "the date cannot be in the future"));
            }
            Some(start.min(now))
        }
    })
}

/// Whether the case's channel starts its service clock after its current step.
fn starts_after(std: &Standard, case: &Case) -> bool {
    use domain::standard::ClockStart;
    std.channels.iter().any(|c| {
        c.code == case.channel
            && matches!(&c.starts, Some(ClockStart::AfterStep(id)) if case.current_step.as_ref() == Some(id))
    })
}

/// Whether `step` waits on an outside party (the office's clock stops).
fn is_outside(std: &Standard, step: Option<&str>) -> bool {
    std.step(step).is_some_and(|s| s.actor == Actor::External)
}

pub(crate) fn actor_name(std: &Standard, step: Option<&str>) -> Option<String> {
    let s = std.step(step)?;
    Some(s.actor.as_str().into())
}

/// Messages to the applicant, by whatever contact they gave. WhatsApp and
/// SMS are adapters that log to the outbox; email waits for SMTP there.
pub(crate) fn tell_applicant(office: &str, a: &Applicant, subject: &str, body: &str) -> Vec<NewNotification> {
    let mut out = Vec::new();
    let mut push = |channel: &str, to: &Option<String>| {
        if let Some(to) = to.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            out.push(NewNotification {
                office: office.into(),
                channel: channel.into(),
                recipient: to.into(),
                subject: subject.into(),
                body: body.into(),
            });
        }
    };
    push("email", &a.email);
    push("whatsapp", &a.phone);
    out
}

/// Creates a case. Staffed channels need an operator of the office.
pub async fn submit(
    app: &App,
    sub: &Submission,
    uploads: &[Upload],
    by: Option<&Principal>,
) -> Result<Case, Error> {
    match by.filter(|p| p.role == Role::Lembaga) {
        Some(account) => {
            let inst = crate::institutions::of_account(app, account).await?;
            submit_for(app, sub, uploads, None, Some((&inst, account))).await
        }
        None => submit_for(app, sub, uploads, by, None).await,
    }
}

/// [`submit`] by staff or an anonymous applicant (`by`), or by an
/// institution's account (`institution`: the institution is the applicant,
/// on any channel, and its letter is recorded when it applies by one).
pub(crate) async fn submit_for(
    app: &App,
    sub: &Submission,
    uploads: &[Upload],
    by: Option<&Principal>,
    institution: Option<(&store::Institution, &Principal)>,
) -> Result<Case, Error> {
    let std = app
        .catalog
        .get(&sub.service)
        .cloned()
        .ok_or_else(|| Error::invalid("service", format!("no service `{}`", sub.service)))?;
    let (first, done) = case::start(&std, &sub.channel)?;
    if !is_self_service(&sub.channel) && institution.is_none() {
        let who = by.ok_or(Error::Unauthorized)?;
        // The office's counter, a village kiosk of the office, or the staff
        // whose step comes first (the complaints officer entering a slip).
        let mut intake = vec![Role::Operator, Role::Desa];
        if let Some(Actor::Staff(role)) = std.step(Some(&first)).map(|s| &s.actor) {
            intake.push(*role);
        }
        who.require(&intake, std.office.as_str())?;
    }
    let owned;
    let (sub, letter) = match institution {
        Some((inst, _)) => {
            owned = Submission { applicant: crate::institutions::applicant_of(inst), ..sub.clone() };
            let letter = match &sub.letter {
                Some(l) => Some(l.recorded(app.today(std.office.as_str()))?),
                None if std.slug == crate::institutions::VERIFICATION => None,
                None => {
                    return Err(Error::invalid(
                        "letter.number",
                        "an institution applies by letter: give its number and date",
                    ));
                }
            };
            (&owned, letter)
        }
        None => (sub, None),
    };
    sub.applicant.check(domain::Applicants::asks(std.applicants.as_ref()))?;
    crate::institutions::admit(&std, &sub.applicant, institution.map(|(i, _)| i))?;
    check_fields(&std, &sub.fields)?;
    let objected = match &std.objection {
        Some(o) => Some(objected(app, &std, o, sub).await?),
        None => None,
    };
    for u in uploads {
        check_upload(&std, u, app.config.max_upload_bytes, None)?;
    }
    check_required_uploads(&std, &sub.channel, uploads)?;
    // A stock request names its office; the months it has not reported are
    // flagged to the verifier on the first journal row.
    let flags = match &std.stock {
        Some(rule) => {
            let fields = Value::Object(sub.fields.clone()).to_string();
            crate::stock::request_flags(app, rule, std.office.as_str(), &fields).await?
        }
        None => Map::new(),
    };
    let now = app.now();
    let cal = clock::calendar(app, std.office.as_str()).await?;
    let mut ch = CaseChange::default();
    clock::start_step(&cal, now, step_limit(&std, Some(&first)), &mut ch);
    let outside = is_outside(&std, Some(&first));
    let named = complaint_time(app, &std, sub);
    let limit = named.as_ref().or(case_limit(&std, &sub.channel));
    let service_start = service_start(&std, sub, &cal, now, &done, outside)?;
    let code = tracking_code();
    let creator = match (institution, by) {
        (Some((_, account)), _) | (None, Some(account)) => account.user.username.clone(),
        (None, None) => Actor::Applicant.as_str().to_string(),
    };
    let files = store_uploads(app, &std, uploads, &creator, None).await?;
    let new = NewCase {
        tracking_code: code.clone(),
        office: std.office.to_string(),
        service: std.slug.clone(),
        standard_version: i64::from(std.version),
        channel: sub.channel.clone(),
        status: Status::Submitted,
        current_step: Some(first.clone()),
        current_actor: actor_name(&std, Some(&first)),
        applicant_name: sub.applicant.name.trim().to_string(),
        applicant: sub.applicant.clone(),
        fields: Value::Object(sub.fields.clone()).to_string(),
        created_by: creator.clone(),
        created_at: clock::ms(now),
        files,
        service_started_at: limit.and(service_start).map(clock::ms),
        due_at: service_start.and_then(|s| clock::case_due(&cal, s, limit)),
        step_started_at: ch.step_started_at,
        step_due_at: ch.step_due_at,
        institution_id: institution.map(|(i, _)| i.id),
        parent_id: None,
        linked_from: objected,
        agreement_id: None,
        duty_period: None,
    };
    let mut data = serde_json::Map::new();
    if !done.is_empty() {
        data.insert("completed_steps".into(), serde_json::json!(done));
    }
    if let Some(Value::Object(l)) = letter {
        data.extend(l);
    }
    data.extend(flags);
    let journal = NewJournal {
        at: Some(clock::ms(now)),
        actor: creator,
        on_behalf: by.is_some(),
        action: "submit".into(),
        from_status: None,
        to_status: Status::Submitted.as_str().into(),
        from_step: None,
        to_step: Some(first),
        note: None,
        data: (!data.is_empty()).then(|| Value::Object(data).to_string()),
        acting: None,
    };
    let due = match new.due_at {
        Some(_) => crate::clock::human(new.due_at, cal.zone),
        None => std.sla.wording.clone(),
    };
    let body = format!("Permohonan {} diterima. Kode lacak: {code}. Batas waktu: {due}.", std.title);
    let notes = tell_applicant(&new.office, &sub.applicant, "Permohonan diterima", &body);
    let receipt = receipt(app, &std, &new, &code, &due, by).await?;
    let mut case = app.store.create_case(&new, &[journal], &notes, vec![receipt]).await?;
    if std.sla.needs_network {
        case = crate::outages::hold_if_down(app, &case).await?;
    }
    metrics::counter!("layanan_applications_total", "channel" => case.channel.clone()).increment(1);
    crate::documents::wake_producer(app);
    Ok(case)
}

/// The refused request an objection names (its tracking code in the
/// standard's field): a request of the objected service of this office,
/// refused, and applied for by the same person (NIK) or institution.
async fn objected(
    app: &App,
    std: &Standard,
    o: &domain::standard::Objection,
    sub: &Submission,
) -> Result<i64, Error> {
    let field = format!("fields.{}", o.field);
    let code =
        sub.fields.get(&o.field).and_then(Value::as_str).map(|c| c.trim().to_uppercase()).unwrap_or_default();
    let case = app
        .store
        .case_by_tracking(&code)
        .await?
        .filter(|c| c.office == std.office.as_str() && c.service == o.against)
        .ok_or_else(|| {
            Error::invalid(&field, "no request of the service objected to has this tracking code")
        })?;
    if case.status != Status::Rejected {
        return Err(Error::invalid(&field, "an objection is filed against a refused request"));
    }
    let person = case.applicant.nik.is_some() && case.applicant.nik == sub.applicant.nik;
    let org = |a: &Applicant| a.organisation.as_ref().map(|o| o.name.clone());
    let same_org = org(&case.applicant).is_some() && org(&case.applicant) == org(&sub.applicant);
    if !(person || same_org) {
        return Err(Error::invalid(
            "applicant.nik",
            "only the applicant of the refused request may object to it",
        ));
    }
    Ok(case.id)
}

/// The application receipt: signed like every document, its QR code points
/// at the tracking page.
pub(crate) async fn receipt(
    app: &App,
    std: &Standard,
    new: &NewCase,
    code: &str,
    due: &str,
    by: Option<&Principal>,
) -> Result<store::DocumentDraft, Error> {
    let zone = crate::clock::office_zone(&new.office);
    let received = crate::clock::human(Some(new.created_at), zone);
    let track = format!("{}/track/{code}", app.config.public_url.trim_end_matches('/'));
    let mut paragraphs = vec![
        format!("Telah diterima permohonan {} atas nama {}.", std.title, masked_name(&new.applicant_name)),
        format!("Kode lacak: {code}. Diterima: {received}. Batas waktu pelayanan: {due}."),
    ];
    // A request counted in sheets (legalisir) shows the count and its fee.
    if let Some(field) = std.steps.iter().find_map(|s| s.per_sheet.as_deref()) {
        let fields = serde_json::from_str(&new.fields).unwrap_or_default();
        let n = domain::applicant::sheets(&fields, field)?;
        paragraphs.push(format!("Jumlah lembar yang dilegalisir: {n}. Biaya: Rp 0 (tidak dipungut biaya)."));
    }
    // Registered at a village kiosk: the village, for the resident and the reports.
    if let Some(village) = kiosk_village(app, by).await? {
        paragraphs.push(format!("Didaftarkan melalui kios pelayanan {village}."));
    }
    paragraphs.push(format!("Status permohonan dapat dilacak di {track}"));
    let content = crate::documents::Content {
        doc_type: "tanda_terima".into(),
        title: "Tanda Terima Permohonan".into(),
        paragraphs,
        holder: masked_name(&new.applicant_name),
        signer: ::documents::render::Signer {
            place: app.store.region(&new.office).await?.map(|r| place_name(&r.name)).unwrap_or_default(),
            position: "Petugas Pelayanan".into(),
            name: by.map_or_else(|| "Layanan daring".to_string(), |u| u.user.display_name.clone()),
            nip: by.and_then(|u| u.user.nip.clone()),
            wet_signature: false,
        },
        qr_target: Some(track),
    };
    crate::documents::draft(app, &new.office, &new.created_by, content).await
}

/// The village of a kiosk account (`desa`): its region's name and code.
pub async fn kiosk_village(app: &App, by: Option<&Principal>) -> Result<Option<String>, Error> {
    let Some(code) = by.filter(|p| p.role == Role::Desa).and_then(|p| p.user.unit.clone()) else {
        return Ok(None);
    };
    let name = app.store.region(&code).await?.map(|r| r.name).unwrap_or_default();
    Ok(Some(format!("{name} ({code})")))
}

/// What an actor asks for.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Action)]
pub struct ActionInput {
    pub action: String,
    #[serde(default)]
    pub note: Option<String>,
    pub expected_version: i64,
    #[serde(default)]
    pub to_step: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
    /// A step's recorded outcome (letter number, amount, found/not found).
    #[serde(default)]
    pub data: Option<Value>,
}

/// Applies one action to a case on behalf of `party`.
pub async fn act(
    app: &App,
    case: &Case,
    party: &Party,
    input: &ActionInput,
    uploads: &[Upload],
) -> Result<Case, Error> {
    let action: Action = input.action.parse().map_err(|m: String| Error::invalid("action", m))?;
    // A stale form is answered as stale before anything else: what it asks
    // was decided on a state that no longer holds. The store re-checks
    // atomically when it writes.
    if input.expected_version != case.version {
        return Err(
            store::StoreError::Stale(format!("case {} is at version {}", case.id, case.version)).into()
        );
    }
    if input.note.as_deref().is_some_and(|n| n.chars().count() > 5_000) {
        return Err(Error::invalid("note", "at most 5000 characters"));
    }
    let std = standard_of(app, &case.office, &case.service, case.standard_version).await?;
    let (uploads, letter) = action_uploads(&std, case, party, action, uploads)?;
    let view = CaseView {
        office: &case.office,
        channel: &case.channel,
        status: case.status,
        current_step: case.current_step.as_deref(),
        assignee: case.assignee.as_deref(),
    };
    // A step's `ends_when` reads what the case has recorded so far with
    // this action's data (the search step's result, read when signing).
    let ending_data = match std.step(case.current_step.as_deref()).and_then(|s| s.ends_when.as_ref()) {
        Some(_) => Some(Value::Object(recorded(app, case, input.data.as_ref()).await?)),
        None => None,
    };
    let req = Request {
        note: input.note.as_deref(),
        to_step: input.to_step.as_deref(),
        assignee: input.assignee.as_deref(),
        data: ending_data.as_ref().or(input.data.as_ref()),
    };
    let t = case::decide(&std, &view, party, action, &req)?;
    if action == Action::Advance && matches!(party, Party::Applicant) {
        check_step_uploads(app, &std, case, &uploads).await?;
    }
    let now = app.now();
    let cal = clock::calendar(app, &case.office).await?;
    // What the law forbids the step to grant is refused with its basis.
    let forbidden = std
        .step(case.current_step.as_deref())
        .and_then(|s| s.refuses_when.as_ref())
        .filter(|f| f.holds(&case.fields));
    if let Some(f) = forbidden
        && action == Action::Advance
    {
        return Err(Error::NotAllowed(format!("this request cannot be granted: {}", f.basis)));
    }
    // Its refusal states the basis, in the journal and on the letter.
    let with_basis;
    let input = match forbidden {
        Some(f) if action == Action::Reject => {
            let note = input.note.as_deref().unwrap_or_default().trim();
            with_basis =
                ActionInput { note: Some(format!("{note} Dasar hukum: {}", f.basis)), ..input.clone() };
            &with_basis
        }
        _ => input,
    };
    // An outside body's refusal is recorded like its approval: its letter;
    // a step's own refusal records what it names (a failed IKD's reason).
    if action == Action::Reject
        && let Some(step) = std.step(case.current_step.as_deref())
    {
        if step.actor == Actor::External {
            domain::applicant::check_records(step, input.data.as_ref())?;
        }
        domain::applicant::check_refusal_records(step, input.data.as_ref())?;
    }
    if action == Action::Advance
        && let Some(step) = std.step(case.current_step.as_deref())
    {
        domain::applicant::check_records(step, input.data.as_ref())?;
        let completes = t.status == Status::Completed;
        clock::check_earliest(&cal, now, &std, case, step, input.data.as_ref(), completes)?;
    }
    // A register entry recorded by the search step is quoted on the case.
    let with_entry;
    let input = match std.step(case.current_step.as_deref()) {
        Some(step) if action == Action::Advance => {
            match crate::register::quote_records(app, case, step, input).await? {
                Some(quoted) => {
                    with_entry = quoted;
                    &with_entry
                }
                None => input,
            }
        }
        _ => input,
    };
    if let Some(Some(who)) = &t.assignee {
        check_assignee(app, case, &std, who).await?;
    }
    if action == Action::Advance
        && std.step(case.current_step.as_deref()).is_some_and(|s| s.participants)
        && app.store.child_cases(case.id).await?.is_empty()
    {
        return Err(Error::invalid("participants", "enter the participants before finishing this step"));
    }
    if action == Action::Advance
        && std.step(case.current_step.as_deref()).is_some_and(|s| s.books_slot)
        && app.store.booking_of_case(case.id).await?.is_none()
    {
        return Err(Error::invalid("slot_id", "book a slot for this case before finishing this step"));
    }
    let disposed_to = match std.step(case.current_step.as_deref()) {
        Some(step) if action == Action::Advance && step.disposition => {
            Some(disposed_to(app, case, &std, t.step.as_deref(), input.data.as_ref()).await?)
        }
        _ => None,
    };
    let mut ch = CaseChange::from_case(case);
    ch.status = t.status;
    ch.current_step = t.step.clone();
    ch.current_actor = actor_name(&std, t.step.as_deref());
    if let Some(a) = &t.assignee {
        ch.assignee = a.clone();
    }
    if disposed_to.is_some() {
        ch.assignee = disposed_to;
    }
    let (case_d, step_d) = (case_limit(&std, &case.channel), step_limit(&std, case.current_step.as_deref()));
    // A service clock that starts after a step (the PPID's confirmation)
    // starts when that step is completed; one that covers the case up to a
    // step (the PPID counter's reply letter) is done when that step is.
    let channel = std.channels.iter().find(|c| c.code == case.channel);
    if action == Action::Advance && case.service_started_at.is_none() && starts_after(&std, case) {
        ch.service_started_at = case_d.map(|_| clock::ms(now));
        ch.due_at = clock::case_due(&cal, now, case_d);
    } else if action == Action::Advance
        && channel.and_then(|c| c.ends_after_step.as_ref()) == case.current_step.as_ref()
        && case.current_step.is_some()
    {
        (ch.service_started_at, ch.due_at, ch.case_left_ms) = (None, None, None);
    }
    match t.clock {
        Clock::Keep => {}
        Clock::StartStep => {
            // A case held by an outage moves on: the service clock takes
            // back its time; the new step's clock is held again after the
            // write (`outages::hold_if_down` below).
            if case.status.is_active() && case.paused_at.is_some() {
                clock::unpause(&cal, now, case_d, step_d, &mut ch);
            }
            clock::start_step(&cal, now, step_limit(&std, t.step.as_deref()), &mut ch);
            let outside = |step: Option<&str>| is_outside(&std, step);
            let moves = (outside(case.current_step.as_deref()), outside(t.step.as_deref()));
            clock::outside_party(&cal, now, case_d, moves, &mut ch);
        }
        Clock::Pause => clock::pause(&cal, now, case_d, step_d, &mut ch),
        Clock::Resume => clock::unpause(&cal, now, case_d, step_d, &mut ch),
        Clock::Stop => ch.finished_at = Some(clock::ms(now)),
    }
    let actor = match party {
        Party::Applicant => Actor::Applicant.as_str().to_string(),
        Party::Staff { username, .. } => username.clone(),
    };
    // Someone acting for a position (Plt./Plh.) acts in its role; the
    // journal and audit rows name them and the position.
    let acting = match party {
        Party::Staff { username, .. } => app.store.acting_now(username, clock::ms(now)).await?,
        Party::Applicant => None,
    };
    let mut journal = NewJournal {
        at: Some(clock::ms(now)),
        acting: acting.as_ref().map(store::Acting::describe),
        actor,
        on_behalf: t.on_behalf,
        action: action.as_str().into(),
        from_status: Some(case.status.as_str().into()),
        to_status: ch.status.as_str().into(),
        from_step: case.current_step.clone(),
        to_step: ch.current_step.clone(),
        note: input.note.clone().filter(|n| !n.trim().is_empty()),
        data: input.data.as_ref().map(Value::to_string),
    };
    let files = store_uploads(app, &std, &uploads, &journal.actor, letter.as_deref()).await?;
    // Completing a step that yields an office document issues it in this
    // same transaction.
    let mut docs = Vec::new();
    if let Some(step) = std.step(case.current_step.as_deref())
        && let Some(kind) = letter_of(step, action, ending_data.as_ref().or(input.data.as_ref()))
    {
        // A step that issues per sheet (legalisir) signs one numbered page each.
        let sheets = match (&step.per_sheet, step.document.as_deref() == Some(kind)) {
            (Some(field), true) => {
                let fields = serde_json::from_str(&case.fields).unwrap_or_default();
                domain::applicant::sheets(&fields, field)?
            }
            _ => 1,
        };
        for sheet in 1..=sheets {
            let who = (party, acting.as_ref());
            docs.push(step_document(app, &std, case, step, (kind, sheet, sheets), who, input).await?);
        }
    }
    let mut notes = match applicant_message(
        &app.config.public_url,
        &std,
        case,
        t.status,
        action,
        input.note.as_deref(),
    ) {
        Some((subject, body)) => tell_applicant(&case.office, &case.applicant, subject, &body),
        None => Vec::new(),
    };
    // A step that sends the applicant what was recorded (the desk's answer).
    if let Some(code) = std.step(case.current_step.as_deref()).and_then(|s| s.sends.as_ref())
        && action == Action::Advance
    {
        let recorded = recorded(app, case, input.data.as_ref()).await?;
        let text = recorded.get(code).and_then(Value::as_str).unwrap_or_default();
        let body = format!("{} ({}):\n{text}", std.title, case.tracking_code);
        notes.extend(tell_applicant(&case.office, &case.applicant, "Jawaban atas pertanyaan Anda", &body));
    }
    let linked = match std.step(case.current_step.as_deref()) {
        Some(step) if action == Action::Advance => match &step.hands_to {
            Some(to) => Some(Box::new(hand_on(app, case, to, party).await?)),
            None => None,
        },
        _ => None,
    };
    if let Some(l) = &linked {
        // The step's row names the case it opened.
        let mut data: serde_json::Map<String, Value> =
            journal.data.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default();
        data.insert("linked_case".into(), Value::from(l.case.tracking_code.clone()));
        journal.data = Some(Value::Object(data).to_string());
    }
    // The step that signs a data-access agreement makes it here; a later
    // step of the same case adds to its timeline.
    let (agreement, agreement_event) = match action {
        Action::Advance => (
            crate::agreements::signed_at(app, &std, case, (party, acting.as_ref()), input).await?,
            crate::agreements::later_step(&std, case, &journal.actor, input)?,
        ),
        _ => (None, None),
    };
    let stock = match &std.stock {
        Some(rule) if action == Action::Advance => {
            stock_moves(app, rule, case, input, &journal.actor).await?
        }
        _ => Vec::new(),
    };
    let step_done = step_done(&cal, &std, case, action, &journal.actor, now);
    let update = store::CaseUpdate {
        step_done,
        change: ch,
        journal,
        notes,
        files,
        docs,
        linked,
        agreement,
        agreement_event,
        stock,
    };
    let issues = !update.docs.is_empty();
    let mut case = app.store.update_case(case.id, input.expected_version, update).await?;
    metrics::counter!("layanan_case_actions_total", "action" => action.as_str()).increment(1);
    if case.status.is_final() {
        let actor = match party {
            Party::Staff { username, .. } => username.as_str(),
            Party::Applicant => Actor::Applicant.as_str(),
        };
        crate::institutions::on_closed(app, &case, actor).await?;
    }
    // Back from the applicant during an outage: held like the others.
    if std.sla.needs_network && case.status.is_active() && case.paused_at.is_none() {
        case = crate::outages::hold_if_down(app, &case).await?;
    }
    if issues {
        crate::documents::wake_producer(app);
    }
    Ok(case)
}

/// The step an action ends (completed, returned to the applicant or
/// refused), for the step log: its working time on the office calendar —
/// a pause moved its start on — and its own time limit in working minutes.
fn step_done(
    cal: &domain::calendar::BusinessCalendar,
    std: &Standard,
    case: &Case,
    action: Action,
    done_by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<store::StepDone> {
    if !matches!(action, Action::Advance | Action::Return | Action::Reject) {
        return None;
    }
    let step = std.step(case.current_step.as_deref())?;
    let started = case.step_started_at.unwrap_or(case.created_at);
    let minutes = |until: i64| {
        cal.working_minutes_between(clock::at(started), clock::at(until).max(clock::at(started)))
    };
    Some(store::StepDone {
        office: case.office.clone(),
        service: case.service.clone(),
        step: step.id.clone(),
        actor: step.actor.as_str().into(),
        done_by: done_by.into(),
        action: action.as_str().into(),
        started_at: started,
        ended_at: clock::ms(now),
        due_at: case.step_due_at,
        work_minutes: minutes(clock::ms(now)),
        limit_minutes: case.step_due_at.map(minutes),
    })
}

/// The letter an action on `step` issues: the step's own document when it
/// is completed; a *surat keterangan tidak ditemukan* (or whatever the
/// step's `ends_when` names) when it ends the case early; a *surat
/// penolakan* stating the reason when the application is rejected.
fn letter_of<'s>(step: &'s domain::standard::Step, action: Action, data: Option<&Value>) -> Option<&'s str> {
    match action {
        Action::Advance => match &step.ends_when {
            Some(e) if e.when().holds(data) => Some(e.document.as_str()),
            _ => step.document.as_deref(),
        },
        Action::Reject => Some(REFUSAL),
        _ => None,
    }
}

/// The case a hand-on step opens, its receipt signed by the staff member
/// who completed the step.
async fn hand_on(
    app: &App,
    case: &Case,
    to: &domain::standard::HandOn,
    party: &Party,
) -> Result<store::CaseCreate, Error> {
    let (actor, by) = match party {
        Party::Staff { username, .. } => {
            let user = app.store.user_for_login(username).await?.map(|(u, _)| Principal::of(u));
            (username.clone(), user)
        }
        Party::Applicant => (Actor::Applicant.as_str().to_string(), None),
    };
    super::link::opened(app, case, to, &actor, by.as_ref()).await
}

/// The letter every rejection issues.
pub const REFUSAL: &str = "surat_penolakan";

/// The applicant hears of a return, the result, and nothing else.
fn applicant_message(
    public_url: &str,
    std: &Standard,
    case: &Case,
    to: Status,
    action: Action,
    note: Option<&str>,
) -> Option<(&'static str, String)> {
    let code = &case.tracking_code;
    let reason = note.unwrap_or_default();
    match (to, action) {
        (Status::Returned, _) => Some((
            "Permohonan perlu dilengkapi",
            format!("Permohonan {} ({code}) dikembalikan untuk dilengkapi: {reason}", std.title),
        )),
        // The survey is offered with the completion (one response per case).
        (Status::Completed, _) if std.slug != domain::complaint::SERVICE => Some((
            "Permohonan selesai",
            format!(
                "Permohonan {} ({code}) telah selesai. Mohon nilai layanan kami (survei kepuasan masyarakat): \
                 {public_url}/survei?kasus={code}",
                std.title
            ),
        )),
        (Status::Completed, _) => {
            Some(("Permohonan selesai", format!("Permohonan {} ({code}) telah selesai.", std.title)))
        }
        (Status::Rejected, _) => {
            Some(("Permohonan ditolak", format!("Permohonan {} ({code}) ditolak: {reason}", std.title)))
        }
        _ => None,
    }
}

/// A case is assigned to an active account of its office that holds the
/// current step's role.
async fn check_assignee(app: &App, case: &Case, std: &Standard, who: &str) -> Result<(), Error> {
    let (user, _) = app
        .store
        .user_for_login(who)
        .await?
        .filter(|(u, _)| u.active && u.office == case.office)
        .ok_or_else(|| Error::invalid("assignee", format!("no active account `{who}` in this office")))?;
    let role = std.step(case.current_step.as_deref()).map(|s| s.actor);
    let fits = match role {
        Some(Actor::Staff(r)) => user.role == r,
        _ => user.role == Role::Operator,
    };
    if fits {
        Ok(())
    } else {
        Err(Error::invalid("assignee", format!("`{who}` does not hold the role of the current step")))
    }
}

/// Whom a disposition sends the letter to (`data.kepada`): an active
/// account of the office holding the next step's role, who is then assigned
/// that step.
async fn disposed_to(
    app: &App,
    case: &Case,
    std: &Standard,
    next: Option<&str>,
    data: Option<&Value>,
) -> Result<String, Error> {
    let to = data.and_then(|d| d.get("kepada")).and_then(Value::as_str).map(str::trim).unwrap_or_default();
    let role = std.step(next).and_then(|s| match s.actor {
        Actor::Staff(r) => Some(r),
        _ => None,
    });
    let user =
        app.store.user_for_login(to).await?.map(|(u, _)| u).filter(|u| u.active && u.office == case.office);
    match (user, role) {
        (Some(u), Some(r)) if u.role == r => Ok(u.username),
        (Some(_), Some(r)) => {
            Err(Error::invalid("data.kepada", format!("`{to}` does not hold the next step's role ({r})")))
        }
        _ => Err(Error::invalid("data.kepada", format!("no active account `{to}` in this office"))),
    }
}

/// The document a completed step yields, from the office's template.
async fn step_document(
    app: &App,
    std: &Standard,
    case: &Case,
    step: &domain::standard::Step,
    // The document kind, and this page's sheet of how many (1 of 1 but
    // for a `per_sheet` step).
    (kind, sheet, sheets): (&str, u32, u32),
    // Who signs: the party, and the position it acts for, if any.
    (party, acting): (&Party, Option<&store::Acting>),
    input: &ActionInput,
) -> Result<store::DocumentDraft, Error> {
    let doc =
        domain::document::kind(kind).ok_or_else(|| Error::internal(format!("no document kind `{kind}`")))?;
    let who = case.applicant.display_name().to_string();
    let office = app.store.office(&case.office).await?.map(|o| o.name).unwrap_or_default();
    let recorded = recorded(app, case, input.data.as_ref()).await?;
    let reference = recorded.get("reference").and_then(Value::as_str).unwrap_or_default().to_string();
    // The letter's agenda number (its kartu agenda), and whom a disposition
    // sends it to, by name: looked up only for a template that prints them.
    let template = app.catalog.template(&case.office, kind).unwrap_or("{output}");
    let agenda = match template.contains("{agenda}") {
        true => app
            .store
            .case_documents(case.id)
            .await?
            .into_iter()
            .find(|d| d.doc_type == crate::documents::AGENDA),
        false => None,
    };
    let to = recorded.get("kepada").and_then(Value::as_str).unwrap_or_default();
    let named = match template.contains("{kepada}") && !to.is_empty() {
        true => app.store.user_for_login(to).await?,
        false => None,
    };
    let to = match named {
        Some((u, _)) => format!("{} ({})", u.display_name, position_of(u.role)),
        None => to.to_string(),
    };
    let values = [
        ("service", std.title.clone()),
        ("applicant", who),
        ("tracking_code", case.tracking_code.clone()),
        ("output", step.output.clone().unwrap_or_default()),
        ("office", office),
        ("note", input.note.clone().unwrap_or_default()),
        ("reference", reference),
        ("agenda", agenda.map(|d| d.number).unwrap_or_default()),
        ("kepada", to),
        ("sheet", sheet.to_string()),
        ("sheets", sheets.to_string()),
    ];
    let fields: Value = serde_json::from_str(&case.fields).unwrap_or(Value::Null);
    let data = serde_json::json!({ "fields": fields, "recorded": recorded });
    let (name, position, nip) = signer(app, party, acting).await?;
    let content = crate::documents::Content {
        doc_type: kind.into(),
        title: doc.title.into(),
        paragraphs: crate::documents::fill(template, &values, &data),
        holder: masked_name(&case.applicant_name),
        signer: ::documents::render::Signer {
            place: app.store.region(&case.office).await?.map(|r| place_name(&r.name)).unwrap_or_default(),
            position,
            name,
            nip,
            wet_signature: doc.wet_signature,
        },
        qr_target: None,
    };
    let actor = match party {
        Party::Staff { username, .. } => username.as_str(),
        Party::Applicant => Actor::Applicant.as_str(),
    };
    crate::documents::draft(app, &case.office, actor, content).await
}

/// What staff recorded on a case's earlier steps and in `data` (this
/// action's), newest winning.
pub(crate) async fn recorded(
    app: &App,
    case: &Case,
    data: Option<&Value>,
) -> Result<serde_json::Map<String, Value>, Error> {
    let mut recorded = serde_json::Map::new();
    for j in app.store.journal(case.id).await? {
        if let Some(Value::Object(d)) = j.data.and_then(|d| serde_json::from_str::<Value>(&d).ok()) {
            recorded.extend(d);
        }
    }
    if let Some(Value::Object(d)) = data {
        recorded.extend(d.clone());
    }
    Ok(recorded)
}

/// Who signs for the office: name, position and NIP. An acting official
/// signs with "Plt." (or "Plh.") before the title.
pub(crate) async fn signer(
    app: &App,
    party: &Party,
    acting: Option<&store::Acting>,
) -> Result<(String, String, Option<String>), Error> {
    let (name, position, nip) = match party {
        Party::Staff { username, role, .. } => match app.store.user_for_login(username).await? {
            Some((u, _)) => (u.display_name, position_of(*role), u.nip),
            None => (username.clone(), position_of(*role), None),
        },
        Party::Applicant => ("Layanan daring".to_string(), "Petugas Pelayanan", None),
    };
    let position = match acting {
        Some(a) => format!("{} {position}", a.prefix()),
        None => position.to_string(),
    };
    Ok((name, position, nip))
}

/// The title under a signature, by role.
fn position_of(role: Role) -> &'static str {
    match role {
        Role::KepalaDinas => "Kepala Dinas Kependudukan dan Pencatatan Sipil",
        Role::Validator => "Kepala Bidang",
        Role::Verifikator => "Kepala Seksi / Verifikator",
        _ => "Petugas Pelayanan",
    }
}

/// `Kabupaten Jepara` → `Jepara`: the place written before a letter's date.
fn place_name(region: &str) -> String {
    region.trim_start_matches("Kabupaten ").trim_start_matches("Kota ").to_string()
}

/// The applicant's name as the public may see it: initials and stars.
pub fn masked_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| format!("{f}{}", "*".repeat(c.count().min(6)))).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_masked_to_initials() {
        assert_eq!(super::masked_name("Siti  Aminah"), "S*** A*****");
        assert_eq!(super::masked_name(""), "");
    }
}
