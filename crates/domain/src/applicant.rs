//! Who applies, and the form they fill: a person (name and NIK) or an
//! organisation (no NIK asked of it), their contacts, and the standard's
//! form fields, each checked with the field named.

use crate::Nik;
use crate::standard::Standard;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Bad input in one field of an application.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field's path in the request (`applicant.nik`, `fields.nomor_akta`).
    pub field: String,
    pub message: String,
}

fn invalid(field: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.to_string(), message: message.into() }
}

/// An organisation applying (OPD, company, kab/kota office, instansi).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub name: String,
    /// `opd`, `company`, `kab_kota_office`, `instansi`.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub contact_person: Option<String>,
}

/// What a service asks of a person applying (a standard's `[applicants]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asks {
    /// A name and a NIK: every service of the seeds.
    Nik,
    /// A name and a phone number or an e-mail address (an information desk).
    Contact,
    /// Nothing: a complaint may be anonymous.
    Nothing,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub name: String,
    /// Required for a person; an organisation's contact may give one.
    #[serde(default)]
    pub nik: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub organisation: Option<Organisation>,
}

impl Applicant {
    /// A person needs a structurally valid NIK — or, where the service asks
    /// only a contact (`contact_only`: an information desk), a phone number
    /// or an e-mail address; where it asks nothing (`anonymous`: a
    /// complaint), not even a name —; an organisation its name; contacts,
    /// when given, must look like contacts.
    pub fn check(&self, asks: Asks) -> Result<(), FieldError> {
        let name = self.name.trim();
        let unnamed = name.is_empty() && asks == Asks::Nothing;
        if (name.is_empty() && !unnamed) || name.chars().count() > 200 {
            return Err(invalid(
                "applicant.name",
                "the applicant's name is required (at most 200 characters)",
            ));
        }
        match (&self.nik, &self.organisation) {
            (Some(nik), _) => {
                Nik::parse(nik.trim()).map_err(|e| invalid("applicant.nik", e.to_string()))?;
            }
            (None, Some(org)) if !org.name.trim().is_empty() => {}
            (None, Some(_)) => {
                return Err(invalid("applicant.organisation.name", "the organisation's name is required"));
            }
            (None, None) if asks == Asks::Nothing => {}
            (None, None) if asks == Asks::Contact => {
                let given = |c: &Option<String>| c.as_deref().is_some_and(|c| !c.trim().is_empty());
                if !given(&self.phone) && !given(&self.email) {
                    return Err(invalid(
                        "applicant.phone",
                        "give a WhatsApp number or an e-mail address to receive the answer",
                    ));
                }
            }
            (None, None) => {
                return Err(invalid("applicant.nik", "a person applying gives their NIK (16 digits)"));
            }
        }
        if let Some(p) = &self.phone
            && !p.trim().is_empty()
            && (p.trim().chars().count() > 30
                || !p.trim().chars().all(|c| c.is_ascii_digit() || "+ -()".contains(c)))
        {
            return Err(invalid(
                "applicant.phone",
                "a phone number has digits, spaces, +, - and () only (at most 30)",
            ));
        }
        let long = |v: Option<&str>| v.is_some_and(|v| v.trim().chars().count() > 200);
        if let Some(org) = &self.organisation {
            for (field, value) in [
                ("applicant.organisation.name", Some(org.name.as_str())),
                ("applicant.organisation.kind", org.kind.as_deref()),
                ("applicant.organisation.contact_person", org.contact_person.as_deref()),
            ] {
                if long(value) {
                    return Err(invalid(field, "at most 200 characters"));
                }
            }
        }
        if let Some(e) = &self.email
            && !e.trim().is_empty()
            && (e.len() > 254 || !(e.contains('@') && e.contains('.')))
        {
            return Err(invalid("applicant.email", "not an email address (at most 254 characters)"));
        }
        Ok(())
    }

    /// The applicant as a role without need for personal data sees them:
    /// the NIK masked like every NIK (`crate::nik::mask`), the phone number
    /// down to its last three digits, the email down to its first letter and
    /// its domain. The name stays: staff call people by it.
    pub fn masked(&self) -> Applicant {
        let phone = |p: &String| {
            let digits: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
            let tail: String = digits[digits.len().saturating_sub(3)..].iter().collect();
            format!("•••{tail}")
        };
        let email = |e: &String| match e.split_once('@') {
            Some((user, domain)) => format!("{}•••@{domain}", user.chars().next().unwrap_or('•')),
            None => "•••".to_string(),
        };
        Applicant {
            name: self.name.clone(),
            nik: self.nik.as_deref().map(crate::nik::mask),
            phone: self.phone.as_ref().map(phone),
            email: self.email.as_ref().map(email),
            organisation: self.organisation.clone(),
        }
    }

    /// The name that goes on letters: the organisation's, or the person's.
    pub fn display_name(&self) -> &str {
        self.organisation.as_ref().map_or(&self.name, |o| &o.name)
    }
}

/// The store keeps the applicant as JSON text.
impl TryFrom<String> for Applicant {
    type Error = serde_json::Error;
    fn try_from(text: String) -> Result<Applicant, serde_json::Error> {
        serde_json::from_str(&text)
    }
}

/// Checks the form fields against the standard's definitions.
pub fn check_fields(std: &Standard, fields: &Map<String, Value>) -> Result<(), FieldError> {
    for key in fields.keys() {
        if !std.fields.iter().any(|f| &f.code == key) {
            return Err(invalid(&format!("fields.{key}"), "this service has no such field"));
        }
    }
    check_values(&std.fields, fields, "fields")?;
    for f in std.steps.iter().filter_map(|s| s.per_sheet.as_deref()) {
        sheets(fields, f)?;
    }
    Ok(())
}

/// How many sheets the form's field `code` asks for: a whole number from 1
/// to `MAX_SHEETS` (a step's `per_sheet`).
pub fn sheets(fields: &Map<String, Value>, code: &str) -> Result<u32, FieldError> {
    let max = crate::standard::MAX_SHEETS;
    let n = match fields.get(code) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    n.and_then(|n| u32::try_from(n).ok()).filter(|n| (1..=max).contains(n)).ok_or_else(|| {
        invalid(&format!("fields.{code}"), format!("a whole number of sheets from 1 to {max}"))
    })
}

/// Checks what the actor of `step` records on completing it (its
/// `records`, e.g. the approved quantity) in the action's `data`; other
/// keys of `data` (an outside party's reference) are not the step's.
pub fn check_records(step: &crate::standard::Step, data: Option<&Value>) -> Result<(), FieldError> {
    let empty = Map::new();
    let values = data.and_then(Value::as_object).unwrap_or(&empty);
    check_values(&step.records, values, "data")
}

/// What a step records when it refuses (`Step::refusal_records`).
pub fn check_refusal_records(step: &crate::standard::Step, data: Option<&Value>) -> Result<(), FieldError> {
    let empty = Map::new();
    let values = data.and_then(Value::as_object).unwrap_or(&empty);
    check_values(&step.refusal_records, values, "data")
}

/// Each defined value present and of its kind, required ones given; the
/// error names `<prefix>.<code>`.
fn check_values(
    defs: &[crate::standard::Field],
    values: &Map<String, Value>,
    prefix: &str,
) -> Result<(), FieldError> {
    for f in defs {
        let field = format!("{prefix}.{}", f.code);
        let fields = values;
        let text = match fields.get(&f.code) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err(invalid(&field, "give text or a number")),
        }
        .filter(|s| !s.is_empty());
        let Some(text) = text else {
            let wanted = f.required_when.as_ref().is_some_and(|w| {
                values.get(&w.record).and_then(Value::as_str).is_some_and(|v| v.trim() == w.value)
            });
            if f.required || wanted {
                return Err(invalid(&field, format!("`{}` is required", f.label)));
            }
            continue;
        };
        let ok = match f.kind.as_str() {
            "number" => text.parse::<f64>().is_ok_and(f64::is_finite),
            "date" => chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok(),
            "email" => text.contains('@'),
            "choice" => f.options.iter().any(|o| o == &text),
            "register" => text.parse::<i64>().is_ok_and(|id| id > 0),
            _ => text.chars().count() <= 5_000,
        };
        if !ok {
            let msg = match f.kind.as_str() {
                "choice" => format!("`{}` must be one of: {}", f.label, f.options.join(", ")),
                "register" => format!("`{}` must be the id of a register entry", f.label),
                kind => format!("`{}` must be a valid {kind}", f.label),
            };
            return Err(invalid(&field, msg));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn masking_keeps_the_name_and_hides_the_numbers() {
        let a = super::Applicant {
            name: "Siti Aminah".into(),
            nik: Some("1606015708900001".into()),
            phone: Some("0812-3456-7890".into()),
            email: Some("siti@contoh.id".into()),
            organisation: None,
        };
        let m = a.masked();
        assert_eq!(m.name, "Siti Aminah");
        assert_eq!(m.nik.as_deref(), Some("1606••••••••0001"));
        assert_eq!(m.phone.as_deref(), Some("•••890"));
        assert_eq!(m.email.as_deref(), Some("s•••@contoh.id"));
    }

    use super::*;

    fn person(nik: &str) -> Applicant {
        Applicant { name: "Siti".into(), nik: Some(nik.into()), phone: None, email: None, organisation: None }
    }

    #[test]
    fn a_person_needs_a_valid_nik_and_the_field_is_named() {
        assert!(person("1606015708900001").check(Asks::Nik).is_ok());
        assert_eq!(person("123").check(Asks::Nik).unwrap_err().field, "applicant.nik");
        let mut nobody = person("1606015708900001");
        nobody.nik = None;
        assert_eq!(nobody.check(Asks::Nik).unwrap_err().field, "applicant.nik");
        // An information desk asks a contact instead: a phone or an e-mail.
        assert_eq!(nobody.check(Asks::Contact).unwrap_err().field, "applicant.phone");
        let asker = Applicant { phone: Some("0812 3456 7890".into()), ..nobody.clone() };
        assert!(asker.check(Asks::Contact).is_ok());
        assert!(asker.check(Asks::Nik).is_err(), "elsewhere a person gives a NIK");
        nobody.organisation = Some(Organisation { name: "Bank X".into(), kind: None, contact_person: None });
        assert!(nobody.check(Asks::Nik).is_ok(), "an organisation gives no NIK");
        // No field holds a megabyte: each is named when too long.
        let huge = "x".repeat(1_000_000);
        let org = |name: &str, contact: Option<&str>| Organisation {
            name: name.into(),
            kind: None,
            contact_person: contact.map(String::from),
        };
        for (a, field) in [
            (
                Applicant { organisation: Some(org(&huge, None)), ..nobody.clone() },
                "applicant.organisation.name",
            ),
            (
                Applicant { organisation: Some(org("Bank X", Some(&huge))), ..person("1606015708900001") },
                "applicant.organisation.contact_person",
            ),
            (
                Applicant { email: Some(format!("{huge}@x.id")), ..person("1606015708900001") },
                "applicant.email",
            ),
            (Applicant { name: huge.clone(), ..person("1606015708900001") }, "applicant.name"),
        ] {
            assert_eq!(a.check(Asks::Nik).unwrap_err().field, field);
        }
    }

    #[test]
    fn a_complaint_may_be_anonymous_but_a_contact_given_is_checked() {
        let anonymous = Applicant::default();
        assert!(anonymous.check(Asks::Nothing).is_ok());
        assert_eq!(anonymous.check(Asks::Contact).unwrap_err().field, "applicant.name");
        let bad = Applicant { email: Some("x".repeat(300) + "@a.id"), ..Applicant::default() };
        assert_eq!(bad.check(Asks::Nothing).unwrap_err().field, "applicant.email");
        let long_phone = Applicant { phone: Some("1".repeat(31)), ..Applicant::default() };
        assert_eq!(long_phone.check(Asks::Nothing).unwrap_err().field, "applicant.phone");
    }

    #[test]
    fn the_applicant_round_trips_through_its_stored_text() {
        let a = person("1606015708900001");
        let text = serde_json::to_string(&a).unwrap();
        assert_eq!(Applicant::try_from(text).unwrap(), a);
    }
}
