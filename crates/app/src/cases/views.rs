//! What people see of a case, as typed values: the API serialises them as
//! JSON and the pages fill their templates from the same fields, so both
//! say the same thing.

use super::clock::{office_zone, rfc3339};
use super::engine::masked_name;
use super::standard_of;
use crate::{App, Error};
use domain::Status;
use serde::Serialize;
use store::Case;

/// Where a step of the case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Done,
    Current,
    Pending,
}

impl StepState {
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Done => "done",
            StepState::Current => "current",
            StepState::Pending => "pending",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TrackStep {
    pub id: String,
    pub no: String,
    pub description: String,
    pub duration: Option<String>,
    pub state: StepState,
}

/// The public tracking view: status and steps, no personal data beyond
/// the masked name.
#[derive(Debug, Clone, Serialize)]
pub struct TrackView {
    pub tracking_code: String,
    pub service: String,
    pub title: String,
    pub status: Status,
    pub current_step: Option<String>,
    pub version: i64,
    /// Initials only.
    pub applicant: String,
    /// RFC 3339 in the office's offset.
    pub due_at: Option<String>,
    /// What the office asked for when it returned the case.
    pub missing: Option<String>,
    pub steps: Vec<TrackStep>,
}

pub async fn track(app: &App, c: &Case) -> Result<TrackView, Error> {
    let std = standard_of(app, &c.office, &c.service, c.standard_version).await?;
    let steps: Vec<_> = std.steps_for(&c.channel).collect();
    let current = c.current_step.as_deref().and_then(|id| steps.iter().position(|s| s.id == id));
    let finished = c.status == Status::Completed;
    let steps = steps
        .iter()
        .enumerate()
        .map(|(i, s)| TrackStep {
            id: s.id.clone(),
            no: s.no.clone(),
            description: s.description.clone(),
            duration: s.duration.as_ref().map(ToString::to_string),
            state: match current {
                _ if finished => StepState::Done,
                Some(p) if i < p => StepState::Done,
                Some(p) if i == p => StepState::Current,
                _ => StepState::Pending,
            },
        })
        .collect();
    // What is missing, when it was returned: the note of the last return.
    let missing = if c.status == Status::Returned {
        app.store.journal(c.id).await?.into_iter().rev().find(|j| j.action == "return").and_then(|j| j.note)
    } else {
        None
    };
    Ok(TrackView {
        tracking_code: c.tracking_code.clone(),
        service: format!("{}-{}", c.office, c.service),
        title: std.title.clone(),
        status: c.status,
        current_step: c.current_step.clone(),
        version: c.version,
        applicant: masked_name(&c.applicant_name),
        due_at: rfc3339(c.due_at, office_zone(&c.office)),
        missing,
        steps,
    })
}
