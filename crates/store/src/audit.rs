//! The audit chains: each row's hash covers its content and the previous
//! row's hash on its chain, so editing, deleting or inserting a row breaks
//! its chain from that row on. SQLite keeps one chain; PostgreSQL spreads
//! rows over 64 by object, so writers of different cases do not wait for
//! each other's commits (see migration postgres/0009).

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash the chain starts from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    /// A change to stored data.
    Change,
    /// A read of someone's personal data.
    Access,
}

impl AuditKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Change => "change",
            AuditKind::Access => "access",
        }
    }
}

/// What a caller says about a change; the store adds seq, time and hashes.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub kind: AuditKind,
    pub actor: &'a str,
    pub action: &'a str,
    pub object: &'a str,
    pub detail: String,
}

impl<'a> NewAudit<'a> {
    pub fn change(actor: &'a str, action: &'a str, object: &'a str, detail: String) -> Self {
        NewAudit { kind: AuditKind::Change, actor, action, object, detail }
    }

    pub fn access(actor: &'a str, action: &'a str, object: &'a str, detail: String) -> Self {
        NewAudit { kind: AuditKind::Access, actor, action, object, detail }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    /// The chain this row belongs to, and its place on it.
    pub chain: i32,
    pub seq: i64,
    pub at: i64,
    pub kind: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    pub fn compute_hash(&self) -> String {
        chain_hash(
            &self.prev_hash,
            self.seq,
            self.at,
            &self.kind,
            &self.actor,
            &self.action,
            &self.object,
            &self.detail,
        )
    }
}

/// SHA-256 over the fields, each length-prefixed so no two different rows
/// can serialise to the same bytes.
#[allow(clippy::too_many_arguments)]
pub fn chain_hash(
    prev: &str,
    seq: i64,
    at: i64,
    kind: &str,
    actor: &str,
    action: &str,
    object: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), &at.to_string(), kind, actor, action, object, detail] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub rows: i64,
    pub ok: bool,
    /// The first row where a chain breaks (its chain and place), and why.
    pub broken_at: Option<i64>,
    pub chain: i32,
    pub reason: Option<String>,
}

/// Walks the chain row by row.
#[derive(Default)]
pub(crate) struct Verifier {
    last_seq: i64,
    last_hash: Option<String>,
    rows: i64,
}

impl Verifier {
    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// Checks one row; returns a failure report at the first broken link.
    pub fn check(&mut self, e: &AuditEntry) -> Option<AuditReport> {
        let prev = self.last_hash.as_deref().unwrap_or(GENESIS);
        let fail = |reason: String| {
            Some(AuditReport {
                rows: self.rows,
                ok: false,
                broken_at: Some(e.seq),
                chain: e.chain,
                reason: Some(reason),
            })
        };
        if e.seq != self.last_seq + 1 {
            return fail(format!("row {} follows row {}: rows are missing", e.seq, self.last_seq));
        }
        if e.prev_hash != prev {
            return fail(format!("row {} does not point at the hash of row {}", e.seq, self.last_seq));
        }
        if e.compute_hash() != e.hash {
            return fail(format!("row {} was altered: its content does not match its hash", e.seq));
        }
        self.last_seq = e.seq;
        self.last_hash = Some(e.hash.clone());
        self.rows += 1;
        None
    }

    pub fn finish(self) -> AuditReport {
        AuditReport { rows: self.rows, ok: true, broken_at: None, chain: 0, reason: None }
    }
}

#[allow(unused_imports)]
use crate::*;

/// The hash-chained audit log and the access log.
#[async_trait::async_trait]
pub trait Audit: Send + Sync {
    /// Records that `actor` read personal data of `whose` and why.
    async fn log_access(&self, actor: &str, whose: &str, purpose: &str) -> Result<()>;
    /// Audit rows with `seq > after` on their chain, in time order, at most `limit`.
    async fn audit_entries(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>>;
    /// The audit chains that hold rows (one on SQLite; up to 64 on PostgreSQL).
    async fn audit_chains(&self) -> Result<Vec<i32>>;
    /// One chain's rows after `after`, in order.
    async fn audit_chain_entries(&self, chain: i32, after: i64, limit: i64) -> Result<Vec<AuditEntry>>;

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
