//! Pure rules of layanan. Nothing here touches a disk, a socket or a clock,
//! so every rule can be tested in isolation and reused by the store, the web
//! layer and the CLI alike.

pub mod agreement;
pub mod applicant;
pub mod calendar;
pub mod case;
pub mod complaint;
pub mod document;
pub mod duration;
pub mod ikm;
pub mod institution;
pub mod lint;
pub mod nik;
pub mod nik_batch;
pub mod office;
pub mod profile;
pub mod queue;
pub mod register;
pub mod role;
pub mod sla;
pub mod staff_evaluation;
pub mod staffing;
pub mod standard;
pub mod stock;

pub use applicant::{Applicant, FieldError, Organisation};
pub use case::Status;
pub use duration::SlaDuration;
pub use institution::{Applicants, InstitutionKind};
pub use nik::{Nik, NikError, NikWarning};
pub use office::{OfficeCode, OfficeLevel, TimeZone};
pub use profile::OfficeProfile;
pub use role::Role;
pub use standard::{Component, Standard, StandardError};
