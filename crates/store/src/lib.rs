//! The store: one `Store` trait, two implementations (SQLite for a single
//! office machine, PostgreSQL for a province or the nation), one contract
//! test suite (`tests/contract.rs`) that runs on both.
//!
//! The SQL is written once (`common.rs`) and compiled for each backend, so
//! the two cannot drift apart; what truly differs (pools, locks, migrations)
//! lives in `sqlite.rs` and `postgres.rs`.

mod audit;
mod cases;
mod common;
mod documents;
pub mod files;
mod migrate;
mod postgres;
pub mod reference;
pub mod scratch;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

pub use audit::{AuditEntry, AuditKind, AuditReport, NewAudit};
pub use cases::{
    Case, CaseChange, CaseEscalation, CaseFile, CaseFill, CaseUpdate, DataRequest, Escalation, JournalEntry,
    NewCase, NewCaseFile, NewJournal, NewNotification, Notification, WorklistPage, WorklistQuery,
    escalation_at, escalation_level,
};
pub use documents::{Document, DocumentDraft, Made, OfficeKey};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use serde::Serialize;
use std::sync::Arc;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    /// A uniqueness rule was broken (e.g. a username already taken).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid: {0}")]
    Invalid(String),
    /// An optimistic-lock check failed: someone else changed the row first.
    #[error("stale: {0}")]
    Stale(String),
    #[error("unsupported database url `{0}`: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// The write was not made (its group failed, or the writer stopped);
    /// the same request may be sent again.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Maps a unique violation to `Conflict` with a message for people.
    pub(crate) fn from_write(e: sqlx::Error, what: &str) -> StoreError {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(format!("{what} already exists"))
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::Invalid(format!("{what} refers to something that does not exist"))
            }
            _ => StoreError::Database(e),
        }
    }
}

/// Milliseconds since the Unix epoch: the one time format of the store.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Region {
    pub code: String,
    pub name: String,
    /// 1 province, 2 kab/kota, 3 kecamatan, 4 desa/kelurahan.
    pub level: i32,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Holiday {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `libur_nasional` or `cuti_bersama`.
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Office {
    pub code: String,
    pub name: String,
    /// `province` or `kab_kota`.
    pub level: String,
    pub parent: Option<String>,
    pub time_zone: domain::TimeZone,
    pub address: String,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub units: Vec<String>,
    /// Whether cuti bersama days are days off for SLA clocks.
    pub cuti_bersama_off: bool,
    pub maklumat: Option<String>,
    /// Opening hours (`mon-thu 08:00-16:00; fri 08:00-16:30`); `None` = default.
    pub hours: Option<String>,
}

/// A version of a standard file as loaded from `standards/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StoredStandard {
    pub office: String,
    pub slug: String,
    pub version: i64,
    pub title: String,
    pub content: String,
    pub content_hash: String,
    pub loaded_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    Inserted,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: domain::Role,
    pub office: String,
    pub unit: Option<String>,
    /// NIP (civil servant number), printed on the letters they sign.
    pub nip: Option<String>,
    pub active: bool,
    #[serde(skip)]
    pub failed_logins: i32,
    #[serde(skip)]
    pub locked_until: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    /// An argon2id PHC string; the store never sees a password.
    pub password_hash: String,
    pub role: domain::Role,
    pub office: String,
    pub unit: Option<String>,
    pub nip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    /// SHA-256 of the bearer token: a stolen database holds no live tokens.
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Everything layanan keeps. Every method that changes data writes its
/// audit row in the same transaction.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> Result<()>;
    async fn migrate(&self) -> Result<()>;

    // Reference data, loaded at first start from the embedded files.
    async fn region_count(&self) -> Result<i64>;
    async fn import_regions(&self, rows: &[Region]) -> Result<u64>;
    async fn region(&self, code: &str) -> Result<Option<Region>>;
    /// The regions directly under `parent` (provinces for `None`).
    async fn region_children(&self, parent: Option<&str>) -> Result<Vec<Region>>;
    async fn import_holidays(&self, rows: &[Holiday]) -> Result<u64>;
    /// Holidays between two `YYYY-MM-DD` dates, inclusive.
    async fn holidays(&self, from: &str, to: &str) -> Result<Vec<Holiday>>;

    async fn upsert_office(&self, actor: &str, office: &Office) -> Result<()>;
    async fn offices(&self) -> Result<Vec<Office>>;
    async fn office(&self, code: &str) -> Result<Option<Office>>;

    /// Stores a standard version. The same version with other content is a
    /// conflict: a published version is never rewritten, a change needs a
    /// new version number.
    async fn put_standard(&self, actor: &str, s: &StoredStandard) -> Result<PutOutcome>;
    /// The newest version of each standard, optionally of one office.
    async fn standards(&self, office: Option<&str>) -> Result<Vec<StoredStandard>>;
    /// One version, or the newest when `version` is `None`.
    async fn standard(
        &self,
        office: &str,
        slug: &str,
        version: Option<i64>,
    ) -> Result<Option<StoredStandard>>;

    async fn create_user(&self, actor: &str, user: &NewUser) -> Result<User>;
    async fn user(&self, id: i64) -> Result<Option<User>>;
    /// The user and their password hash, for login only.
    async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>>;
    async fn users(&self, office: Option<&str>) -> Result<Vec<User>>;
    async fn user_count(&self) -> Result<i64>;
    /// Counts a failed login and locks the account until `lock_until` when given.
    async fn record_failed_login(&self, user_id: i64, lock_until: Option<i64>) -> Result<()>;
    async fn record_successful_login(&self, user_id: i64) -> Result<()>;

    async fn create_session(&self, session: &Session) -> Result<()>;
    /// A live (unexpired) session with its active user.
    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<(Session, User)>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;

    /// Records that `actor` read personal data of `whose` and why.
    async fn log_access(&self, actor: &str, whose: &str, purpose: &str) -> Result<()>;
    /// Audit rows with `seq > after` on their chain, in time order, at most `limit`.
    async fn audit_entries(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>>;
    /// The audit chains that hold rows (one on SQLite; up to 64 on PostgreSQL).
    async fn audit_chains(&self) -> Result<Vec<i32>>;
    /// One chain's rows after `after`, in order.
    async fn audit_chain_entries(&self, chain: i32, after: i64, limit: i64) -> Result<Vec<AuditEntry>>;

    /// Creates a case with its first journal rows and notifications.
    async fn create_case(
        &self,
        c: &NewCase,
        journal: &[NewJournal],
        notes: &[NewNotification],
        docs: Vec<DocumentDraft>,
    ) -> Result<Case>;
    async fn case(&self, id: i64) -> Result<Option<Case>>;
    async fn case_by_tracking(&self, code: &str) -> Result<Option<Case>>;
    /// Applies a change if the case is still at `expected_version`
    /// (`Stale` otherwise), with its journal row, audit row and
    /// notifications, in one transaction.
    async fn update_case(&self, id: i64, expected_version: i64, update: CaseUpdate) -> Result<Case>;
    async fn journal(&self, case_id: i64) -> Result<Vec<JournalEntry>>;
    /// One page of a worklist, ordered by the current step's due time, and
    /// the number of matching cases.
    async fn worklist(&self, q: &WorklistQuery) -> Result<WorklistPage>;
    /// Open cases of an office grouped by (service, step, actor): the
    /// supervisor's view.
    async fn open_case_counts(&self, office: &str) -> Result<Vec<(String, String, String, i64)>>;
    /// Open cases of an office, most urgent first (the supervisor's view).
    async fn open_cases(&self, office: &str, limit: i64) -> Result<Vec<Case>>;
    async fn add_case_file(&self, case_id: i64, f: &NewCaseFile) -> Result<CaseFile>;
    async fn case_files(&self, case_id: i64) -> Result<Vec<CaseFile>>;
    /// Cases whose next escalation moment (`escalate_at`) has come by
    /// `now`, earliest first.
    async fn cases_to_escalate(&self, now: i64, limit: i64) -> Result<Vec<Case>>;
    /// Records what one sweep found, in one transaction (one commit for
    /// the whole sweep): each (case, step, level) once, also across app
    /// instances, with its journal row and notifications; and each case's
    /// next sweep moment. Returns how many levels fired.
    async fn escalate(&self, batch: &[CaseEscalation]) -> Result<usize>;
    async fn notifications(&self, office: &str, limit: i64) -> Result<Vec<Notification>>;

    // `layanan bench` only: the baseline and the large data sets.
    /// Creates the plain table of the raw insert baseline.
    async fn bench_prepare(&self) -> Result<()>;
    /// One row into that table, durably and batched as case actions are
    /// (SQLite's group commit; a transaction each on PostgreSQL): what a
    /// case action's cost is compared with.
    async fn bench_raw_insert(&self, payload: &str) -> Result<()>;
    /// Generates cases (see `CaseFill`), each with its journal row and an
    /// audit row, as a real data set has; returns how many cases.
    async fn bench_fill_cases(&self, fill: &CaseFill) -> Result<u64>;
    /// The escalation levels already fired for a case's step (a read, so a
    /// sweep writes only what is new).
    async fn escalations_fired(&self, case_id: i64, step: &str) -> Result<Vec<i32>>;

    /// Issues a document in its own transaction (see `DocumentDraft`).
    async fn issue_document(&self, draft: DocumentDraft) -> Result<Document>;
    async fn document(&self, code: &str) -> Result<Option<Document>>;
    /// Documents whose PDF is still to be produced, oldest first (read on
    /// the writer, so a document just issued is seen).
    async fn pending_documents(&self, limit: i64) -> Result<Vec<Document>>;
    /// Records produced PDFs `(code, sha256)` in one transaction, each with
    /// its audit row; one already produced (by another instance or an
    /// on-demand download) is left as it is. Returns how many were marked.
    async fn documents_produced(&self, produced: &[(String, String)]) -> Result<usize>;
    /// Adds an office key and retires the office's current one (rotation).
    async fn add_office_key(&self, actor: &str, key: &OfficeKey) -> Result<()>;
    /// Keys of one office or of all, newest first, retired ones included.
    async fn office_keys(&self, office: Option<&str>) -> Result<Vec<OfficeKey>>;
    async fn case_documents(&self, case_id: i64) -> Result<Vec<Document>>;
    /// Marks a document revoked (once; a second revocation is a conflict).
    async fn revoke_document(&self, code: &str, actor: &str, reason: &str) -> Result<Document>;
    async fn case_notifications(&self, case_id: i64) -> Result<Vec<Notification>>;
    /// Leases up to `limit` pending notifications of a channel for sending:
    /// each is claimed by one sender (also across app instances) for
    /// `lease_ms`; one not marked sent by then is offered again, so a
    /// crash while sending means a retry, not a loss.
    async fn claim_notifications(
        &self,
        channel: &str,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<Notification>>;
    async fn mark_notification_sent(&self, id: i64, now: i64) -> Result<()>;
    /// Notifications not yet delivered, per channel (the outbox depth).
    async fn outbox_pending(&self) -> Result<Vec<(String, i64)>>;

    // Data subject rights (UU 27/2022).
    /// Records a citizen's request for the access log of a case, with the
    /// staff notification, in one transaction.
    async fn create_data_request(
        &self,
        case_id: i64,
        office: &str,
        due_at: i64,
        note: &NewNotification,
    ) -> Result<DataRequest>;
    async fn data_requests(&self, office: &str) -> Result<Vec<DataRequest>>;
    async fn data_request(&self, id: i64) -> Result<Option<DataRequest>>;
    /// Marks a request answered (the first answer counts) with its audit row.
    async fn answer_data_request(&self, id: i64, actor: &str) -> Result<DataRequest>;
    /// Reads of a case's personal data, oldest first: the access rows whose
    /// object is the case (`case:ID …`).
    async fn case_access_log(&self, case_id: i64) -> Result<Vec<AuditEntry>>;
    /// Marks the uploads of cases closed before `before` purged, with an
    /// audit row per case; returns the files marked (their bytes are the
    /// caller's to delete, see `file_in_use`).
    async fn purge_uploads(&self, before: i64) -> Result<Vec<CaseFile>>;
    /// Whether stored bytes are still referenced by an upload not purged
    /// (files are shared by content).
    async fn file_in_use(&self, sha256: &str) -> Result<bool>;

    /// Rows per table, for comparing a restored database with its backup.
    async fn row_counts(&self) -> Result<Vec<(String, i64)>>;

    /// A consistent copy of the whole database in a new file (SQLite's
    /// `VACUUM INTO`; PostgreSQL is backed up with `pg_dump`).
    async fn backup_into(&self, path: &std::path::Path) -> Result<()>;

    /// Re-computes the whole hash chain; any edited, deleted or inserted row
    /// shows up as the first broken link.
    async fn audit_verify(&self) -> Result<AuditReport> {
        let mut rows = 0;
        for chain in self.audit_chains().await? {
            let mut verifier = audit::Verifier::default();
            loop {
                let batch = self.audit_chain_entries(chain, verifier.last_seq(), 5_000).await?;
                if batch.is_empty() {
                    break;
                }
                for e in &batch {
                    if let Some(mut report) = verifier.check(e) {
                        report.rows += rows;
                        report.chain = chain;
                        return Ok(report);
                    }
                }
            }
            rows += verifier.finish().rows;
        }
        Ok(AuditReport { rows, ok: true, broken_at: None, chain: 0, reason: None })
    }
}

/// The tables of the schema (migration history aside).
pub const TABLES: &[&str] = &[
    "regions",
    "holidays",
    "offices",
    "standards",
    "users",
    "sessions",
    "audit_log",
    "cases",
    "case_journal",
    "case_files",
    "escalations",
    "notifications",
    "documents",
    "doc_counters",
    "office_keys",
    "data_requests",
];

/// Opens the store named by a URL: `sqlite://PATH` or `postgres://…`.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    connect_with_replica(url, None).await
}

/// As `connect`, with a read replica for reports and dashboards
/// (PostgreSQL only: a SQLite file has none).
pub async fn connect_with_replica(url: &str, replica: Option<&str>) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        if replica.is_some() {
            return Err(StoreError::Invalid("a read replica needs PostgreSQL; SQLite has none".into()));
        }
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect_with_replica(url, replica).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}
