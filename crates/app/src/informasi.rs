//! An office's information desk (Jepara's *Pelayanan Informasi secara On
//! Line/Daring*): questions asked on the web form — a name and a contact,
//! no NIK (the standard's `[applicants] contact_only`) — or by WhatsApp
//! (`crate::whatsapp`), each a case of the office's service that takes them,
//! on the engine's clocks (15 working minutes, escalated to the atasan like
//! any case); and the canned answers staff insert, built from the office's
//! own standards: requirements, time and cost of each service.

use crate::accounts::Principal;
use crate::cases::{Applicant, Submission};
use crate::{App, Error};
use domain::standard::Standard;
use serde::Serialize;
use store::Case;

/// The form field that holds the question.
pub const QUESTION: &str = "pertanyaan";

/// The office's information desk: its service that takes questions on
/// WhatsApp with a question field.
pub fn desk<'a>(app: &'a App, office: &'a str) -> Result<&'a Standard, Error> {
    app.catalog
        .for_office_or_all(Some(office))
        .find(|s| {
            s.channels.iter().any(|c| c.code == "whatsapp") && s.fields.iter().any(|f| f.code == QUESTION)
        })
        .map(|s| s.as_ref())
        .ok_or_else(|| Error::NotFound(format!("office {office} has no information desk")))
}

/// Opens a question at the office's desk, asked on `channel` by
/// `applicant` (a name and a phone or e-mail).
pub async fn ask(
    app: &App,
    office: &str,
    channel: &str,
    applicant: Applicant,
    question: &str,
) -> Result<Case, Error> {
    let std = desk(app, office)?;
    let mut fields = serde_json::Map::new();
    fields.insert(QUESTION.into(), question.trim().into());
    let sub = Submission { service: std.id(), channel: channel.into(), applicant, fields, letter: None };
    crate::cases::submit(app, &sub, &[], None).await
}

/// An answer staff insert with one click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Canned {
    /// The service's id.
    pub service: String,
    pub title: String,
    /// The answer, in the standard's own words.
    pub text: String,
}

/// The canned answers of the caller's office: one per published service
/// (requirements, time, cost and how to apply, as its standard states
/// them), for its staff.
pub fn canned_answers(app: &App, who: &Principal) -> Result<Vec<Canned>, Error> {
    if !who.role.is_staff() {
        return Err(Error::forbidden("the office's staff answer its questions"));
    }
    let answers = app
        .catalog
        .for_office_or_all(Some(who.user.office.as_str()))
        .filter(|s| !s.steps.is_empty())
        .map(|s| Canned { service: s.id(), title: s.title.clone(), text: canned(s) })
        .collect();
    Ok(answers)
}

/// One service's answer: its requirements, time and cost as its standard
/// states them, and where to apply.
fn canned(s: &Standard) -> String {
    let flat = |code: &str| s.component(code).split_whitespace().collect::<Vec<_>>().join(" ");
    let channels: Vec<&str> = s.channels.iter().map(|c| c.name.as_str()).collect();
    format!(
        "{}. Persyaratan: {} Jangka waktu: {} Biaya: {} Dapat diajukan melalui: {}.",
        s.title,
        flat("persyaratan"),
        flat("jangka_waktu"),
        match flat("biaya").as_str() {
            "-" | "" => "tidak dipungut biaya.".to_string(),
            b => b.to_string(),
        },
        channels.join(", ")
    )
}
