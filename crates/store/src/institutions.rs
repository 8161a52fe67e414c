//! Institutions that apply by letter: registered with an office, verified
//! there once by a case of their own, with `lembaga` accounts.

#[allow(unused_imports)]
use crate::*;

/// A registered institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Institution {
    pub id: i64,
    /// The office it registered with (and applies to first).
    pub office: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: domain::InstitutionKind,
    /// The regulation or deed that lets it use population data.
    pub legal_basis: String,
    pub address: String,
    /// The responsible officer (penanggung jawab) and their position.
    pub officer_name: String,
    pub officer_position: String,
    pub email: String,
    pub phone: String,
    /// `pending`, `verified` or `refused`.
    pub status: String,
    /// The verification case.
    pub case_id: Option<i64>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

/// What an institution registers with.
#[derive(Debug, Clone)]
pub struct NewInstitution {
    pub office: String,
    pub name: String,
    pub kind: domain::InstitutionKind,
    pub legal_basis: String,
    pub address: String,
    pub officer_name: String,
    pub officer_position: String,
    pub email: String,
    pub phone: String,
}

/// Institutions and their verification.
#[async_trait::async_trait]
pub trait Institutions: Send + Sync {
    /// Registers an institution (pending) with its first `lembaga` account,
    /// in one transaction with their audit rows.
    async fn register_institution(
        &self,
        i: &NewInstitution,
        account: &NewUser,
    ) -> Result<(Institution, User)>;
    /// Ties the institution to its verification case.
    async fn set_institution_case(&self, id: i64, case_id: i64) -> Result<()>;
    async fn institution(&self, id: i64) -> Result<Option<Institution>>;
    /// The institution a verification case is about.
    async fn institution_of_case(&self, case_id: i64) -> Result<Option<Institution>>;
    /// An office's institutions, newest first.
    async fn institutions(&self, office: &str) -> Result<Vec<Institution>>;
    /// Records the outcome of its verification (`verified` or `refused`),
    /// with its audit row; `None` when no pending institution has that case.
    async fn decide_institution(
        &self,
        actor: &str,
        case_id: i64,
        verified: bool,
    ) -> Result<Option<Institution>>;
    /// The cases an institution applied for, newest first.
    async fn institution_cases(&self, institution: i64, limit: i64) -> Result<Vec<Case>>;
}
