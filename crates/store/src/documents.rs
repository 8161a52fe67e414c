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
    pub pdf_sha256: String,
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
}

/// What the issuer makes once it knows the sequence number.
#[derive(Debug, Clone)]
pub struct Made {
    pub number: String,
    pub payload: String,
    pub pdf_sha256: String,
}

/// A document to issue inside a transaction: `make` receives the next
/// sequence number of (office, type, year) and renders and signs.
pub struct DocumentDraft {
    pub code: String,
    pub office: String,
    pub case_id: Option<i64>,
    pub doc_type: String,
    pub year: i32,
    pub holder: String,
    pub actor: String,
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
