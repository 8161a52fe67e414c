//! The audit chains: each row's hash covers its chain, its place on it,
//! its content and the previous row's hash, so editing, deleting, moving or
//! inserting a row breaks its chain from that row on. SQLite keeps one
//! chain; PostgreSQL spreads rows over 64 by object, so writers of different
//! cases do not wait for each other's commits (see migration postgres/0009).
//!
//! A chain alone cannot show that its last rows were cut off or that the
//! whole of it was written again with fresh hashes: the signed checkpoints
//! (`crates/app/src/audit.rs`) record each chain's head outside the
//! database, and [`Audit::audit_check_heads`] compares the log with them.

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
            self.chain,
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

    /// The hash of rows written before migration 0037, which did not cover
    /// the chain; accepted only at the start of a chain, before its first
    /// row of the current form.
    fn legacy_hash(&self) -> String {
        hash_parts(&[
            &self.prev_hash,
            &self.seq.to_string(),
            &self.at.to_string(),
            &self.kind,
            &self.actor,
            &self.action,
            &self.object,
            &self.detail,
        ])
    }
}

/// SHA-256 over the chain, the place and the fields, each length-prefixed
/// so no two different rows can serialise to the same bytes.
#[allow(clippy::too_many_arguments)]
pub fn chain_hash(
    chain: i32,
    prev: &str,
    seq: i64,
    at: i64,
    kind: &str,
    actor: &str,
    action: &str,
    object: &str,
    detail: &str,
) -> String {
    let chain = format!("chain {chain}");
    hash_parts(&[&chain, prev, &seq.to_string(), &at.to_string(), kind, actor, action, object, detail])
}

fn hash_parts(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The last row of one chain: what a checkpoint records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct ChainHead {
    pub chain: i32,
    pub seq: i64,
    pub hash: String,
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
    /// A row of the current form was seen: no legacy row may follow.
    current: bool,
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
        if e.compute_hash() == e.hash {
            self.current = true;
        } else if self.current || e.legacy_hash() != e.hash {
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
    /// Each chain's last row.
    async fn audit_heads(&self) -> Result<Vec<ChainHead>>;

    /// Compares the log with heads recorded earlier (a checkpoint): each
    /// recorded row must still be there with the same hash. The first
    /// difference is reported by chain and place: a chain that now ends
    /// before it lost its tail; a different hash means it was written again.
    /// Rows added since are not this check's business (see `audit_verify`).
    async fn audit_check_heads(&self, heads: &[ChainHead]) -> Result<AuditReport> {
        let mut rows = 0;
        for head in heads {
            let row = self.audit_chain_entries(head.chain, head.seq - 1, 1).await?;
            let fail = |reason: String| AuditReport {
                rows,
                ok: false,
                broken_at: Some(head.seq),
                chain: head.chain,
                reason: Some(reason),
            };
            match row.first() {
                Some(e) if e.seq == head.seq && e.hash == head.hash => rows += head.seq,
                Some(e) if e.seq == head.seq => {
                    return Ok(fail(format!(
                        "row {} of chain {} is not the row the checkpoint recorded: the chain was rewritten",
                        head.seq, head.chain
                    )));
                }
                _ => {
                    let heads = self.audit_heads().await?;
                    let last = heads.iter().find(|h| h.chain == head.chain).map_or(0, |h| h.seq);
                    return Ok(fail(format!(
                        "chain {} holds {last} rows but the checkpoint recorded {}: its tail was deleted",
                        head.chain, head.seq
                    )));
                }
            }
        }
        Ok(AuditReport { rows, ok: true, broken_at: None, chain: 0, reason: None })
    }

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
