//! Group cases: one request opens a case per participant. An institution's
//! letter asking for IKD jemput bola becomes a parent case; at the step its
//! standard marks `participants = true` (the visit) the operator enters the
//! participants, as a list or a CSV file, and each gets a case of their own
//! from the next step on: their own NIK, receipt and result, the parent's
//! service clock (the letter's), and a link to the parent, which shows their
//! progress.

use crate::accounts::Principal;
use crate::cases::clock;
use crate::cases::engine::{actor_name, receipt, tell_applicant};
use crate::{App, Error};
use domain::case::Status;
use domain::{Applicant, Nik, Role};
use serde::Deserialize;
use store::{Case, CaseChange, NewCase, NewJournal};

/// At most this many participants per request (a CSV of a whole agency).
pub const MAX_PARTICIPANTS: usize = 500;

/// One participant of a group request.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub name: String,
    pub nik: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// Reads participants from CSV text: one per line, `name,nik[,phone[,email]]`
/// (commas or semicolons, as spreadsheets write them), an optional header
/// line naming `nik`, blank lines skipped. An error names its line.
pub fn parse_csv(text: &str) -> Result<Vec<Participant>, Error> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || (i == 0 && line.to_lowercase().contains("nik")) {
            continue;
        }
        let sep = if line.contains(';') { ';' } else { ',' };
        let cells: Vec<String> =
            line.split(sep).map(|c| c.trim().trim_matches('"').trim().to_string()).collect();
        let cell = |k: usize| cells.get(k).filter(|c| !c.is_empty()).cloned();
        let (Some(name), Some(nik)) = (cell(0), cell(1)) else {
            return Err(Error::invalid("participants", format!("line {}: give a name and a NIK", i + 1)));
        };
        out.push(Participant { name, nik, phone: cell(2), email: cell(3) });
    }
    Ok(out)
}

/// Checks every participant before any case is opened (each error names
/// `participants[i].field`): a name, a valid NIK, contacts that look like
/// contacts, no NIK twice, none already a participant of this request.
fn checked(list: &[Participant], existing: &[Case]) -> Result<Vec<Applicant>, Error> {
    if list.is_empty() || list.len() > MAX_PARTICIPANTS {
        return Err(Error::invalid("participants", format!("give 1 to {MAX_PARTICIPANTS} participants")));
    }
    let mut seen = std::collections::HashSet::new();
    let taken: std::collections::HashSet<_> =
        existing.iter().filter_map(|c| c.applicant.nik.clone()).collect();
    let mut out = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let a = Applicant {
            name: p.name.trim().to_string(),
            nik: Some(p.nik.trim().to_string()),
            phone: p.phone.clone(),
            email: p.email.clone(),
            organisation: None,
        };
        a.check(domain::applicant::Asks::Nik).map_err(|e| {
            let field = e.field.trim_start_matches("applicant.");
            Error::invalid(&format!("participants[{i}].{field}"), e.message)
        })?;
        let nik = Nik::parse(p.nik.trim())
            .map_err(|e| Error::invalid(&format!("participants[{i}].nik"), e.to_string()))?;
        if !seen.insert(nik.as_str().to_string()) || taken.contains(nik.as_str()) {
            return Err(Error::invalid(
                &format!("participants[{i}].nik"),
                "this NIK is already a participant",
            ));
        }
        out.push(a);
    }
    Ok(out)
}

/// The operator of the parent's office enters participants at the step
/// that takes them; each gets a case from the next step, with a receipt.
pub async fn add_participants(
    app: &App,
    who: &Principal,
    parent: &Case,
    list: &[Participant],
) -> Result<Vec<Case>, Error> {
    who.require(&[Role::Operator], &parent.office)?;
    let std = super::standard_of(app, &parent.office, &parent.service, parent.standard_version).await?;
    let steps: Vec<_> = std.steps_for(&parent.channel).collect();
    let at = steps.iter().position(|s| Some(&s.id) == parent.current_step.as_ref());
    let next = match at {
        Some(i) if steps[i].participants && parent.status.is_active() => {
            steps.get(i + 1).map(|s| s.id.clone())
        }
        _ => None,
    };
    let Some(first) = next else {
        return Err(Error::NotAllowed(
            "participants are entered at the step that takes them, while it is open".into(),
        ));
    };
    let applicants = checked(list, &app.store.child_cases(parent.id).await?)?;
    let now = app.now();
    let cal = clock::calendar(app, &parent.office).await?;
    let mut children = Vec::new();
    for a in applicants {
        let mut ch = CaseChange::default();
        clock::start_step(&cal, now, clock::step_limit(&std, Some(&first)), &mut ch);
        let code = super::tracking_code();
        let new = NewCase {
            tracking_code: code.clone(),
            office: parent.office.clone(),
            service: parent.service.clone(),
            standard_version: parent.standard_version,
            channel: parent.channel.clone(),
            status: Status::InProgress,
            current_step: Some(first.clone()),
            current_actor: actor_name(&std, Some(&first)),
            applicant_name: a.name.clone(),
            applicant: a.clone(),
            fields: parent.fields.clone(),
            created_by: who.user.username.clone(),
            created_at: clock::ms(now),
            files: Vec::new(),
            // The letter's clock: the participants' promise is the request's.
            service_started_at: parent.service_started_at,
            due_at: parent.due_at,
            step_started_at: ch.step_started_at,
            step_due_at: ch.step_due_at,
            institution_id: parent.institution_id,
            parent_id: Some(parent.id),
            linked_from: None,
            agreement_id: None,
            duty_period: None,
        };
        let journal = NewJournal {
            actor: who.user.username.clone(),
            on_behalf: true,
            action: "submit".into(),
            to_status: Status::InProgress.as_str().into(),
            to_step: Some(first.clone()),
            note: Some(format!("Peserta permohonan {}", parent.tracking_code)),
            ..Default::default()
        };
        let due = crate::clock::human(new.due_at, cal.zone);
        let body = format!("Anda terdaftar sebagai peserta {}. Kode lacak: {code}.", std.title);
        let notes = tell_applicant(&new.office, &a, "Pendaftaran peserta", &body);
        let doc = receipt(app, &std, &new, &code, &due, Some(who)).await?;
        children.push(app.store.create_case(&new, &[journal], &notes, vec![doc]).await?);
    }
    crate::documents::wake_producer(app);
    Ok(children)
}
