//! Offices, regions, holidays and standards: the reference and catalogue data every office reads;
//! plus what concerns the database as a whole (health, migrations, row counts, backups).

#[allow(unused_imports)]
use crate::*;

/// Offices, regions, holidays and standards: the reference and catalogue data every office reads; plus
/// what concerns the database as a whole (health, migrations, row counts, backups).
#[async_trait::async_trait]
pub trait Directory: Send + Sync {
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

    /// Sets a flag of the whole database (e.g. `demo`); setting it again keeps the first time.
    async fn set_instance_flag(&self, actor: &str, name: &str) -> Result<()>;
    async fn instance_flag(&self, name: &str) -> Result<bool>;

    /// Rows per table, for comparing a restored database with its backup.
    async fn row_counts(&self) -> Result<Vec<(String, i64)>>;

    /// A consistent copy of the whole database in a new file (SQLite's
    /// `VACUUM INTO`; PostgreSQL is backed up with `pg_dump`).
    async fn backup_into(&self, path: &std::path::Path) -> Result<()>;

    /// The database settings that decide whether an acknowledged write
    /// survives a crash or a power cut, each with whether it does.
    async fn durability(&self) -> Result<Vec<Durability>>;

    /// Closes every connection and waits until they are gone (a restore
    /// renames the database it verified, which nobody may be connected to).
    async fn close(&self);
}

/// One database setting a commit's durability rests on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Durability {
    pub setting: String,
    pub value: String,
    /// Whether an acknowledged write survives a power cut with this value.
    pub durable: bool,
}
