//! Staff roles. The names are part of the stable contract (README.md, Roles), so
//! they are spelled once here and parsed from text everywhere else.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A role held by an account, always together with an office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Operator,
    Verifikator,
    Validator,
    KepalaDinas,
    Ppid,
    ComplaintHandler,
    Admin,
    Auditor,
    /// An institution (lembaga pengguna) that asks for data access.
    Lembaga,
    /// A village kiosk's operator (operator desa/kelurahan): registers
    /// applications for residents at the kiosk of their village (the
    /// account's unit is the village's code).
    Desa,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Operator,
        Role::Verifikator,
        Role::Validator,
        Role::KepalaDinas,
        Role::Ppid,
        Role::ComplaintHandler,
        Role::Admin,
        Role::Auditor,
        Role::Lembaga,
        Role::Desa,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Verifikator => "verifikator",
            Role::Validator => "validator",
            Role::KepalaDinas => "kepala_dinas",
            Role::Ppid => "ppid",
            Role::ComplaintHandler => "complaint_handler",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
            Role::Lembaga => "lembaga",
            Role::Desa => "desa",
        }
    }

    /// The roles whose work needs an applicant's NIK and contacts in full:
    /// taking the application, checking it against the register, validating
    /// it. Every other role sees them masked (UU 27/2022 on personal data:
    /// no more than the purpose needs).
    pub fn handles_personal_data(self) -> bool {
        matches!(self, Role::Operator | Role::Verifikator | Role::Validator)
    }

    /// Staff of an office (everyone but an institution's account and a
    /// village kiosk's) may read the 8 internal (manufacturing) components
    /// of a standard, and the office's cases.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Lembaga | Role::Desa)
    }
}

impl fmt::Display for Role {
    /// Pads to a width when one is asked (`{:<18}`: the demo's account table).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Error for a role name that is not one of the contract's names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role `{0}` (expected one of: operator, verifikator, validator, kepala_dinas, ppid, complaint_handler, admin, auditor, lembaga, desa)"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// The store keeps a role as its name.
impl TryFrom<String> for Role {
    type Error = UnknownRole;
    fn try_from(s: String) -> Result<Role, UnknownRole> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_pads_to_the_width_asked() {
        assert_eq!(format!("{:<10}|", Role::Admin), "admin     |");
        assert_eq!(format!("{}", Role::KepalaDinas), "kepala_dinas");
    }

    #[test]
    fn every_role_round_trips_through_its_name() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("kadin".parse::<Role>().is_err());
    }
}
