//! Data-access agreements (PKS), their timeline and their User IDs. An
//! agreement is made in the transaction of the case step that signs it
//! (`CaseUpdate::agreement`); what happens to it afterwards is an event.

#[allow(unused_imports)]
use crate::*;

/// An agreement as stored. Its status is not stored: it follows from the
/// dates and what was recorded (`domain::agreement::status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Agreement {
    pub id: i64,
    pub office: String,
    /// The case whose step signed it.
    pub case_id: i64,
    pub institution_id: Option<i64>,
    /// The institution (or person) that uses the data.
    pub party: String,
    /// The other signatory: the office, or the ministry where the PKS is
    /// signed there.
    pub counterparty: String,
    pub purpose: String,
    pub legal_basis: String,
    pub data_elements: String,
    /// `web_service`, `card_reader`, `siak` or `data_warehouse`.
    pub access_mode: String,
    pub pks_number: String,
    /// `YYYY-MM-DD`.
    pub pks_date: String,
    pub juknis_number: Option<String>,
    pub juknis_date: Option<String>,
    /// Who signed for the office (name and position).
    pub signed_by: String,
    /// Validity, `YYYY-MM-DD`.
    pub starts_on: String,
    pub ends_on: String,
    pub suspension_recommended_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The agreement this one renews.
    pub renews: Option<i64>,
    /// The case opened to renew this one.
    pub renewal_case_id: Option<i64>,
    pub created_at: i64,
}

/// An agreement as the signing step makes it. `pks_number` empty: the
/// number of the `pks` document issued in the same transaction.
#[derive(Debug, Clone, Default)]
pub struct NewAgreement {
    pub office: String,
    pub case_id: i64,
    pub institution_id: Option<i64>,
    pub party: String,
    pub counterparty: String,
    pub purpose: String,
    pub legal_basis: String,
    pub data_elements: String,
    pub access_mode: String,
    pub pks_number: String,
    pub pks_date: String,
    pub juknis_number: Option<String>,
    pub juknis_date: Option<String>,
    pub signed_by: String,
    pub starts_on: String,
    pub ends_on: String,
    pub renews: Option<i64>,
    pub actor: String,
}

/// One entry of an agreement's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AgreementEvent {
    pub id: i64,
    pub agreement_id: i64,
    pub at: i64,
    pub actor: String,
    /// `created`, `step`, `user_id`, `user_id_status`, `ministry_letter`,
    /// `suspension_recommended`, `warning_90`, `warning_30`, `renewal`.
    pub kind: String,
    pub summary: String,
    /// What was recorded, as a JSON object.
    pub data: Option<String>,
}

/// An event to record, with what it changes on the agreement.
#[derive(Debug, Clone, Default)]
pub struct NewAgreementEvent {
    pub actor: String,
    pub kind: String,
    pub summary: String,
    pub data: Option<String>,
    pub juknis: Option<(String, String)>,
    pub suspension_recommended: bool,
    pub revoked: bool,
    pub renewal_case_id: Option<i64>,
    /// Notifications written with it (the warnings, the recommendation).
    pub notes: Vec<NewNotification>,
}

/// A User ID the ministry issued, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AgreementUserId {
    pub id: i64,
    pub agreement_id: i64,
    pub user_id: String,
    /// `development` or `production`.
    pub environment: String,
    pub issued_on: String,
    /// The IP address or VPN endpoint it connects from.
    pub endpoint: String,
    /// The stress test / proof of concept result (`lulus`, `tidak_lulus`).
    pub test_result: Option<String>,
    /// `active`, `suspended` or `revoked`.
    pub status: String,
    pub recorded_by: String,
    pub recorded_at: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NewUserId {
    pub user_id: String,
    pub environment: String,
    pub issued_on: String,
    pub endpoint: String,
    pub test_result: Option<String>,
}

/// Agreements, their timelines and User IDs.
#[async_trait::async_trait]
pub trait Agreements: Send + Sync {
    async fn agreement(&self, id: i64) -> Result<Option<Agreement>>;
    async fn agreement_of_case(&self, case_id: i64) -> Result<Option<Agreement>>;
    /// The agreement whose renewal `case_id` is.
    async fn agreement_renewed_by(&self, case_id: i64) -> Result<Option<Agreement>>;
    /// An office's agreements (or an institution's), newest first.
    async fn agreements(&self, office: Option<&str>, institution: Option<i64>) -> Result<Vec<Agreement>>;
    /// Agreements that have neither ended nor been revoked by `today`
    /// (`YYYY-MM-DD`), for the warnings job.
    async fn running_agreements(&self, today: &str) -> Result<Vec<Agreement>>;
    async fn agreement_events(&self, id: i64) -> Result<Vec<AgreementEvent>>;
    /// Records an event and what it changes, with its audit row and
    /// notifications, in one transaction. A warning given before is a
    /// `Conflict`.
    async fn record_agreement_event(&self, id: i64, e: &NewAgreementEvent) -> Result<AgreementEvent>;
    /// Records an event that issues a letter (the recommendation to the
    /// Ditjen to suspend), numbering the letter in the same transaction.
    async fn record_agreement_letter(
        &self,
        id: i64,
        e: &NewAgreementEvent,
        letter: crate::DocumentDraft,
    ) -> Result<(AgreementEvent, crate::Document)>;
    async fn agreement_user_ids(&self, id: i64) -> Result<Vec<AgreementUserId>>;
    /// Records a User ID with its event; the same ID twice is a `Conflict`.
    async fn add_agreement_user_id(
        &self,
        id: i64,
        u: &NewUserId,
        e: &NewAgreementEvent,
    ) -> Result<AgreementUserId>;
    /// Suspends or revokes a User ID (from the ministry's letter) with its
    /// event; `None` when the agreement has no such ID.
    async fn set_agreement_user_id_status(
        &self,
        id: i64,
        user_id: &str,
        status: &str,
        e: &NewAgreementEvent,
    ) -> Result<Option<AgreementUserId>>;
}
