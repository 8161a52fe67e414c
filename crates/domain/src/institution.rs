//! Institutions that apply by letter, and who a standard lets apply
//! (`[applicants]`): Bengkulu's data service is for provincial OPDs only,
//! Palangka Raya's for "Perangkat Daerah non vertikal dan lembaga
//! swasta/perusahaan".

use serde::{Deserialize, Serialize};

/// The kind of an institution, as the seeds name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionKind {
    /// Organisasi Perangkat Daerah (a province's or kab/kota's own agency).
    Opd,
    /// Instansi pemerintah (vertical: ministries' offices, police, courts).
    InstansiPemerintah,
    Bumn,
    Bumd,
    /// Swasta: banks, companies, schools, foundations.
    Swasta,
    /// A kab/kota Dukcapil office asking its province.
    DinasKabkota,
}

impl InstitutionKind {
    pub const ALL: [InstitutionKind; 6] = [
        InstitutionKind::Opd,
        InstitutionKind::InstansiPemerintah,
        InstitutionKind::Bumn,
        InstitutionKind::Bumd,
        InstitutionKind::Swasta,
        InstitutionKind::DinasKabkota,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InstitutionKind::Opd => "opd",
            InstitutionKind::InstansiPemerintah => "instansi_pemerintah",
            InstitutionKind::Bumn => "bumn",
            InstitutionKind::Bumd => "bumd",
            InstitutionKind::Swasta => "swasta",
            InstitutionKind::DinasKabkota => "dinas_kabkota",
        }
    }
}

impl std::str::FromStr for InstitutionKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        InstitutionKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let known: Vec<_> = InstitutionKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown kind `{s}` (expected {})", known.join(", "))
        })
    }
}

impl TryFrom<String> for InstitutionKind {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl std::fmt::Display for InstitutionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who may apply for a service (`[applicants]` in a standard); without it,
/// anyone may.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicants {
    /// Whether a person (with a NIK) may apply.
    #[serde(default = "yes")]
    pub persons: bool,
    /// The kinds of institution that may apply; empty: every kind.
    #[serde(default)]
    pub institutions: Vec<InstitutionKind>,
    /// Only institutions registered with this office (Bengkulu's
    /// "OPD Tingkat Provinsi").
    #[serde(default)]
    pub registered_here: bool,
    /// A person gives a name and a contact, no NIK (Jepara's information
    /// desk: anyone may ask).
    #[serde(default)]
    pub contact_only: bool,
    /// A person need give nothing, not even a name (a complaint,
    /// suggestion or feedback: anonymous allowed).
    #[serde(default)]
    pub anonymous: bool,
    /// The seed's words, shown with a refusal.
    pub wording: String,
}

fn yes() -> bool {
    true
}

/// Who is applying, as far as the restriction cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applying<'a> {
    Person,
    Institution { kind: InstitutionKind, office: Option<&'a str> },
}

impl Applicants {
    /// What a person applying must give.
    pub fn asks(rule: Option<&Applicants>) -> crate::applicant::Asks {
        use crate::applicant::Asks;
        match rule {
            Some(r) if r.anonymous => Asks::Nothing,
            Some(r) if r.contact_only => Asks::Contact,
            _ => Asks::Nik,
        }
    }

    /// `Err` with a message for the applicant when they may not apply to a
    /// service of `office`.
    pub fn admit(&self, who: Applying<'_>, office: &str) -> Result<(), String> {
        let refuse = |why: String| Err(format!("{why}; this service is for: {}", self.wording));
        match who {
            Applying::Person if !self.persons => refuse("a person may not apply".into()),
            Applying::Person => Ok(()),
            Applying::Institution { kind, .. }
                if !self.institutions.is_empty() && !self.institutions.contains(&kind) =>
            {
                refuse(format!("an institution of kind `{kind}` may not apply"))
            }
            // An institution the office does not know (an operator entering its
            // letter at the counter) is taken at the operator's word.
            Applying::Institution { office: Some(at), .. } if self.registered_here && at != office => {
                refuse(format!("only institutions registered with office {office} may apply"))
            }
            Applying::Institution { .. } => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restriction_refuses_with_the_seeds_words() {
        let bengkulu = Applicants {
            persons: false,
            institutions: vec![InstitutionKind::Opd],
            registered_here: true,
            contact_only: false,
            anonymous: false,
            wording: "OPD Tingkat Provinsi Bengkulu".into(),
        };
        let opd_here = Applying::Institution { kind: InstitutionKind::Opd, office: Some("17") };
        assert_eq!(bengkulu.admit(opd_here, "17"), Ok(()));
        let person = bengkulu.admit(Applying::Person, "17").unwrap_err();
        assert!(
            person.contains("a person may not apply") && person.contains("OPD Tingkat Provinsi"),
            "{person}"
        );
        let bank = Applying::Institution { kind: InstitutionKind::Swasta, office: Some("17") };
        assert!(bengkulu.admit(bank, "17").unwrap_err().contains("`swasta`"));
        let elsewhere = Applying::Institution { kind: InstitutionKind::Opd, office: Some("73") };
        assert!(bengkulu.admit(elsewhere, "17").unwrap_err().contains("registered with office 17"));
        let at_the_counter = Applying::Institution { kind: InstitutionKind::Opd, office: None };
        assert_eq!(bengkulu.admit(at_the_counter, "17"), Ok(()));
        assert_eq!("dinas_kabkota".parse(), Ok(InstitutionKind::DinasKabkota));
        assert!("bank".parse::<InstitutionKind>().unwrap_err().contains("swasta"));
    }
}
