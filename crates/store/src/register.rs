//! The register index of an office's civil registers (akta): entries
//! imported in batches, each batch one transaction with its audit row;
//! found by number, by folded name, by whole-name key, or by the keys of
//! its words starting from the rarest. The keys are made by
//! `domain::register`; the store only keeps and finds them.

#[allow(unused_imports)]
use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RegisterEntry {
    pub id: i64,
    pub office: String,
    pub akta_type: String,
    pub number: String,
    pub year: i32,
    pub name: String,
    pub father: String,
    pub mother: String,
    pub place: String,
    /// `YYYY-MM-DD`, or empty.
    pub event_date: String,
    pub book: String,
    pub page: String,
    #[serde(skip)]
    pub name_folded: String,
    #[serde(skip)]
    pub name_key: String,
    pub imported_by: String,
    pub imported_at: i64,
}

/// An entry to import, with its search keys.
#[derive(Debug, Clone, Default)]
pub struct NewRegisterEntry {
    pub akta_type: String,
    pub number: String,
    pub year: i32,
    pub name: String,
    pub father: String,
    pub mother: String,
    pub place: String,
    pub event_date: String,
    pub book: String,
    pub page: String,
    pub name_folded: String,
    pub name_key: String,
    /// The phonetic keys of the name's words, each once.
    pub words: Vec<String>,
}

/// How a name is looked for.
#[derive(Debug, Clone, Default)]
pub struct NameQuery {
    pub folded: String,
    pub key: String,
    /// Word keys; entries holding all of them are candidates.
    pub words: Vec<String>,
}

#[async_trait::async_trait]
pub trait Register: Send + Sync {
    /// Imports entries into the office's index in one transaction, with one
    /// audit row; an entry whose kind, year and number are there already
    /// is skipped. Returns how many were new.
    async fn import_register(&self, office: &str, actor: &str, entries: &[NewRegisterEntry]) -> Result<u64>;
    async fn register_entry(&self, id: i64) -> Result<Option<RegisterEntry>>;
    /// Entries with this number, any kind and year.
    async fn register_by_number(&self, office: &str, number: &str, limit: i64) -> Result<Vec<RegisterEntry>>;
    /// Entries whose folded name, or whole key, is the query's, and entries
    /// holding every word key of the query (found from its rarest word), at
    /// most `limit`; unranked.
    async fn register_candidates(
        &self,
        office: &str,
        q: &NameQuery,
        limit: i64,
    ) -> Result<Vec<RegisterEntry>>;
    async fn register_size(&self, office: &str) -> Result<i64>;
}
