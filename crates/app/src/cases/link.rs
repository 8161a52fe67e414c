//! Linked cases: a step that hands the applicant on to another service of
//! the office (`hands_to` in the standard: Jepara's register search forwards
//! an akta to Capil for revision) opens a case there when it is completed,
//! in the same transaction as the step. The new case carries the applicant,
//! the uploads the other service asks for, a receipt of its own and the
//! case it came from; each case lists the other.

use crate::accounts::Principal;
use crate::cases::clock;
use crate::cases::engine::{actor_name, receipt, tell_applicant};
use crate::{App, Error};
use domain::case::{self, Status};
use domain::standard::HandOn;
use serde::Serialize;
use store::{Case, CaseChange, CaseCreate, NewCase, NewCaseFile, NewJournal};

/// The case a completed hand-on step opens at `to.service`, ready to be
/// written with the step (`CaseUpdate::linked`). `actor` completed the
/// step; `by` is their account, which signs the receipt.
pub(crate) async fn opened(
    app: &App,
    from: &Case,
    to: &HandOn,
    actor: &str,
    by: Option<&Principal>,
) -> Result<CaseCreate, Error> {
    let key = format!("{}-{}", from.office, to.service);
    let std = app.catalog.get(&key).cloned().ok_or_else(|| Error::internal(format!("no service `{key}`")))?;
    let channel = std
        .channels
        .iter()
        .find(|c| c.code == from.channel)
        .or(std.channels.first())
        .map(|c| c.code.clone())
        .ok_or_else(|| Error::internal(format!("{key} has no channel")))?;
    let (first, _) = case::start(&std, &channel)?;
    let now = app.now();
    let cal = clock::calendar(app, &from.office).await?;
    let mut ch = CaseChange::default();
    clock::start_step(&cal, now, clock::step_limit(&std, Some(&first)), &mut ch);
    let limit = clock::case_limit(&std, &channel);
    // The uploads the other service asks for go with the applicant.
    let wanted = |r: &str| std.requirements.iter().any(|q| q.code == r);
    let files = app
        .store
        .case_files(from.id)
        .await?
        .into_iter()
        .filter(|f| f.purged_at.is_none() && wanted(&f.requirement))
        .map(|f| NewCaseFile {
            requirement: f.requirement,
            filename: f.filename,
            content_type: f.content_type,
            size: f.size,
            sha256: f.sha256,
            uploaded_by: actor.to_string(),
        })
        .collect();
    let code = super::tracking_code();
    let new = NewCase {
        tracking_code: code.clone(),
        office: from.office.clone(),
        service: std.slug.clone(),
        standard_version: i64::from(std.version),
        channel,
        status: Status::Submitted,
        current_step: Some(first.clone()),
        current_actor: actor_name(&std, Some(&first)),
        applicant_name: from.applicant_name.clone(),
        applicant: from.applicant.clone(),
        fields: "{}".into(),
        created_by: actor.to_string(),
        created_at: clock::ms(now),
        files,
        service_started_at: limit.map(|_| clock::ms(now)),
        due_at: clock::case_due(&cal, now, limit),
        step_started_at: ch.step_started_at,
        step_due_at: ch.step_due_at,
        institution_id: from.institution_id,
        parent_id: None,
        linked_from: Some(from.id),
        agreement_id: None,
        duty_period: None,
    };
    let journal = NewJournal {
        actor: actor.to_string(),
        on_behalf: true,
        action: "submit".into(),
        to_status: Status::Submitted.as_str().into(),
        to_step: Some(first),
        note: Some(format!("Diteruskan dari permohonan {}", from.tracking_code)),
        data: Some(serde_json::json!({"linked_from": from.tracking_code}).to_string()),
        ..Default::default()
    };
    let due = match new.due_at {
        Some(_) => crate::clock::human(new.due_at, cal.zone),
        None => std.sla.wording.clone(),
    };
    let body = format!(
        "Permohonan {} Anda diteruskan ke layanan {}. Kode lacak: {code}.",
        from.tracking_code, std.title
    );
    let notes = tell_applicant(&new.office, &new.applicant, "Permohonan diteruskan", &body);
    let doc = receipt(app, &std, &new, &code, &due, by).await?;
    Ok(CaseCreate { case: new, journal: vec![journal], notes, docs: vec![doc] })
}

/// A case linked to another: the one it came from, or one it opened.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LinkedCase {
    /// `from`: this case was opened by that one; `to`: this case opened it.
    pub relation: &'static str,
    pub id: i64,
    pub tracking_code: String,
    pub service: String,
    pub title: String,
    pub status: Status,
}

/// The cases linked to `c`, the one it came from first.
pub async fn links(app: &App, c: &Case) -> Result<Vec<LinkedCase>, Error> {
    let from = match c.linked_from {
        Some(id) => app.store.case(id).await?,
        None => None,
    };
    let to = app.store.linked_cases(c.id).await?;
    let rows = from.into_iter().map(|k| ("from", k)).chain(to.into_iter().map(|k| ("to", k)));
    Ok(rows
        .map(|(relation, k)| LinkedCase {
            relation,
            id: k.id,
            title: app.catalog.title(&k.office, &k.service),
            service: format!("{}-{}", k.office, k.service),
            tracking_code: k.tracking_code,
            status: k.status,
        })
        .collect())
}
