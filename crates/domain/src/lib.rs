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
pub mod totp;

pub use applicant::{Applicant, FieldError, Organisation};
pub use case::Status;
pub use duration::SlaDuration;
pub use institution::{Applicants, InstitutionKind};
pub use nik::{Nik, NikError, NikWarning};
pub use office::{OfficeCode, OfficeLevel, TimeZone};
pub use profile::OfficeProfile;
pub use role::Role;
pub use standard::{Component, Standard, StandardError};

/// Compares two secrets (tokens, codes) in time that does not depend on
/// where they first differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
