//! Case rows as the store keeps them. The rules that change them live in
//! `domain::case`; the web layer computes a `CaseChange` and the store
//! applies it with its journal row, audit row and notifications at once.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Case {
    pub id: i64,
    pub tracking_code: String,
    pub office: String,
    /// The standard's slug; the service id is `office-service`.
    pub service: String,
    pub standard_version: i64,
    pub channel: String,
    pub status: String,
    pub current_step: Option<String>,
    /// The current step's actor: a role name, `pemohon` or `external`.
    pub current_actor: Option<String>,
    pub assignee: Option<String>,
    /// Optimistic-lock counter: every change adds one.
    pub version: i64,
    pub applicant_name: String,
    /// JSON: name, nik, phone, email, organisation.
    #[serde(skip)]
    pub applicant: String,
    /// JSON object of the standard's form fields.
    pub fields: String,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub due_at: Option<i64>,
    pub step_started_at: Option<i64>,
    pub step_due_at: Option<i64>,
    pub paused_at: Option<i64>,
    pub case_left_ms: Option<i64>,
    pub step_left_ms: Option<i64>,
    pub finished_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub tracking_code: String,
    pub office: String,
    pub service: String,
    pub standard_version: i64,
    pub channel: String,
    pub status: String,
    pub current_step: Option<String>,
    pub current_actor: Option<String>,
    pub applicant_name: String,
    pub applicant: String,
    pub fields: String,
    pub created_by: String,
    /// When the application was received: the instant its clocks start from.
    pub created_at: i64,
    /// Requirement files already stored (content-addressed) by the caller.
    pub files: Vec<NewCaseFile>,
    pub due_at: Option<i64>,
    pub step_started_at: Option<i64>,
    pub step_due_at: Option<i64>,
}

/// The new values of a case's mutable columns after an action.
#[derive(Debug, Clone, Default)]
pub struct CaseChange {
    pub status: String,
    pub current_step: Option<String>,
    pub current_actor: Option<String>,
    pub assignee: Option<String>,
    pub due_at: Option<i64>,
    pub step_started_at: Option<i64>,
    pub step_due_at: Option<i64>,
    pub paused_at: Option<i64>,
    pub case_left_ms: Option<i64>,
    pub step_left_ms: Option<i64>,
    pub finished_at: Option<i64>,
}

impl CaseChange {
    /// Starts from the case as it is.
    pub fn from_case(c: &Case) -> CaseChange {
        CaseChange {
            status: c.status.clone(),
            current_step: c.current_step.clone(),
            current_actor: c.current_actor.clone(),
            assignee: c.assignee.clone(),
            due_at: c.due_at,
            step_started_at: c.step_started_at,
            step_due_at: c.step_due_at,
            paused_at: c.paused_at,
            case_left_ms: c.case_left_ms,
            step_left_ms: c.step_left_ms,
            finished_at: c.finished_at,
        }
    }
}

/// One immutable row of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct JournalEntry {
    pub id: i64,
    pub case_id: i64,
    pub at: i64,
    pub actor: String,
    pub on_behalf: bool,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub from_step: Option<String>,
    pub to_step: Option<String>,
    pub note: Option<String>,
    /// JSON: a step's recorded outcome (letter number, amount, found/not found).
    pub data: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NewJournal {
    pub actor: String,
    pub on_behalf: bool,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub from_step: Option<String>,
    pub to_step: Option<String>,
    pub note: Option<String>,
    pub data: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CaseFile {
    pub id: i64,
    pub case_id: i64,
    pub requirement: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Content address of the stored bytes.
    pub sha256: String,
    pub uploaded_at: i64,
    pub uploaded_by: String,
}

#[derive(Debug, Clone)]
pub struct NewCaseFile {
    pub requirement: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub case_id: Option<i64>,
    pub office: String,
    /// `email`, `whatsapp`, `sms` or `staff`.
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `pending` until an adapter delivers it.
    pub status: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewNotification {
    pub office: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// A worklist page: cases of one office whose current step belongs to one
/// of `actors` or which are assigned to `username`.
#[derive(Debug, Clone, Default)]
pub struct WorklistQuery {
    pub office: String,
    pub actors: Vec<String>,
    pub username: String,
    pub service: Option<String>,
    pub status: Option<String>,
    pub channel: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// Everything one action writes besides the case row's new values.
#[derive(Debug, Default)]
pub struct CaseUpdate {
    pub change: CaseChange,
    pub journal: NewJournal,
    pub notes: Vec<NewNotification>,
    pub files: Vec<NewCaseFile>,
    /// Documents issued by this action, numbered inside its transaction.
    pub docs: Vec<crate::documents::DocumentDraft>,
}
