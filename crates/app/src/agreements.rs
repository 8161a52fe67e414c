//! Data-access agreements (PKS). A standard's `[agreement]` step makes one
//! in its own transaction (`signed_at`); later steps of that case add to its
//! timeline (`later_step`: the Juknis number). The office then manages it:
//! User IDs as the ministry issues them (`record_user_id`), the ministry's
//! letters (`ministry_letter`: a revocation, a User ID suspended), renewal
//! (`renew`: a new case on the same standard), and the warnings 90 and 30
//! days before it ends (`warn`, a job). Who sees what: staff of its office,
//! and the accounts of its institution; anyone else is told it does not
//! exist.

use crate::accounts::Principal;
use crate::cases::engine::{ActionInput, recorded, signer};
use crate::{App, Error};
use chrono::NaiveDate;
use domain::agreement::{self as rules, AgreementStatus, Flags};
use domain::case::Party;
use domain::{Role, Standard};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::{Agreement, AgreementEvent, AgreementUserId, Case, NewAgreement, NewAgreementEvent, NewUserId};

/// The agreement the `[agreement]` step of `std` signs when `input`
/// completes it; `None` on any other step.
pub(crate) async fn signed_at(
    app: &App,
    std: &Standard,
    case: &Case,
    (party, acting): (&Party, Option<&store::Acting>),
    input: &ActionInput,
) -> Result<Option<NewAgreement>, Error> {
    let Some(spec) = std.agreement.as_ref().filter(|s| Some(&s.step) == case.current_step.as_ref()) else {
        return Ok(None);
    };
    let rec = recorded(app, case, input.data.as_ref()).await?;
    let text = |k: &str| rec.get(k).and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
    let (starts, ends) = rules::validity(&text("berlaku_mulai"), &text("berlaku_sampai"))
        .map_err(|(f, m)| Error::invalid(f, m))?;
    let today = app.today(&case.office);
    let pks_date = match text("tanggal_pks") {
        d if d.is_empty() => today,
        d => date("data.tanggal_pks", &d)?,
    };
    let fields: serde_json::Map<String, Value> = serde_json::from_str(&case.fields).unwrap_or_default();
    let field = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| fields.get(*k).and_then(Value::as_str).filter(|v| !v.trim().is_empty()))
            .map(str::to_string)
    };
    let institution = match case.institution_id {
        Some(id) => app.store.institution(id).await?,
        None => None,
    };
    let office = app.store.office(&case.office).await?.map(|o| o.name).unwrap_or_default();
    let (name, position, _) = signer(app, party, acting).await?;
    let renews = app.store.agreement_renewed_by(case.id).await?;
    let actor = match party {
        Party::Staff { username, .. } => username.clone(),
        Party::Applicant => domain::standard::Actor::Applicant.as_str().to_string(),
    };
    Ok(Some(NewAgreement {
        office: case.office.clone(),
        case_id: case.id,
        institution_id: case.institution_id,
        party: case.applicant.display_name().to_string(),
        counterparty: spec.counterparty.clone().unwrap_or(office),
        purpose: field(&["maksud_tujuan", "keperluan", "tujuan"]).unwrap_or_else(|| std.title.clone()),
        legal_basis: institution.map_or_else(|| "tidak dinyatakan".to_string(), |i| i.legal_basis),
        data_elements: field(&["elemen_data", "data_diminta", "jenis_layanan"])
            .unwrap_or_else(|| "tidak dinyatakan".to_string()),
        access_mode: text("mode_akses"),
        pks_number: text("nomor_pks"),
        pks_date: pks_date.to_string(),
        juknis_number: Some(text("nomor_juknis")).filter(|n| !n.is_empty()),
        juknis_date: Some(text("tanggal_juknis")).filter(|n| !n.is_empty()),
        signed_by: format!("{name}, {position}"),
        starts_on: starts.to_string(),
        ends_on: ends.to_string(),
        renews: renews.map(|a| a.id),
        actor,
    }))
}

/// A step after the agreement's: an entry of its timeline, with the Juknis
/// when the step records one. `None` before the agreement step or where
/// the standard makes no agreement.
pub(crate) fn later_step(
    std: &Standard,
    case: &Case,
    actor: &str,
    input: &ActionInput,
) -> Result<Option<NewAgreementEvent>, Error> {
    let Some(spec) = &std.agreement else { return Ok(None) };
    let steps: Vec<_> = std.steps_for(&case.channel).collect();
    let pos = |id: &str| steps.iter().position(|s| s.id == id);
    let (Some(at), Some(signed)) = (case.current_step.as_deref().and_then(pos), pos(&spec.step)) else {
        return Ok(None);
    };
    if at <= signed {
        return Ok(None);
    }
    let data = input.data.as_ref();
    let text =
        |k: &str| data.and_then(|d| d.get(k)).and_then(Value::as_str).map(str::trim).map(str::to_string);
    let juknis = match (text("nomor_juknis"), text("tanggal_juknis")) {
        (Some(n), Some(d)) if !n.is_empty() => Some((n, date("data.tanggal_juknis", &d)?.to_string())),
        _ => None,
    };
    let step = steps[at];
    Ok(Some(NewAgreementEvent {
        actor: actor.to_string(),
        kind: "step".into(),
        summary: format!("Langkah {}: {}", step.no, step.description),
        data: data.map(Value::to_string),
        juknis,
        ..Default::default()
    }))
}

fn date(field: &str, v: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| Error::invalid(field, "a date as YYYY-MM-DD"))
}

/// An agreement as people see it: what was signed, its status today, its
/// User IDs and its timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgreementView {
    #[serde(flatten)]
    pub agreement: Agreement,
    pub status: AgreementStatus,
    /// Days until it ends (negative once ended).
    pub days_left: i64,
    /// The tracking code of the case that signed it.
    pub case: String,
    pub renewal_case: Option<String>,
    pub user_ids: Vec<AgreementUserId>,
    pub events: Vec<AgreementEvent>,
}

/// One line of a list of agreements.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgreementLine {
    pub id: i64,
    /// The case that signed it.
    pub case_id: i64,
    pub office: String,
    pub party: String,
    pub pks_number: String,
    pub access_mode: String,
    pub starts_on: String,
    pub ends_on: String,
    pub status: AgreementStatus,
    pub days_left: i64,
}

/// An agreement's validity as dates (the store keeps `YYYY-MM-DD`).
pub(crate) fn validity_of(a: &Agreement) -> Option<(NaiveDate, NaiveDate)> {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    Some((d(&a.starts_on)?, d(&a.ends_on)?))
}

fn status_of(app: &App, a: &Agreement) -> (AgreementStatus, i64) {
    let today = app.today(&a.office);
    let ends = validity_of(a).map_or(today, |(_, e)| e);
    let flags = Flags {
        suspension_recommended: a.suspension_recommended_at.is_some(),
        revoked: a.revoked_at.is_some(),
    };
    (rules::status(ends, today, flags), (ends - today).num_days())
}

/// The agreements `who` may see: an office's (its staff; a national or
/// provincial admin names the office), or an institution's own.
pub async fn list(app: &App, who: &Principal, office: Option<&str>) -> Result<Vec<AgreementLine>, Error> {
    let rows = match who.role {
        // An institution's account sees its institution's (none without one).
        Role::Lembaga => match who.user.institution_id {
            Some(inst) => app.store.agreements(None, Some(inst)).await?,
            None => Vec::new(),
        },
        _ => {
            let office = office.unwrap_or(&who.user.office);
            if !office_staff(who, office) {
                return Err(Error::forbidden(format!("office {office}'s agreements are for its staff")));
            }
            app.store.agreements(Some(office), None).await?
        }
    };
    Ok(rows
        .into_iter()
        .map(|a| {
            let (status, days_left) = status_of(app, &a);
            AgreementLine {
                id: a.id,
                case_id: a.case_id,
                office: a.office,
                party: a.party,
                pks_number: a.pks_number,
                access_mode: a.access_mode,
                starts_on: a.starts_on,
                ends_on: a.ends_on,
                status,
                days_left,
            }
        })
        .collect())
}

/// The agreement `id` if `who` may see it (staff of its office, accounts of
/// its institution); anyone else gets `NotFound`, as for a missing one.
pub(crate) async fn visible(app: &App, who: &Principal, id: i64) -> Result<Agreement, Error> {
    let a = app.store.agreement(id).await?;
    let sees = |a: &Agreement| match who.role {
        Role::Lembaga => who.user.institution_id.is_some() && who.user.institution_id == a.institution_id,
        _ => office_staff(who, &a.office),
    };
    a.filter(sees).ok_or_else(|| Error::not_found(format!("agreement {id}")))
}

fn office_staff(who: &Principal, office: &str) -> bool {
    who.role.is_staff() && who.user.office == office
}

/// One agreement with its User IDs and timeline. The read is logged: the
/// agreement names an institution's officers and endpoints.
pub async fn get(app: &App, who: &Principal, id: i64) -> Result<AgreementView, Error> {
    let a = visible(app, who, id).await?;
    app.store.log_access(&who.user.username, &format!("agreement:{id}"), "agreement").await?;
    let (status, days_left) = status_of(app, &a);
    let code = |id: Option<i64>| async move {
        match id {
            Some(id) => Ok::<_, Error>(app.store.case(id).await?.map(|c| c.tracking_code)),
            None => Ok(None),
        }
    };
    Ok(AgreementView {
        case: code(Some(a.case_id)).await?.unwrap_or_default(),
        renewal_case: code(a.renewal_case_id).await?,
        user_ids: app.store.agreement_user_ids(id).await?,
        events: app.store.agreement_events(id).await?,
        status,
        days_left,
        agreement: a,
    })
}

/// The roles that record what the ministry issued and decided.
const RECORDERS: [Role; 4] = [Role::Verifikator, Role::Validator, Role::KepalaDinas, Role::Admin];

/// A User ID as the Ditjen issued it. No password is ever taken.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIdInput {
    pub user_id: String,
    /// `development` or `production`.
    pub environment: String,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    /// The IP address or VPN endpoint it connects from.
    pub endpoint: String,
    /// The stress test / proof of concept result: `lulus` or `tidak_lulus`.
    #[serde(default)]
    pub test_result: Option<String>,
}

/// Records a User ID. A production ID follows a development ID and needs
/// the stress test / PoC passed (`lulus`); an agreement revoked or ended
/// takes none.
pub async fn record_user_id(
    app: &App,
    who: &Principal,
    id: i64,
    input: &UserIdInput,
) -> Result<AgreementUserId, Error> {
    let a = visible(app, who, id).await?;
    who.require(&RECORDERS, &a.office)?;
    let (status, _) = status_of(app, &a);
    if matches!(status, AgreementStatus::RevokedByMinistry | AgreementStatus::Ended) {
        return Err(Error::Conflict(format!("the agreement is {}: it takes no User ID", status.as_str())));
    }
    let user_id = input.user_id.trim();
    if user_id.is_empty() || user_id.len() > 100 || user_id.chars().any(char::is_whitespace) {
        return Err(Error::invalid("user_id", "the User ID as issued: 1 to 100 characters, no spaces"));
    }
    if !rules::ENVIRONMENTS.contains(&input.environment.as_str()) {
        return Err(Error::invalid("environment", "development or production"));
    }
    let issued = date("issued_on", &input.issued_on)?;
    if issued > app.today(&a.office) {
        return Err(Error::invalid("issued_on", "the date cannot be in the future"));
    }
    let endpoint = input.endpoint.trim();
    if endpoint.is_empty() || endpoint.len() > 200 {
        return Err(Error::invalid("endpoint", "the IP address or VPN endpoint (at most 200 characters)"));
    }
    let result = input.test_result.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if result.is_some_and(|r| !matches!(r, "lulus" | "tidak_lulus")) {
        return Err(Error::invalid("test_result", "lulus or tidak_lulus"));
    }
    if input.environment == "production" {
        let developed =
            app.store.agreement_user_ids(id).await?.iter().any(|u| u.environment == "development");
        if !developed {
            return Err(Error::invalid("environment", "a production User ID follows a development User ID"));
        }
        if result != Some("lulus") {
            return Err(Error::invalid(
                "test_result",
                "a production User ID needs the stress test / proof of concept passed (lulus)",
            ));
        }
    }
    let u = NewUserId {
        user_id: user_id.to_string(),
        environment: input.environment.clone(),
        issued_on: issued.to_string(),
        endpoint: endpoint.to_string(),
        test_result: result.map(str::to_string),
    };
    let event = NewAgreementEvent {
        actor: who.user.username.clone(),
        kind: "user_id".into(),
        summary: format!("User ID {} ({}) diterbitkan {}", u.user_id, u.environment, u.issued_on),
        data: Some(serde_json::json!({"user_id": u.user_id, "environment": u.environment, "endpoint": u.endpoint, "test_result": u.test_result}).to_string()),
        ..Default::default()
    };
    Ok(app.store.add_agreement_user_id(id, &u, &event).await?)
}

/// A letter of the ministry about an agreement: it revokes the agreement,
/// or suspends, revokes or restores one User ID.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinistryLetter {
    pub number: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `revoke_agreement`, `suspend_user_id`, `revoke_user_id` or `restore_user_id`.
    pub decision: String,
    /// The User ID a decision on one is about.
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Records the ministry's letter and what it decides.
pub async fn ministry_letter(
    app: &App,
    who: &Principal,
    id: i64,
    letter: &MinistryLetter,
) -> Result<AgreementEvent, Error> {
    let a = visible(app, who, id).await?;
    who.require(&RECORDERS, &a.office)?;
    let number = letter.number.trim();
    if number.is_empty() || number.len() > 100 {
        return Err(Error::invalid("number", "the letter's number (at most 100 characters)"));
    }
    let on = date("date", &letter.date)?;
    if on > app.today(&a.office) {
        return Err(Error::invalid("date", "the date cannot be in the future"));
    }
    let mut event = NewAgreementEvent {
        actor: who.user.username.clone(),
        kind: "ministry_letter".into(),
        data: Some(serde_json::json!({"number": number, "date": on.to_string(), "decision": letter.decision, "user_id": letter.user_id, "note": letter.note}).to_string()),
        ..Default::default()
    };
    let status = match letter.decision.as_str() {
        "revoke_agreement" => {
            event.revoked = true;
            event.summary = format!("Kementerian mencabut perjanjian (surat {number}, {on})");
            return Ok(app.store.record_agreement_event(id, &event).await?);
        }
        "suspend_user_id" => "suspended",
        "revoke_user_id" => "revoked",
        "restore_user_id" => "active",
        _ => {
            return Err(Error::invalid(
                "decision",
                "revoke_agreement, suspend_user_id, revoke_user_id or restore_user_id",
            ));
        }
    };
    let user_id = letter.user_id.as_deref().map(str::trim).unwrap_or_default();
    event.kind = "user_id_status".into();
    event.summary = format!("User ID {user_id}: {status} (surat kementerian {number}, {on})");
    app.store
        .set_agreement_user_id_status(id, user_id, status, &event)
        .await?
        .ok_or_else(|| Error::invalid("user_id", format!("this agreement has no User ID `{user_id}`")))?;
    let events = app.store.agreement_events(id).await?;
    events.into_iter().last().ok_or_else(|| Error::internal("the event was not recorded"))
}

/// Renewal: the institution (or an operator for it) applies again on the
/// same standard, by letter; the new case's signing step makes the next
/// agreement, which names this one (`renews`).
pub async fn renew(
    app: &App,
    who: &Principal,
    id: i64,
    letter: crate::cases::engine::Letter,
) -> Result<Case, Error> {
    let a = visible(app, who, id).await?;
    if a.renewal_case_id.is_some() {
        return Err(Error::Conflict("a renewal of this agreement is already open".into()));
    }
    let first = app.store.case(a.case_id).await?.ok_or_else(|| Error::not_found("the agreement's case"))?;
    if who.role != Role::Lembaga {
        who.require(&[Role::Operator], &a.office)?;
    }
    let sub = crate::cases::Submission {
        service: format!("{}-{}", first.office, first.service),
        channel: first.channel.clone(),
        applicant: first.applicant.clone(),
        fields: serde_json::from_str(&first.fields).unwrap_or_default(),
        letter: Some(letter),
    };
    let case = match a.institution_id {
        Some(inst) => {
            let inst =
                app.store.institution(inst).await?.ok_or_else(|| Error::not_found("the institution"))?;
            if inst.status != "verified" {
                return Err(Error::forbidden(format!("{} is not verified", inst.name)));
            }
            crate::cases::engine::submit_for(
                app,
                &sub,
                &[],
                Some(who).filter(|w| w.role != Role::Lembaga),
                Some((&inst, who)),
            )
            .await?
        }
        None => crate::cases::submit(app, &sub, &[], Some(who)).await?,
    };
    let event = NewAgreementEvent {
        actor: who.user.username.clone(),
        kind: "renewal".into(),
        summary: format!("Perpanjangan diajukan: permohonan {}", case.tracking_code),
        renewal_case_id: Some(case.id),
        ..Default::default()
    };
    app.store.record_agreement_event(id, &event).await?;
    Ok(case)
}

/// The warnings job: each agreement in force that has reached 90 or 30
/// days before its end gets that warning once (across instances: the store
/// refuses a second), sent to its institution and the office.
pub async fn warn(app: &App) -> Result<usize, Error> {
    let mut sent = 0;
    // A day early in UTC covers every office's zone; each is checked below.
    let earliest = app.now().date_naive() - chrono::Days::new(1);
    for a in app.store.running_agreements(&earliest.to_string()).await? {
        let today = app.today(&a.office);
        let Some((_, ends)) = validity_of(&a) else { continue };
        let Some(days) = rules::warning_due(ends, today) else { continue };
        let body = format!(
            "Perjanjian Kerja Sama {} ({}) berakhir {} ({days} hari lagi). Ajukan perpanjangan bila masih diperlukan.",
            a.pks_number, a.party, a.ends_on
        );
        let notes = notices(app, &a, "Perjanjian kerja sama akan berakhir", &body).await?;
        let event = NewAgreementEvent {
            actor: "system".into(),
            kind: format!("warning_{days}"),
            summary: format!("Peringatan: {days} hari sebelum berakhir ({})", a.ends_on),
            notes,
            ..Default::default()
        };
        match app.store.record_agreement_event(a.id, &event).await {
            Ok(_) => sent += 1,
            Err(store::StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(sent)
}

/// E-mails about an agreement to its institution and to its office.
pub(crate) async fn notices(
    app: &App,
    a: &Agreement,
    subject: &str,
    body: &str,
) -> Result<Vec<store::NewNotification>, Error> {
    let institution = match a.institution_id {
        Some(i) => app.store.institution(i).await?.map(|i| i.email),
        None => None,
    };
    let office = app.store.office(&a.office).await?.and_then(|o| o.email);
    Ok(institution
        .into_iter()
        .chain(office)
        .map(|to| store::NewNotification {
            office: a.office.clone(),
            channel: "email".into(),
            recipient: to,
            subject: subject.into(),
            body: body.into(),
        })
        .collect())
}

/// Runs the agreements' jobs every `every` until the process ends: the
/// warnings before the end, the duty cases that fell due, the missing ones.
pub fn spawn(app: App, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    crate::repeat(every, move || {
        let app = app.clone();
        async move {
            let run = async {
                let warned = warn(&app).await?;
                let opened = crate::duties::open_due(&app).await?;
                let flagged = crate::duties::flag_missing(&app).await?;
                Ok::<_, Error>((warned, opened, flagged))
            };
            match run.await {
                Ok((0, 0, 0)) => {}
                Ok((warned, opened, flagged)) => tracing::info!(warned, opened, flagged, "agreement jobs"),
                Err(e) => tracing::warn!(error = %e, "agreement jobs failed"),
            }
        }
    })
}
