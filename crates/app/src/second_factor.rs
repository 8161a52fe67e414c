//! The second factor of staff accounts: TOTP (RFC 6238, `domain::totp`),
//! required of the roles in `Config::second_factor_roles` (admin, kepala
//! dinas and auditor by default) and open to every other staff account.
//!
//! Enrolment: the holder begins (a new secret, kept sealed with the
//! document secret under [`PURPOSE`] until confirmed), adds it to an
//! authenticator app from the QR code or the typed secret, and confirms
//! with the code it shows; ten single-use recovery codes are shown once
//! (only their SHA-256 is kept). A login then asks for a code after the
//! password ([`crate::accounts::login`]); each code is taken once. An
//! admin of the office resets the factor of a lost phone
//! (`AccountChange::SecondFactorReset`, audited); the holder enrols again
//! at the next login.

use crate::accounts::Principal;
use crate::{App, Error, Result};
use domain::totp;
use sha2::{Digest, Sha256};
use store::{Factor, UserChange};

/// What a TOTP secret is sealed for (the associated data of its sealing).
pub const PURPOSE: &str = "totp";
/// Recovery codes made at enrolment and on request.
pub const RECOVERY_CODES: usize = 10;

/// Whether accounts of `role` must have a second factor.
pub fn role_needs(app: &App, role: domain::Role) -> bool {
    app.config.second_factor_roles.contains(&role)
}

/// Whether `who` needs one: its own role or the position it acts for.
fn required(app: &App, who: &Principal) -> bool {
    role_needs(app, who.user.role) || role_needs(app, who.role)
}

/// Whether `who` must enrol before anything else: it needs a second
/// factor and has none.
pub fn must_enrol(app: &App, who: &Principal) -> bool {
    !who.user.second_factor && required(app, who)
}

/// An enrolment begun: what the holder adds to their app.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    /// The secret in base32, to type into an app by hand.
    pub secret: String,
    /// The `otpauth://` address an app reads from a QR code.
    pub otpauth_uri: String,
}

/// Begins (or begins again) the holder's enrolment: a new secret, not in
/// force until [`confirm`]. An account with a factor already has to have
/// it reset by an admin first (a stolen session cannot swap the phone).
pub async fn begin(app: &App, who: &Principal) -> Result<Enrolment> {
    if who.user.second_factor {
        return Err(Error::Conflict(
            "this account has a second factor already; to move it to another phone an admin resets it first"
                .into(),
        ));
    }
    let mut secret = [0u8; totp::SECRET_BYTES];
    getrandom::fill(&mut secret).expect("the OS random source is available");
    let sealed = ::documents::keys::seal(&app.document_secret, PURPOSE, &secret);
    app.store.begin_second_factor(who.user.id, &sealed).await?;
    Ok(enrolment(who, &secret))
}

/// The enrolment the holder began and has not confirmed, shown again (a
/// reloaded page, a mistyped code) rather than a new secret each time.
pub async fn pending(app: &App, who: &Principal) -> Result<Option<Enrolment>> {
    if who.user.second_factor {
        return Ok(None);
    }
    let Some(sealed) = app.store.second_factor(who.user.id).await?.pending else { return Ok(None) };
    Ok(Some(enrolment(who, &open(app, &sealed)?)))
}

fn enrolment(who: &Principal, secret: &[u8]) -> Enrolment {
    let issuer = format!("layanan {}", who.user.office);
    Enrolment {
        secret: totp::base32(secret),
        otpauth_uri: totp::otpauth_uri(&issuer, &who.user.username, secret),
    }
}

/// Confirms an enrolment with the code the app shows: the factor is in
/// force from now, and the recovery codes returned are shown this once.
pub async fn confirm(app: &App, who: &Principal, code: &str) -> Result<Vec<String>> {
    if who.user.second_factor {
        return Err(Error::Conflict("this account has a second factor already".into()));
    }
    let pending = app.store.second_factor(who.user.id).await?.pending;
    let Some(sealed) = pending else {
        return Err(Error::invalid("code", "begin the enrolment first: no secret is waiting for a code"));
    };
    let secret = open(app, &sealed)?;
    let now = app.now().timestamp_millis();
    let step = totp::matching_step(&secret, code, now, None).ok_or_else(|| {
        Error::invalid(
            "code",
            "this is not the code the app shows now; check the phone's clock and try again",
        )
    })?;
    let (codes, recovery) = recovery_codes();
    let change = UserChange::SecondFactor { sealed, step, recovery };
    app.store.change_user(&who.user.username, who.user.id, &change).await?;
    Ok(codes)
}

/// New recovery codes for a holder who gives a current code; the old
/// ones stop working.
pub async fn renew_recovery_codes(app: &App, who: &Principal, code: &str) -> Result<Vec<String>> {
    if !who.user.second_factor {
        return Err(Error::invalid("code", "this account has no second factor yet"));
    }
    if !totp::is_code(code) || !use_factor(app, who.user.id, code).await? {
        return Err(Error::invalid("code", "type the code the authenticator app shows now"));
    }
    let (codes, recovery) = recovery_codes();
    app.store.change_user(&who.user.username, who.user.id, &UserChange::RecoveryCodes(recovery)).await?;
    Ok(codes)
}

/// The holder's second factor at a glance, for their account page.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = SecondFactorStatus)]
pub struct Status {
    /// In force.
    pub enrolled: bool,
    /// Their role needs one.
    pub required: bool,
    /// Recovery codes not used yet.
    pub recovery_left: i64,
}

pub async fn status(app: &App, who: &Principal) -> Result<Status> {
    let sf = app.store.second_factor(who.user.id).await?;
    Ok(Status {
        enrolled: who.user.second_factor,
        required: required(app, who),
        recovery_left: sf.recovery_left,
    })
}

/// Takes a code of the account's app, or one of its recovery codes, once:
/// false when it does not match or was used already.
pub(crate) async fn use_factor(app: &App, user_id: i64, typed: &str) -> Result<bool> {
    let sf = app.store.second_factor(user_id).await?;
    let Some(sealed) = sf.secret else { return Ok(false) };
    let now = app.now().timestamp_millis();
    let factor = if totp::is_code(typed) {
        match totp::matching_step(&open(app, &sealed)?, typed, now, sf.last_step) {
            Some(step) => Factor::Step(step),
            None => return Ok(false),
        }
    } else {
        Factor::Recovery(recovery_hash(typed))
    };
    Ok(app.store.use_second_factor(user_id, &factor, now).await?)
}

fn open(app: &App, sealed: &str) -> Result<Vec<u8>> {
    ::documents::keys::open(&app.document_secret, PURPOSE, sealed)
        .map_err(|e| Error::internal(format!("a second factor's secret: {e}")))
}

/// Ten recovery codes as shown (`abcde-fghjk`, no look-alike letters) and
/// the hashes kept.
fn recovery_codes() -> (Vec<String>, Vec<String>) {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut buf = [0u8; 10];
            getrandom::fill(&mut buf).expect("the OS random source is available");
            let c: String = buf.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
            format!("{}-{}", &c[..5], &c[5..])
        })
        .collect();
    let hashes = codes.iter().map(|c| recovery_hash(c)).collect();
    (codes, hashes)
}

/// A recovery code's hash, however it was typed (case, dashes, spaces).
fn recovery_hash(typed: &str) -> String {
    let folded: String =
        typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    hex::encode(Sha256::digest(folded.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_distinct_and_their_hash_ignores_how_they_are_typed() {
        let (codes, hashes) = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = hashes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        assert!(codes.iter().all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'), "{codes:?}");
        let typed = format!(" {} ", codes[0].to_uppercase().replace('-', " "));
        assert_eq!(recovery_hash(&typed), hashes[0]);
        assert_ne!(recovery_hash(&codes[1]), hashes[0]);
    }
}
