//! Data subject rights (UU 27/2022): access-log requests, and the retention purge of uploads.

#[allow(unused_imports)]
use crate::*;

/// Data subject rights (UU 27/2022): access-log requests, and the retention purge of uploads.
#[async_trait::async_trait]
pub trait Privacy: Send + Sync {
    // Data subject rights (UU 27/2022).
    /// Records a citizen's request for the access log of a case, with the
    /// staff notification, in one transaction.
    async fn create_data_request(
        &self,
        case_id: i64,
        office: &str,
        due_at: i64,
        notes: &[NewNotification],
    ) -> Result<DataRequest>;
    async fn data_requests(&self, office: &str) -> Result<Vec<DataRequest>>;
    async fn data_request(&self, id: i64) -> Result<Option<DataRequest>>;
    /// Marks a request answered (the first answer counts) with its audit row.
    async fn answer_data_request(&self, id: i64, actor: &str) -> Result<DataRequest>;
    /// Reads of a case's personal data, oldest first: the access rows whose
    /// object is the case (`case:ID …`).
    async fn case_access_log(&self, case_id: i64) -> Result<Vec<AuditEntry>>;
    /// The reads of personal data by an institution's accounts between
    /// `from` and `to` (ms), oldest first.
    async fn institution_access_log(&self, institution: i64, from: i64, to: i64) -> Result<Vec<AuditEntry>>;
    /// Marks the uploads of cases closed before `before` purged, with an
    /// audit row per case; returns the files marked (their bytes are the
    /// caller's to delete, see `file_in_use`).
    async fn purge_uploads(&self, before: i64) -> Result<Vec<CaseFile>>;
    /// Whether stored bytes are still referenced by an upload not purged
    /// (files are shared by content).
    async fn file_in_use(&self, sha256: &str) -> Result<bool>;

    // A person's own applications, behind a one-time code.
    /// The cases a person with this NIK applied for, newest first.
    async fn applicant_cases(&self, nik: &str, limit: i64) -> Result<Vec<Case>>;
    /// Keeps a one-time code's hash and queues its message, with an audit
    /// row, in one transaction.
    async fn issue_access_code(&self, code: &NewAccessCode, note: &NewNotification) -> Result<()>;
    /// Uses the newest live code of `nik_key`: counts the attempt and, when
    /// `code_hash` matches within `max_attempts`, marks it used and returns
    /// the contact it was sent to.
    async fn use_access_code(
        &self,
        nik_key: &str,
        code_hash: &str,
        now: i64,
        max_attempts: i32,
    ) -> Result<Option<String>>;
}

/// A one-time code to keep (hashes only).
#[derive(Debug, Clone)]
pub struct NewAccessCode {
    pub nik_key: String,
    pub code_hash: String,
    pub sent_to: String,
    pub expires_at: i64,
}
