//! Issued documents as the store keeps them.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Document {
    /// Random, unguessable (≥ 80 bits): the key of `/verify/{code}`.
    pub code: String,
    pub office: String,
    pub case_id: Option<i64>,
    pub doc_type: String,
    pub number: String,
    pub seq: i64,
    pub year: i32,
    pub issued_at: i64,
    /// The holder's name as the public may see it (initials).
    pub holder: String,
    /// The signed QR payload (`v1.…`).
    pub payload: String,
    /// The sealed PDF's hash; empty until it is produced.
    pub pdf_sha256: String,
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
    /// What the PDF is made from (the issuer's own format), kept so it can
    /// be produced after the commit, also after a crash.
    #[serde(skip)]
    pub content: Option<String>,
    /// When the PDF was stored; `None` while it waits to be produced.
    pub produced_at: Option<i64>,
}

/// What the issuer makes once it knows the sequence number: cheap work
/// (format the number, sign the payload) done inside the transaction.
#[derive(Debug, Clone)]
pub struct Made {
    pub number: String,
    pub payload: String,
}

/// A document to issue inside a transaction: `make` receives the next
/// sequence number of (office, type, year) and numbers and signs; the PDF
/// is produced from `content` after the commit.
pub struct DocumentDraft {
    pub code: String,
    pub office: String,
    pub case_id: Option<i64>,
    pub doc_type: String,
    pub year: i32,
    pub holder: String,
    pub actor: String,
    pub content: String,
    pub make: Box<dyn FnOnce(i64) -> Result<Made, String> + Send>,
}

impl std::fmt::Debug for DocumentDraft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentDraft")
            .field("office", &self.office)
            .field("doc_type", &self.doc_type)
            .finish()
    }
}

/// An office's signing key as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OfficeKey {
    pub id: String,
    pub office: String,
    pub public_key: String,
    #[serde(skip)]
    pub private_key_enc: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

#[allow(unused_imports)]
use crate::*;

/// Issued documents (numbered in the issuing transaction, PDF produced after), office keys, revocation.
#[async_trait::async_trait]
pub trait Documents: Send + Sync {
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
    /// An office's documents of one kind, newest first (the agenda: its
    /// `kartu_agenda`s).
    async fn office_documents(&self, office: &str, doc_type: &str, limit: i64) -> Result<Vec<Document>>;
    /// An office's documents of one kind issued in `from..to` (ms), in the
    /// order of their numbers, at most `limit`: a register such as the
    /// legalisations'.
    async fn documents_issued(
        &self,
        office: &str,
        doc_type: &str,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<Document>>;
    /// Marks a document revoked (once; a second revocation is a conflict).
    async fn revoke_document(&self, code: &str, actor: &str, reason: &str) -> Result<Document>;
}
