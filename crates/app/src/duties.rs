//! The duties of data-access agreements: what an agreement obliges, period
//! after period (a standard's `[agreement] duties`: Jepara's semester usage
//! report, filed by the institution; Palangka Raya's six-monthly monev, run
//! by the office). Each due period becomes a case of its own on the duty's
//! service (`open_due`, a job; one per agreement, service and period, across
//! instances); the compliance board shows each institution's periods as
//! filed, late, missing or open (`board`); a period missing past the
//! office's grace days flags the agreement and reminds the institution
//! (`flag_missing`); the Kepala Dinas then recommends to the Ditjen that
//! access be suspended, with a letter (`recommend_suspension`): the
//! ministry, not the Dinas, revokes.

use crate::accounts::Principal;
use crate::cases::clock;
use crate::cases::engine::{actor_name, tell_applicant};
use crate::{App, Error};
use chrono::NaiveDate;
use domain::agreement::{self as rules, Duty, DutyState, Period};
use domain::case::Status;
use domain::standard::ClockStart;
use domain::{Role, Standard};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use store::{Agreement, AgreementEvent, Case, CaseChange, NewAgreementEvent, NewCase, NewJournal};

/// The duties of an agreement, from the standard version its case ran on.
async fn duties_of(app: &App, a: &Agreement) -> Result<Vec<Duty>, Error> {
    let Some(case) = app.store.case(a.case_id).await? else { return Ok(Vec::new()) };
    let std = crate::cases::standard_of(app, &case.office, &case.service, case.standard_version).await?;
    Ok(std.agreement.as_ref().map(|s| s.duties.clone()).unwrap_or_default())
}

/// Agreements whose duties may still fall due: not revoked, ended at most a
/// year ago (the last period of an ended agreement is still owed).
async fn with_duties(app: &App) -> Result<Vec<Agreement>, Error> {
    let since = app.now().date_naive() - chrono::Days::new(366);
    Ok(app.store.running_agreements(&since.to_string()).await?)
}

/// Opens the case of every period that has fallen due and has none yet;
/// returns how many it opened.
pub async fn open_due(app: &App) -> Result<usize, Error> {
    let mut opened = 0;
    for a in with_duties(app).await? {
        let Some((starts, ends)) = crate::agreements::validity_of(&a) else { continue };
        for duty in duties_of(app, &a).await? {
            let Some(std) = app.catalog.get(&format!("{}-{}", a.office, duty.service)).cloned() else {
                continue;
            };
            let have: Vec<_> = app
                .store
                .duty_cases(a.id)
                .await?
                .into_iter()
                .filter(|c| c.service == duty.service)
                .filter_map(|c| c.duty_period)
                .collect();
            for p in rules::periods_due(duty.every, starts, ends, app.today(&a.office)) {
                if have.contains(&p.label) {
                    continue;
                }
                match open(app, &a, &std, &p).await {
                    Ok(_) => opened += 1,
                    // Another instance opened it first.
                    Err(Error::Conflict(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    if opened > 0 {
        crate::documents::wake_producer(app);
    }
    Ok(opened)
}

/// The case of one due period, at the first step of the duty's service,
/// for the agreement's institution; the institution is told what is due
/// and by when.
async fn open(app: &App, a: &Agreement, std: &Arc<Standard>, p: &Period) -> Result<Case, Error> {
    let source = app.store.case(a.case_id).await?.ok_or_else(|| Error::not_found("the agreement's case"))?;
    let channel =
        std.channels.first().ok_or_else(|| Error::internal(format!("{} has no channel", std.id())))?;
    let first = std
        .steps_for(&channel.code)
        .next()
        .map(|s| s.id.clone())
        .ok_or_else(|| Error::internal(format!("{} has no steps", std.id())))?;
    let now = app.now();
    let cal = clock::calendar(app, &a.office).await?;
    let mut ch = CaseChange::default();
    clock::start_step(&cal, now, clock::step_limit(std, Some(&first)), &mut ch);
    // A clock that starts when the institution files (after step 1) waits.
    let limit = clock::case_limit(std, &channel.code);
    let waits = matches!(channel.starts, Some(ClockStart::AfterStep(_)));
    let grace = app.catalog.duty_grace_days(&a.office);
    let by = p.due + chrono::Days::new(u64::from(grace));
    let new = NewCase {
        tracking_code: crate::cases::tracking_code(),
        office: a.office.clone(),
        service: std.slug.clone(),
        standard_version: i64::from(std.version),
        channel: channel.code.clone(),
        status: Status::Submitted,
        current_step: Some(first.clone()),
        current_actor: actor_name(std, Some(&first)),
        applicant_name: source.applicant_name.clone(),
        applicant: source.applicant.clone(),
        // The period goes in whichever form field the duty's service has for it.
        fields: serde_json::Value::Object(
            std.fields
                .iter()
                .filter(|f| matches!(f.code.as_str(), "semester" | "periode"))
                .map(|f| (f.code.clone(), serde_json::Value::from(p.label.clone())))
                .collect(),
        )
        .to_string(),
        created_by: "system".into(),
        created_at: clock::ms(now),
        files: Vec::new(),
        service_started_at: limit.filter(|_| !waits).map(|_| clock::ms(now)),
        due_at: if waits { None } else { clock::case_due(&cal, now, limit) },
        step_started_at: ch.step_started_at,
        step_due_at: ch.step_due_at,
        institution_id: a.institution_id,
        parent_id: None,
        linked_from: None,
        agreement_id: Some(a.id),
        duty_period: Some(p.label.clone()),
    };
    let journal = NewJournal {
        actor: "system".into(),
        action: "submit".into(),
        to_status: Status::Submitted.as_str().into(),
        to_step: Some(first),
        note: Some(format!("Kewajiban PKS {} periode {} (jatuh tempo {})", a.pks_number, p.label, p.due)),
        ..Default::default()
    };
    let body = format!(
        "{} periode {} atas PKS {} jatuh tempo {}; mohon dipenuhi paling lambat {by}. Kode lacak: {}.",
        std.title, p.label, a.pks_number, p.due, new.tracking_code
    );
    let notes = tell_applicant(&a.office, &new.applicant, "Kewajiban perjanjian kerja sama", &body);
    Ok(app.store.create_case(&new, &[journal], &notes, Vec::new()).await?)
}

/// One period of one duty on the board.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DutyCell {
    pub period: String,
    pub due: String,
    pub state: DutyState,
    /// The period's case (its tracking code), once opened.
    pub case: Option<String>,
    pub case_id: Option<i64>,
}

/// One agreement's periods of one duty.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DutyRow {
    pub agreement_id: i64,
    pub party: String,
    pub pks_number: String,
    pub cells: Vec<DutyCell>,
    /// Whether the Kepala Dinas has recommended suspension.
    pub suspension_recommended: bool,
}

/// The board of one duty service: its institutions × periods.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DutyTable {
    pub service: String,
    pub title: String,
    /// Every period any row has, in order: the board's columns.
    pub periods: Vec<String>,
    pub rows: Vec<DutyRow>,
}

/// The compliance board of an office (its staff).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplianceBoard {
    pub office: String,
    pub grace_days: u32,
    pub tables: Vec<DutyTable>,
}

/// The periods of `duty` for agreement `a` with their states today.
async fn cells(app: &App, a: &Agreement, duty: &Duty) -> Result<Vec<DutyCell>, Error> {
    let Some((starts, ends)) = crate::agreements::validity_of(a) else { return Ok(Vec::new()) };
    let today = app.today(&a.office);
    let grace = app.catalog.duty_grace_days(&a.office);
    let cases = app.store.duty_cases(a.id).await?;
    let mut out = Vec::new();
    for p in rules::periods_due(duty.every, starts, ends, today) {
        let case =
            cases.iter().find(|c| c.service == duty.service && c.duty_period.as_ref() == Some(&p.label));
        let filed = match case {
            Some(c) => filed_on(app, c).await?,
            None => None,
        };
        out.push(DutyCell {
            state: rules::duty_state(p.due, grace, filed, today),
            period: p.label,
            due: p.due.to_string(),
            case: case.map(|c| c.tracking_code.clone()),
            case_id: case.map(|c| c.id),
        });
    }
    Ok(out)
}

/// The day a duty case was filed: its first step completed.
async fn filed_on(app: &App, c: &Case) -> Result<Option<NaiveDate>, Error> {
    let zone = crate::clock::office_zone(&c.office).offset();
    let journal = app.store.journal(c.id).await?;
    let first = journal.first().and_then(|j| j.to_step.clone());
    Ok(journal
        .iter()
        .find(|j| j.action == "advance" && j.from_step.is_some() && j.from_step == first)
        .map(|j| clock::at(j.at).with_timezone(&zone).date_naive()))
}

/// The compliance board of `office`, for its staff.
pub async fn board(app: &App, who: &Principal, office: &str) -> Result<ComplianceBoard, Error> {
    if !(who.role.is_staff() && who.user.office == office) {
        return Err(Error::forbidden(format!("office {office}'s compliance board is for its staff")));
    }
    let mut tables: Vec<DutyTable> = Vec::new();
    for a in app.store.agreements(Some(office), None).await? {
        for duty in duties_of(app, &a).await? {
            let row = DutyRow {
                agreement_id: a.id,
                party: a.party.clone(),
                pks_number: a.pks_number.clone(),
                cells: cells(app, &a, &duty).await?,
                suspension_recommended: a.suspension_recommended_at.is_some(),
            };
            let table = match tables.iter_mut().find(|t| t.service == duty.service) {
                Some(t) => t,
                None => {
                    let title = app.catalog.title(office, &duty.service);
                    tables.push(DutyTable {
                        service: duty.service.clone(),
                        title,
                        periods: Vec::new(),
                        rows: Vec::new(),
                    });
                    tables.last_mut().expect("just pushed")
                }
            };
            for c in &row.cells {
                if !table.periods.contains(&c.period) {
                    table.periods.push(c.period.clone());
                }
            }
            table.rows.push(row);
        }
    }
    for t in &mut tables {
        t.periods.sort();
    }
    Ok(ComplianceBoard {
        office: office.to_string(),
        grace_days: app.catalog.duty_grace_days(office),
        tables,
    })
}

/// Flags each agreement with a period missing past the grace days, once
/// per period, and reminds the institution and the office; returns how many
/// it flagged.
pub async fn flag_missing(app: &App) -> Result<usize, Error> {
    let mut flagged = 0;
    for a in with_duties(app).await? {
        for duty in duties_of(app, &a).await? {
            for cell in cells(app, &a, &duty).await?.into_iter().filter(|c| c.state == DutyState::Missing) {
                let title = app.catalog.title(&a.office, &duty.service);
                let body = format!(
                    "{title} periode {} atas PKS {} ({}) belum disampaikan melewati batas waktu. Kode lacak: {}.",
                    cell.period,
                    a.pks_number,
                    a.party,
                    cell.case.clone().unwrap_or_default()
                );
                let notes = crate::agreements::notices(
                    app,
                    &a,
                    "Kewajiban perjanjian kerja sama belum dipenuhi",
                    &body,
                )
                .await?;
                let event = NewAgreementEvent {
                    actor: "system".into(),
                    kind: "duty_missing".into(),
                    summary: format!("Kewajiban tidak dipenuhi: {title} periode {}", cell.period),
                    data: Some(
                        serde_json::json!({"service": duty.service, "period": cell.period}).to_string(),
                    ),
                    notes,
                    ..Default::default()
                };
                match app.store.record_agreement_event(a.id, &event).await {
                    Ok(_) => flagged += 1,
                    Err(store::StoreError::Conflict(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    Ok(flagged)
}

/// The Kepala Dinas's reason for recommending suspension.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    pub reason: String,
}

/// The Kepala Dinas (or whoever acts for the position) recommends to the
/// Ditjen that the institution's access be suspended, for duties missing
/// past the grace days: a signed, numbered letter (listed with the
/// agreement's case documents) and the agreement's status.
pub async fn recommend_suspension(
    app: &App,
    who: &Principal,
    id: i64,
    input: &Recommendation,
) -> Result<(AgreementEvent, store::Document), Error> {
    let a = crate::agreements::visible(app, who, id).await?;
    who.require(&[Role::KepalaDinas], &a.office)?;
    let reason = input.reason.trim();
    if reason.is_empty() || reason.chars().count() > 2_000 {
        return Err(Error::invalid("reason", "the reason, 1 to 2000 characters"));
    }
    if a.suspension_recommended_at.is_some() {
        return Err(Error::Conflict("suspension has been recommended already".into()));
    }
    let missing: Vec<String> = app
        .store
        .agreement_events(id)
        .await?
        .into_iter()
        .filter(|e| e.kind == "duty_missing")
        .map(|e| e.summary.trim_start_matches("Kewajiban tidak dipenuhi: ").to_string())
        .collect();
    if missing.is_empty() {
        return Err(Error::NotAllowed("no duty of this agreement is missing past its grace days".into()));
    }
    let office = app.store.office(&a.office).await?.map(|o| o.name).unwrap_or_default();
    let values = [
        ("pks", a.pks_number.clone()),
        ("pks_date", a.pks_date.clone()),
        ("party", a.party.clone()),
        ("office", office),
        ("missing", missing.join("; ")),
        ("note", reason.to_string()),
    ];
    const KIND: &str = "surat_rekomendasi_penangguhan";
    let template = app.catalog.template(&a.office, KIND).unwrap_or("{note}");
    let party = domain::case::Party::Staff {
        username: who.user.username.clone(),
        role: who.role,
        office: who.user.office.clone(),
    };
    let (name, position, nip) = crate::cases::engine::signer(app, &party, who.acting.as_ref()).await?;
    let content = crate::documents::Content {
        doc_type: KIND.into(),
        title: domain::document::kind(KIND).map(|k| k.title).unwrap_or_default().into(),
        paragraphs: crate::documents::fill(template, &values, &serde_json::Value::Null),
        holder: a.party.clone(),
        signer: ::documents::render::Signer {
            place: app.store.region(&a.office).await?.map(|r| r.name).unwrap_or_default(),
            position,
            name,
            nip,
            wet_signature: false,
        },
        qr_target: None,
    };
    let mut letter = crate::documents::draft(app, &a.office, &who.user.username, content).await?;
    letter.case_id = Some(a.case_id);
    let event = NewAgreementEvent {
        actor: who.user.username.clone(),
        kind: "suspension_recommended".into(),
        summary: format!("Rekomendasi penangguhan hak akses kepada Ditjen Dukcapil: {reason}"),
        suspension_recommended: true,
        ..Default::default()
    };
    let done = app.store.record_agreement_letter(id, &event, letter).await?;
    crate::documents::wake_producer(app);
    Ok(done)
}
