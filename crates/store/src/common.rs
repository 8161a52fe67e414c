//! What the queries share (row mappings, helpers), and the two
//! implementations: `queries/` (one file per aggregate, plain Rust that
//! rustfmt formats) compiled once for each backend.

use crate::audit::{AuditEntry, ChainHead, GENESIS, NewAudit, chain_hash};
use crate::cases::{
    Arg, Case, CaseEscalation, CaseFile, CaseFill, CaseUpdate, DUE_ORDER, DataRequest, HistoryCase,
    HistoryStep, JournalEntry, NewCase, NewCaseFile, NewJournal, NewNotification, Notification, StepDone,
    WorklistPage, WorklistQuery, first_escalation, nearest_due,
};
use crate::documents::{Document, DocumentDraft, OfficeKey};
use crate::{
    Accounts, Audit, Bench, Cases, Directory, Documents, Escalations, Institution, Institutions,
    NewInstitution, Outage, Outages, Outbox, PgStore, Privacy, SqliteStore, Worklist,
};
use crate::{
    Acting, Factor, FailedLogin, Holiday, LoginFailures, NewAccessCode, NewActing, NewUser, Office,
    PutOutcome, Region, Result, SecondFactor, Session, StoreError, StoredStandard, User, UserChange, now_ms,
};
use crate::{
    Agreement, AgreementEvent, AgreementUserId, Agreements, NewAgreement, NewAgreementEvent, NewUserId,
};
use crate::{Backlog, CaseLine, OfficerStat, Performance, Received, StaffEvaluation, StepStat};
use crate::{
    Booking, FinishedCase, Movement, NewMovement, NewSlot, Registered, Slot, Slots, Stock, StockReport,
};
use crate::{NameQuery, NewRegisterEntry, Register, RegisterEntry};
use crate::{NewSurvey, ProfileCount, SurveyTally, Surveys};
use crate::{NewTicket, Queue, Ticket};
use async_trait::async_trait;
use std::collections::HashMap;

/// Rows per multi-row INSERT in bulk imports (4 columns × 1000 stays under
/// both backends' parameter limits).
const BATCH: usize = 1000;

#[derive(sqlx::FromRow)]
struct OfficeRow {
    code: String,
    name: String,
    level: String,
    parent: Option<String>,
    time_zone: String,
    address: String,
    phone: Option<String>,
    website: Option<String>,
    email: Option<String>,
    units: String,
    cuti_bersama_off: bool,
    maklumat: Option<String>,
    hours: Option<String>,
}

impl From<OfficeRow> for Office {
    fn from(r: OfficeRow) -> Office {
        // Written from `TimeZone::as_str` only; the province's zone stands
        // in should a row ever hold something else.
        let province = domain::TimeZone::for_province(r.code.get(..2).unwrap_or_default());
        Office {
            units: serde_json::from_str(&r.units).unwrap_or_default(),
            time_zone: r.time_zone.parse().unwrap_or(province),
            code: r.code,
            name: r.name,
            level: r.level,
            parent: r.parent,
            address: r.address,
            phone: r.phone,
            website: r.website,
            email: r.email,
            cuti_bersama_off: r.cuti_bersama_off,
            maklumat: r.maklumat,
            hours: r.hours,
        }
    }
}

const USER_COLS: &str = "id, username, display_name, role, office, unit, nip, active, failed_logins, locked_until, created_at, \
     must_change_password, institution_id, (totp_secret IS NOT NULL) AS second_factor";

/// `($1,$2,…),($k,…)` for `rows` rows of `cols` columns.
fn values_list(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let ps: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", ps.join(","))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Binds the arguments of a statement built at run time.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match a {
                Arg::Text(t) => q.bind(t),
                Arg::Int(i) => q.bind(i),
            };
        }
        q
    }};
}

/// The SQLite implementation: `queries/` with SQLite's types.
mod on_sqlite {
    use super::*;
    type This = SqliteStore;
    type Db = sqlx::Sqlite;
    const NAME: &str = "sqlite";
    include!("queries/directory.rs");
    include!("queries/accounts.rs");
    include!("queries/cases.rs");
    include!("queries/worklist.rs");
    include!("queries/escalation.rs");
    include!("queries/outbox.rs");
    include!("queries/documents.rs");
    include!("queries/audit.rs");
    include!("queries/privacy.rs");
    include!("queries/outages.rs");
    include!("queries/institutions.rs");
    include!("queries/agreements.rs");
    include!("queries/stock.rs");
    include!("queries/slots.rs");
    include!("queries/register.rs");
    include!("queries/queue.rs");
    include!("queries/surveys.rs");
    include!("queries/performance.rs");
    include!("queries/bench.rs");
}

/// The PostgreSQL implementation: the same `queries/`.
mod on_postgres {
    use super::*;
    type This = PgStore;
    type Db = sqlx::Postgres;
    const NAME: &str = "postgres";
    include!("queries/directory.rs");
    include!("queries/accounts.rs");
    include!("queries/cases.rs");
    include!("queries/worklist.rs");
    include!("queries/escalation.rs");
    include!("queries/outbox.rs");
    include!("queries/documents.rs");
    include!("queries/audit.rs");
    include!("queries/privacy.rs");
    include!("queries/outages.rs");
    include!("queries/institutions.rs");
    include!("queries/agreements.rs");
    include!("queries/stock.rs");
    include!("queries/slots.rs");
    include!("queries/register.rs");
    include!("queries/queue.rs");
    include!("queries/surveys.rs");
    include!("queries/performance.rs");
    include!("queries/bench.rs");
}
