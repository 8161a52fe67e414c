//! Institutions as applicants: registration (the institution, its first
//! `lembaga` account and its verification case, on the shared procedure
//! `verifikasi-lembaga`), the outcome of that case, and who may apply to a
//! standard that restricts its applicants (`[applicants]`).

use crate::accounts::{Principal, check_password_policy, check_username, hash_password_blocking};
use crate::cases::Submission;
use crate::{App, Error, Result};
use domain::institution::Applying;
use domain::{InstitutionKind, Organisation, Role, Standard};
use store::{Case, Institution, NewInstitution, NewUser};

/// The shared procedure that verifies an institution (`standards/shared/`).
pub const VERIFICATION: &str = "verifikasi-lembaga";

/// What an institution fills in to register.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// The office it registers with (e.g. `62.71`).
    pub office: String,
    pub name: String,
    pub kind: InstitutionKind,
    pub legal_basis: String,
    pub address: String,
    pub officer_name: String,
    pub officer_position: String,
    pub email: String,
    pub phone: String,
    /// The first account's username and password (role `lembaga`).
    pub username: String,
    pub password: String,
}

/// A text field that must be given, at most 300 characters.
fn text(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > 300 {
        return Err(Error::invalid(field, "required, at most 300 characters"));
    }
    Ok(v.to_string())
}

/// Registers an institution: checks every field (each error names it),
/// stores the institution with its first account, and opens the
/// verification case at its office. Returns the institution and the case.
pub async fn register(app: &App, r: Registration) -> Result<(Institution, Case)> {
    let service = format!("{}-{VERIFICATION}", r.office.trim());
    if app.store.office(r.office.trim()).await?.is_none() || app.catalog.get(&service).is_none() {
        return Err(Error::invalid(
            "office",
            format!("office `{}` does not register institutions", r.office),
        ));
    }
    let email = text("email", &r.email)?;
    if !(email.contains('@') && email.contains('.')) {
        return Err(Error::invalid("email", "not an email address"));
    }
    let phone = text("phone", &r.phone)?;
    if !phone.chars().all(|c| c.is_ascii_digit() || "+ -()".contains(c)) {
        return Err(Error::invalid("phone", "a phone number has digits, spaces, +, - and () only"));
    }
    let institution = NewInstitution {
        office: r.office.trim().to_string(),
        name: text("name", &r.name)?,
        kind: r.kind,
        legal_basis: text("legal_basis", &r.legal_basis)?,
        address: text("address", &r.address)?,
        officer_name: text("officer_name", &r.officer_name)?,
        officer_position: text("officer_position", &r.officer_position)?,
        email,
        phone,
    };
    let username = check_username(&r.username)?;
    check_password_policy(&r.password, &username).map_err(|m| Error::invalid("password", m))?;
    let account = NewUser {
        display_name: institution.officer_name.clone(),
        username,
        password_hash: hash_password_blocking(&r.password).await?,
        role: Role::Lembaga,
        office: institution.office.clone(),
        unit: None,
        nip: None,
    };
    let (inst, user) = app.store.register_institution(&institution, &account).await?;
    let sub = Submission {
        service,
        channel: "online".into(),
        applicant: applicant_of(&inst),
        fields: Default::default(),
        letter: None,
    };
    let principal = Principal::of(user);
    let case = crate::cases::engine::submit_for(app, &sub, &[], None, Some((&inst, &principal))).await?;
    app.store.set_institution_case(inst.id, case.id).await?;
    let inst = app.store.institution(inst.id).await?.unwrap_or(inst);
    Ok((inst, case))
}

/// The applicant a case of the institution carries: its name, contacts and
/// responsible officer; no NIK is asked of an institution.
pub fn applicant_of(i: &Institution) -> domain::Applicant {
    domain::Applicant {
        name: i.name.clone(),
        nik: None,
        phone: Some(i.phone.clone()),
        email: Some(i.email.clone()),
        organisation: Some(Organisation {
            name: i.name.clone(),
            kind: Some(i.kind.as_str().into()),
            contact_person: Some(format!("{} ({})", i.officer_name, i.officer_position)),
        }),
    }
}

/// The verified institution a `lembaga` account applies for; `Forbidden`
/// until the office has verified it.
pub async fn of_account(app: &App, who: &Principal) -> Result<Institution> {
    let id =
        who.user.institution_id.ok_or_else(|| Error::forbidden("this account belongs to no institution"))?;
    let inst = app.store.institution(id).await?.ok_or_else(|| Error::forbidden("no such institution"))?;
    match inst.status.as_str() {
        "verified" => Ok(inst),
        "pending" => Err(Error::forbidden("the office has not verified your institution yet")),
        _ => Err(Error::forbidden("the office refused to verify your institution")),
    }
}

/// Whether `std` admits this applicant (`[applicants]`); a refusal names
/// the field `applicant` and quotes the seed.
pub fn admit(std: &Standard, applicant: &domain::Applicant, institution: Option<&Institution>) -> Result<()> {
    let Some(rule) = &std.applicants else { return Ok(()) };
    let who = match (institution, &applicant.organisation) {
        (Some(i), _) => Applying::Institution { kind: i.kind, office: Some(i.office.as_str()) },
        (None, Some(org)) => match org.kind.as_deref().map(str::parse::<InstitutionKind>) {
            Some(Ok(kind)) => Applying::Institution { kind, office: None },
            _ => {
                return Err(Error::invalid(
                    "applicant.organisation.kind",
                    format!("state the organisation's kind; this service is for: {}", rule.wording),
                ));
            }
        },
        (None, None) => Applying::Person,
    };
    rule.admit(who, std.office.as_str()).map_err(|m| Error::invalid("applicant", m))
}

/// After a case closes: when it verified an institution, record the outcome.
pub async fn on_closed(app: &App, case: &Case, actor: &str) -> Result<()> {
    if case.service != VERIFICATION || !case.status.is_final() {
        return Ok(());
    }
    let verified = case.status == domain::Status::Completed;
    app.store.decide_institution(actor, case.id, verified).await?;
    Ok(())
}
