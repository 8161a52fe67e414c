//! The case state machine: which action may happen now, by whom, and what
//! it changes. Pure: the store applies the result with the journal row in
//! one transaction; the engine never knows which service it runs.

use crate::role::Role;
use crate::standard::{Actor, Standard, Step};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A new case's status.
    #[default]
    Submitted,
    InProgress,
    /// Waiting for the applicant: the clock is paused.
    Returned,
    Completed,
    Rejected,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Submitted,
        Status::InProgress,
        Status::Returned,
        Status::Completed,
        Status::Rejected,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::InProgress => "in_progress",
            Status::Returned => "returned",
            Status::Completed => "completed",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, Status::Completed | Status::Rejected | Status::Withdrawn)
    }

    /// Staff are working on it (a step is running).
    pub fn is_active(self) -> bool {
        matches!(self, Status::Submitted | Status::InProgress)
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Status, String> {
        Status::ALL.into_iter().find(|x| x.as_str() == s).ok_or_else(|| format!("unknown status `{s}`"))
    }
}

/// The store keeps a status as its name.
impl TryFrom<String> for Status {
    type Error = String;
    fn try_from(s: String) -> Result<Status, String> {
        s.parse()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Advance,
    Return,
    Resubmit,
    Reject,
    Withdraw,
    Assign,
    Note,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Advance,
        Action::Return,
        Action::Resubmit,
        Action::Reject,
        Action::Withdraw,
        Action::Assign,
        Action::Note,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Advance => "advance",
            Action::Return => "return",
            Action::Resubmit => "resubmit",
            Action::Reject => "reject",
            Action::Withdraw => "withdraw",
            Action::Assign => "assign",
            Action::Note => "note",
        }
    }
}

impl FromStr for Action {
    type Err = String;
    fn from_str(s: &str) -> Result<Action, String> {
        Action::ALL.into_iter().find(|x| x.as_str() == s).ok_or_else(|| {
            format!(
                "unknown action `{s}` (expected advance, return, resubmit, reject, withdraw, assign or note)"
            )
        })
    }
}

/// Who asks for an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    /// The applicant, identified by tracking code and a second factor.
    Applicant,
    Staff {
        username: String,
        role: Role,
        office: String,
    },
}

/// What the engine needs to know about a case.
#[derive(Debug, Clone)]
pub struct CaseView<'a> {
    pub office: &'a str,
    pub channel: &'a str,
    pub status: Status,
    pub current_step: Option<&'a str>,
    pub assignee: Option<&'a str>,
}

#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    pub note: Option<&'a str>,
    pub to_step: Option<&'a str>,
    pub assignee: Option<&'a str>,
    /// What the actor records on completing the step (`records`); a step's
    /// `ends_when` reads it.
    pub data: Option<&'a serde_json::Value>,
}

/// What happens to the SLA clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Nothing changes.
    Keep,
    /// A new step starts: its due time is computed from now.
    StartStep,
    /// Waiting for the applicant: keep what is left, stop counting.
    Pause,
    /// Back from the applicant: count on with what was left.
    Resume,
    /// The case is finished.
    Stop,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub status: Status,
    pub step: Option<String>,
    pub clock: Clock,
    /// An operator acted for the applicant or recorded an outside party.
    pub on_behalf: bool,
    /// `Some(x)` changes the assignee to `x` (`None` inside clears it).
    pub assignee: Option<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// 403: this party may not act on this step.
    #[error("{0}")]
    Forbidden(String),
    /// 422: the case's state does not allow the action.
    #[error("{0}")]
    NotAllowed(String),
    /// 422: a field of the request is missing or wrong.
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
}

/// The one above a role when a step runs late.
pub fn supervisor(role: Role) -> Option<Role> {
    match role {
        Role::Operator | Role::Ppid | Role::ComplaintHandler => Some(Role::Verifikator),
        Role::Verifikator => Some(Role::Validator),
        Role::Validator => Some(Role::KepalaDinas),
        _ => None,
    }
}

/// Where a new case starts: the applicant's own leading steps are done by
/// submitting. Returns (first step to run, applicant steps completed).
pub fn start(std: &Standard, channel: &str) -> Result<(String, Vec<String>), ActionError> {
    if !std.channels.iter().any(|c| c.code == channel) {
        let known: Vec<_> = std.channels.iter().map(|c| c.code.as_str()).collect();
        let message = format!("`{channel}` is not a channel of this service (it has: {})", known.join(", "));
        return Err(ActionError::Invalid { field: "channel", message });
    }
    let steps: Vec<&Step> = std.steps_for(channel).collect();
    if steps.is_empty() {
        let message = "the standard of this service states no procedure; it cannot be applied for yet".into();
        return Err(ActionError::NotAllowed(message));
    }
    let done: Vec<String> =
        steps.iter().take_while(|s| s.actor == Actor::Applicant).map(|s| s.id.clone()).collect();
    // A procedure made only of the applicant's own steps still needs staff
    // to see it once: it starts at its last step.
    let first = steps.get(done.len()).or(steps.last()).map(|s| s.id.clone()).unwrap_or_default();
    let done = done.into_iter().filter(|d| *d != first).collect();
    Ok((first, done))
}

/// Decides an action. The caller has already loaded the case's standard
/// version, so a case keeps running on the version it started with.
pub fn decide(
    std: &Standard,
    case: &CaseView<'_>,
    party: &Party,
    action: Action,
    req: &Request<'_>,
) -> Result<Transition, ActionError> {
    if let Party::Staff { role: Role::Auditor, .. } = party {
        return Err(ActionError::Forbidden("an auditor reads, never acts".into()));
    }
    if let Party::Staff { office, .. } = party
        && office != case.office
    {
        return Err(ActionError::Forbidden("this case belongs to another office".into()));
    }
    let steps: Vec<&Step> = std.steps_for(case.channel).collect();
    let pos = case.current_step.and_then(|id| steps.iter().position(|s| s.id == id));
    let current = pos.map(|p| steps[p]);
    let keep = |status, clock, on_behalf| Transition {
        status,
        step: case.current_step.map(str::to_string),
        clock,
        on_behalf,
        assignee: None,
    };
    match action {
        Action::Advance => {
            let (step, p) = active_step(case, current, pos)?;
            let on_behalf = may_act(step, party, case)?;
            // A group request's own part ends where its participants' cases begin.
            let ends = step.participants || step.ends_when.as_ref().is_some_and(|e| e.when().holds(req.data));
            let next = match req.to_step {
                _ if ends => steps.len(),
                None => p + 1,
                Some(target) => skip_to(&steps, p, target)?,
            };
            Ok(match steps.get(next) {
                Some(s) => Transition {
                    status: Status::InProgress,
                    step: Some(s.id.clone()),
                    clock: Clock::StartStep,
                    on_behalf,
                    assignee: Some(None),
                },
                None => Transition {
                    status: Status::Completed,
                    step: None,
                    clock: Clock::Stop,
                    on_behalf,
                    assignee: Some(None),
                },
            })
        }
        Action::Return => {
            let (step, p) = active_step(case, current, pos)?;
            if step.actor == Actor::Applicant {
                return Err(ActionError::NotAllowed(
                    "this step is the applicant's own; it cannot be returned".into(),
                ));
            }
            let on_behalf = may_act(step, party, case)?;
            need_note(req, "a return says what is missing or wrong")?;
            match req.to_step {
                None => Ok(keep(Status::Returned, Clock::Pause, on_behalf)),
                Some(target) => {
                    let t = steps[..p].iter().position(|s| s.id == target).ok_or_else(|| {
                        ActionError::Invalid {
                            field: "to_step",
                            message: format!("`{target}` is not an earlier step of this case"),
                        }
                    })?;
                    if steps[t].actor == Actor::Applicant {
                        // Back to the applicant; the case comes back here.
                        return Ok(keep(Status::Returned, Clock::Pause, on_behalf));
                    }
                    Ok(Transition {
                        status: Status::InProgress,
                        step: Some(steps[t].id.clone()),
                        clock: Clock::StartStep,
                        on_behalf,
                        assignee: Some(None),
                    })
                }
            }
        }
        Action::Resubmit => {
            if case.status != Status::Returned {
                return Err(ActionError::NotAllowed(format!(
                    "only a returned case can be resubmitted; this one is {}",
                    case.status
                )));
            }
            let on_behalf = applicant_or_operator(party)?;
            Ok(keep(Status::InProgress, Clock::Resume, on_behalf))
        }
        Action::Reject => {
            let (step, _) = active_step(case, current, pos)?;
            if !step.can_reject {
                return Err(ActionError::NotAllowed(format!(
                    "step {} may not reject under this standard; return it or pass it on",
                    step.no
                )));
            }
            let on_behalf = may_act(step, party, case)?;
            need_note(req, "a rejection states its reason")?;
            Ok(keep(Status::Rejected, Clock::Stop, on_behalf))
        }
        Action::Withdraw => {
            if case.status.is_final() {
                return Err(ActionError::NotAllowed(format!("the case is already {}", case.status)));
            }
            let on_behalf = applicant_or_operator(party)?;
            Ok(keep(Status::Withdrawn, Clock::Stop, on_behalf))
        }
        Action::Assign => {
            if case.status.is_final() {
                return Err(ActionError::NotAllowed(format!("the case is already {}", case.status)));
            }
            let step =
                current.ok_or_else(|| ActionError::NotAllowed("the case has no current step".into()))?;
            let Party::Staff { role, .. } = party else {
                return Err(ActionError::Forbidden("only staff assign cases".into()));
            };
            let owns = matches!(step.actor, Actor::Staff(r) if r == *role)
                || matches!(role, Role::Validator | Role::KepalaDinas | Role::Admin);
            if !owns {
                return Err(ActionError::Forbidden(format!(
                    "the role `{role}` does not own step {}",
                    step.no
                )));
            }
            let who = req.assignee.map(str::trim).filter(|a| !a.is_empty()).ok_or(ActionError::Invalid {
                field: "assignee",
                message: "name the staff member (username) to assign".into(),
            })?;
            let mut t = keep(case.status, Clock::Keep, false);
            t.assignee = Some(Some(who.to_string()));
            Ok(t)
        }
        Action::Note => {
            need_note(req, "a note needs text")?;
            Ok(keep(case.status, Clock::Keep, false))
        }
    }
}

/// The running step, or why there is none.
fn active_step<'s>(
    case: &CaseView<'_>,
    current: Option<&'s Step>,
    pos: Option<usize>,
) -> Result<(&'s Step, usize), ActionError> {
    if !case.status.is_active() {
        return Err(ActionError::NotAllowed(format!("the case is {}; no step is running", case.status)));
    }
    match (current, pos) {
        (Some(s), Some(p)) => Ok((s, p)),
        _ => Err(ActionError::NotAllowed("the case's current step is not in its standard".into())),
    }
}

/// Whether `party` may do `step`; `Ok(true)` when an operator acts for
/// the applicant or records an outside party's outcome.
fn may_act(step: &Step, party: &Party, case: &CaseView<'_>) -> Result<bool, ActionError> {
    let deny = |who: &str| ActionError::Forbidden(format!("step {} is done by {who}", step.no));
    match (step.actor, party) {
        (Actor::Applicant, Party::Applicant) => Ok(false),
        (Actor::Applicant, Party::Staff { role: Role::Operator, .. }) => Ok(true),
        (Actor::Applicant, _) => Err(deny("the applicant (or an operator for them)")),
        (Actor::External, Party::Staff { role: Role::Operator, .. }) => Ok(true),
        (Actor::External, _) => Err(deny("an outside party, recorded by an operator")),
        (Actor::Staff(r), Party::Staff { role, username, .. }) => {
            if *role == r || case.assignee == Some(username.as_str()) {
                Ok(false)
            } else {
                Err(deny(&format!("the role `{r}`")))
            }
        }
        (Actor::Staff(r), Party::Applicant) => Err(deny(&format!("the role `{r}`"))),
    }
}

fn applicant_or_operator(party: &Party) -> Result<bool, ActionError> {
    match party {
        Party::Applicant => Ok(false),
        Party::Staff { role: Role::Operator, .. } => Ok(true),
        Party::Staff { role, .. } => Err(ActionError::Forbidden(format!(
            "only the applicant or an operator for them may do this, not `{role}`"
        ))),
    }
}

/// Index of `target`, a later step, when every step passed over is optional.
fn skip_to(steps: &[&Step], from: usize, target: &str) -> Result<usize, ActionError> {
    let t = steps.iter().position(|s| s.id == target).filter(|t| *t > from).ok_or_else(|| {
        ActionError::Invalid {
            field: "to_step",
            message: format!("`{target}` is not a later step of this case"),
        }
    })?;
    if let Some(s) = steps[from + 1..t].iter().find(|s| !s.optional) {
        return Err(ActionError::Invalid {
            field: "to_step",
            message: format!("step {} may not be passed over", s.no),
        });
    }
    Ok(t)
}

fn need_note(req: &Request<'_>, message: &str) -> Result<(), ActionError> {
    if req.note.is_some_and(|n| !n.trim().is_empty()) {
        Ok(())
    } else {
        Err(ActionError::Invalid { field: "note", message: message.into() })
    }
}
