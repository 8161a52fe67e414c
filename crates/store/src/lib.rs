//! The store: persistence only. One trait per aggregate (`Directory`,
//! `Accounts`, `Cases`, `Worklist`, `Escalations`, `Outbox`, `Documents`,
//! `Audit`, `Privacy`, `Outages`, `Institutions`, `Agreements`; `Store` is all of them), two implementations (SQLite
//! for a single office machine, PostgreSQL for a province or the nation),
//! one contract test suite (`tests/contract.rs`) that runs on both.
//!
//! The SQL is written once (`queries/`, included by `common.rs`) and
//! compiled for each backend, so the two cannot drift apart; what truly
//! differs (pools, locks, migrations) lives in `sqlite.rs` and `postgres.rs`.

mod accounts;
mod agreements;
mod audit;
mod bench;
mod cases;
mod common;
mod directory;
mod documents;
mod escalation;
pub mod files;
mod institutions;
mod migrate;
mod outages;
mod outbox;
mod performance;
mod postgres;
mod privacy;
mod queue;
pub mod reference;
mod register;
pub mod scratch;
mod slots;
mod sqlite;
mod stock;
mod surveys;
#[cfg(feature = "testing")]
pub mod testing;
mod worklist;

pub use accounts::{
    Accounts, Acting, Factor, FailedLogin, LoginFailures, NewActing, SecondFactor, UserChange,
};
pub use agreements::{
    Agreement, AgreementEvent, AgreementUserId, Agreements, NewAgreement, NewAgreementEvent, NewUserId,
};
pub use audit::{Audit, AuditEntry, AuditKind, AuditReport, ChainHead, NewAudit};
pub use bench::{Bench, connect_bench};
pub use cases::{
    Case, CaseChange, CaseCreate, CaseEscalation, CaseFile, CaseFill, CaseUpdate, Cases, DataRequest,
    Escalation, HistoryCase, HistoryStep, JournalEntry, NewCase, NewCaseFile, NewJournal, NewNotification,
    Notification, SERVICE_CLOCK, StepDone, WorklistPage, WorklistQuery, nearest_due,
};
pub use directory::{Directory, Durability};
pub use documents::{Document, DocumentDraft, Documents, Made, OfficeKey};
pub use escalation::Escalations;
pub use institutions::{Institution, Institutions, NewInstitution};
pub use outages::{Outage, Outages};
pub use outbox::Outbox;
pub use performance::{Backlog, CaseLine, OfficerStat, Performance, Received, StaffEvaluation, StepStat};
pub use postgres::PgStore;
pub use privacy::{NewAccessCode, Privacy};
pub use queue::{NewTicket, Queue, Ticket};
pub use register::{NameQuery, NewRegisterEntry, Register, RegisterEntry};
pub use slots::{Booking, NewSlot, Slot, Slots};
pub use sqlite::SqliteStore;
pub use stock::{Movement, NewMovement, Stock, StockReport};
pub use surveys::{NewSurvey, ProfileCount, SurveyTally, Surveys};
pub use worklist::{FinishedCase, Registered, Worklist};

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
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
    /// The latest lock after failed logins, from some address, ends then
    /// (unix ms; the locks themselves are per address: `login_failures`);
    /// an admin may unlock.
    pub locked_until: Option<i64>,
    pub created_at: i64,
    /// The password is a temporary one an admin gave; it must be changed
    /// before anything else.
    pub must_change_password: bool,
    /// A `lembaga` account's institution.
    pub institution_id: Option<i64>,
    /// A second factor (TOTP) is in force: a login needs its code.
    pub second_factor: bool,
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

/// Everything layanan keeps, one trait per aggregate (each in its module,
/// its SQL in `queries/`). Every method that changes data writes its audit
/// row in the same transaction, except the outbox's delivery bookkeeping
/// (leases and sent marks) and the bench's own tables.
pub trait Store:
    Directory
    + Accounts
    + Cases
    + Worklist
    + Escalations
    + Outbox
    + Documents
    + Audit
    + Privacy
    + Outages
    + Institutions
    + Agreements
    + Stock
    + Slots
    + Register
    + Queue
    + Surveys
    + Performance
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: Directory
        + Accounts
        + Cases
        + Worklist
        + Escalations
        + Outbox
        + Documents
        + Audit
        + Privacy
        + Outages
        + Institutions
        + Agreements
        + Stock
        + Slots
        + Register
        + Queue
        + Surveys
        + Performance
        + Send
        + Sync
        + 'static
{
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
    "instance_flags",
    "outages",
];

/// Opens the store named by a URL: `sqlite://PATH` or `postgres://…`.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    connect_with_replica(url, None).await
}

/// As `connect`, with a read replica for reports and dashboards
/// (PostgreSQL only: a SQLite file has none).
pub async fn connect_with_replica(url: &str, replica: Option<&str>) -> Result<Arc<dyn Store>> {
    Ok(open(url, replica).await?)
}

/// The one place a URL picks a backend. The handle it returns also has
/// the bench's methods; everyone but `connect_bench` sees it as a `Store`.
pub(crate) async fn open(url: &str, replica: Option<&str>) -> Result<Arc<dyn Bench>> {
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
