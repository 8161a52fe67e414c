//! Accounts: argon2id passwords, the password policy, logins with account
//! lockout and sessions (only a token's SHA-256 is stored), and the
//! [`Principal`] every service acts for.
//!
//! Argon2id parameters are the argon2 crate's defaults, which follow OWASP's
//! recommendation: m = 19 MiB, t = 2, p = 1.

use crate::{App, Error, Result};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use domain::Role;
use sha2::{Digest, Sha256};
use store::{NewActing, NewUser, Session, Store, User, UserChange};

/// Minimum password length; long passphrases beat complexity rules (NIST 800-63B).
pub const MIN_PASSWORD_LEN: usize = 12;

/// An authenticated account and its role, parsed once: who a service acts for.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    /// The role it acts in: its own, or the position it acts for now.
    pub role: Role,
    /// The position it acts for now (Plt./Plh.), if any.
    pub acting: Option<store::Acting>,
}

impl Principal {
    pub fn of(user: User) -> Principal {
        Principal { role: user.role, user, acting: None }
    }

    /// The account as it acts at `now`: in the role of a position it acts
    /// for (Plt./Plh.), with that position's worklist and signature.
    pub async fn at(store: &dyn Store, user: User, now: i64) -> Result<Principal> {
        let acting = store.acting_now(&user.username, now).await?;
        Ok(Principal { role: acting.as_ref().map_or(user.role, |a| a.role), user, acting })
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// Allows the call only for one of `roles` at `office`: staff act in
    /// their own office only (a Jepara verifikator never sees Palangka Raya).
    pub fn require(&self, roles: &[Role], office: &str) -> Result<()> {
        if !roles.contains(&self.role) {
            return Err(Error::forbidden(format!("the role `{}` may not do this", self.role)));
        }
        self.require_office(office)
    }

    /// Refuses an account of another office.
    pub fn require_office(&self, office: &str) -> Result<()> {
        if self.user.office != office {
            return Err(Error::forbidden(format!("this belongs to office {office}, not to your office")));
        }
        Ok(())
    }
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("password hashing failed: {e}")))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Hashes off the async threads: argon2 takes tens of milliseconds on purpose.
pub async fn hash_password_blocking(password: &str) -> Result<String> {
    let p = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&p))
        .await
        .map_err(|e| Error::internal(format!("hashing task: {e}")))?
}

/// Checks a password off the async threads (argon2 is slow on purpose).
async fn verify_password_blocking(password: &str, phc: String) -> bool {
    let p = password.to_string();
    tokio::task::spawn_blocking(move || verify_password(&p, &phc)).await.unwrap_or(false)
}

/// Checks the password policy; the message names what is wrong.
pub fn check_password_policy(password: &str, username: &str) -> std::result::Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!("password must have at least {MIN_PASSWORD_LEN} characters"));
    }
    if password.to_lowercase().contains(&username.to_lowercase()) {
        return Err("password must not contain the username".into());
    }
    Ok(())
}

/// `n` random bytes from the OS as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("the OS random source is available");
    hex::encode(buf)
}

/// A random password for demo accounts: 20 characters from an alphabet
/// without look-alikes (no 0/O, 1/l/I).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 20];
    getrandom::fill(&mut buf).expect("the OS random source is available");
    buf.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// What a person types to log in.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The second factor, when the account has one: a code of its
    /// authenticator app or one of its recovery codes.
    pub code: Option<&'a str>,
}

/// The answer to a right password without the code its account needs.
pub const CODE_ASKED: &str =
    "this account has a second factor: type the 6-digit code its authenticator app shows, or a recovery code";

/// A successful login: the bearer token (also the cookie value).
pub struct LoggedIn {
    pub token: String,
    pub session: Session,
    /// Whose session it is (a temporary password must be changed first).
    pub user: User,
}

/// Checks credentials and opens a session. Every failure is
/// `LoginFailed` and takes the same path — the name's failures read, the
/// slowdown slept, the account read, a password check off the async
/// threads, the failure recorded — whether the name is unknown, the
/// account off or locked, or the password wrong, so neither the answer nor
/// its time tells which. A name's failures from one address lock it for
/// that address only (a stranger cannot lock staff out of their office);
/// its failures from every address slow each answer for it down
/// ([`slowdown`]). (The per-address rate limit is the caller's: it knows
/// the address.)
pub async fn login(app: &App, credentials: &Credentials<'_>, address: &str) -> Result<LoggedIn> {
    let Credentials { username, password, code } = *credentials;
    let cfg = &app.config;
    let now = app.now().timestamp_millis();
    let name = failure_key(username);
    let window = cfg.lockout_minutes * 60_000;
    let failures = app.store.login_failures(&name, address, now - window).await?;
    tokio::time::sleep(slowdown(failures.recent, cfg.lockout_after)).await;
    let locked = failures.locked_until.is_some_and(|t| t > now);
    let found = app.store.user_for_login(username).await?;
    let (user, phc) = match found {
        Some((user, phc)) if user.active && !locked => (user, phc),
        other => {
            let phc = other.as_ref().map_or(DUMMY_HASH.to_string(), |(_, phc)| phc.clone());
            let _ = verify_password_blocking(password, phc).await;
            let user_id = other.map(|(u, _)| u.id);
            return Err(failed(app, &name, address, user_id, now).await);
        }
    };
    if !verify_password_blocking(password, phc).await {
        return Err(failed(app, &name, address, Some(user.id), now).await);
    }
    if user.second_factor {
        // Only someone who knows the password learns that a code is asked.
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            return Err(Error::invalid("code", CODE_ASKED));
        };
        if !crate::second_factor::use_factor(app, user.id, code).await? {
            return Err(failed(app, &name, address, Some(user.id), now).await);
        }
    }
    app.store.record_successful_login(user.id, address).await?;
    let token = random_hex(32);
    let session = Session {
        token_hash: token_hash(&token),
        user_id: user.id,
        csrf_token: random_hex(16),
        created_at: now,
        expires_at: now + cfg.session_hours * 3_600_000,
    };
    app.store.create_session(&session).await?;
    Ok(LoggedIn { token, session, user })
}

/// Records a failed login; the answer is `LoginFailed` whatever happens.
async fn failed(app: &App, name: &str, address: &str, user_id: Option<i64>, now: i64) -> Error {
    let cfg = &app.config;
    let f = store::FailedLogin {
        username: name,
        address,
        user_id,
        now,
        lock_after: cfg.lockout_after,
        lock_until: now + cfg.lockout_minutes * 60_000,
    };
    match app.store.record_failed_login(&f).await {
        Ok(()) => Error::LoginFailed,
        Err(e) => e.into(),
    }
}

/// How a tried name is counted: trimmed, lower case, at most 100
/// characters (a stranger's long names do not grow the table).
fn failure_key(username: &str) -> String {
    username.trim().to_lowercase().chars().take(100).collect()
}

/// How long every answer for a name waits once it has failed `after`
/// times in the window, from any address: a quarter second, doubling with
/// each further failure, at most eight. A guesser spread over many
/// addresses gets slower; the person whose name it is still gets in.
pub fn slowdown(recent: i64, after: i32) -> std::time::Duration {
    let over = recent - i64::from(after);
    if over < 0 {
        return std::time::Duration::ZERO;
    }
    std::time::Duration::from_millis(250u64.saturating_mul(1 << over.min(5) as u32).min(8_000))
}

/// The live session of a token and who it belongs to.
pub async fn session(app: &App, token: &str) -> Result<Option<(Session, Principal)>> {
    let now = app.now().timestamp_millis();
    let Some((session, user)) = app.store.session(&token_hash(token), now).await? else {
        return Ok(None);
    };
    Ok(Some((session, Principal::at(app.store.as_ref(), user, now).await?)))
}

/// A staff account to open: what an office admin types on the accounts
/// page, or what `layanan user add` is given.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    /// Defaults to the username.
    pub display_name: Option<String>,
    pub role: Role,
    pub office: String,
    pub unit: Option<String>,
    /// NIP, printed on the letters the account signs.
    pub nip: Option<String>,
    pub password: String,
}

/// A username as typed, trimmed: 1 to 64 letters, digits, `.`, `_` or `-`.
pub fn check_username(typed: &str) -> Result<String> {
    let username = typed.trim().to_string();
    if username.is_empty()
        || username.len() > 64
        || !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(Error::invalid("username", "use 1 to 64 letters, digits, '.', '_' or '-'"));
    }
    Ok(username)
}

/// Checks a new account (each error names its field: `username`, `nip`,
/// `password`, `office`), hashes its password and stores it. `actor` is who
/// opens it, for the audit log. Used by the CLI, which has no principal;
/// staff go through [`open_account`].
pub async fn create_account(store: &dyn Store, actor: &str, a: NewAccount) -> Result<User> {
    let username = check_username(&a.username)?;
    let nip = a.nip.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if let Some(n) = &nip
        && (n.chars().filter(char::is_ascii_digit).count() != 18
            || !n.chars().all(|c| c.is_ascii_digit() || c == ' '))
    {
        return Err(Error::invalid("nip", "a NIP has 18 digits (e.g. `19650805 199203 0 017`)"));
    }
    check_password_policy(&a.password, &username).map_err(|m| Error::invalid("password", m))?;
    if store.office(&a.office).await?.is_none() {
        return Err(Error::invalid("office", format!("no office with code `{}`", a.office)));
    }
    let unit = a.unit.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    check_unit(store, &a.office, a.role, unit.as_deref()).await?;
    let display_name = a.display_name.map(|d| d.trim().to_string()).filter(|d| !d.is_empty());
    let user = NewUser {
        display_name: display_name.unwrap_or_else(|| username.clone()),
        username,
        password_hash: hash_password_blocking(&a.password).await?,
        role: a.role,
        office: a.office,
        unit,
        nip,
    };
    Ok(store.create_user(actor, &user).await?)
}

/// An office admin opens a staff account in their own office.
pub async fn open_account(app: &App, who: &Principal, a: NewAccount) -> Result<User> {
    who.require(&[Role::Admin], &a.office)?;
    create_account(app.store.as_ref(), &who.user.username, a).await
}

/// What an admin (or the CLI) changes on an account; a password reset is
/// [`reset_password`], since it makes the password.
#[derive(Debug, Clone)]
pub enum AccountChange {
    Active(bool),
    Role(Role),
    Unit(Option<String>),
    /// Mutasi to another office.
    Office(String),
    Unlock,
    /// Takes the second factor away (a lost phone): the holder enrols
    /// again at the next login.
    SecondFactorReset,
}

/// Checks a change (each error names its field) and turns it into the
/// store's; `user` is the account as it is.
async fn checked(store: &dyn Store, user: &User, change: AccountChange) -> Result<UserChange> {
    Ok(match change {
        AccountChange::Active(a) => UserChange::Active(a),
        AccountChange::Role(r) => UserChange::Role(r),
        AccountChange::Unit(u) => {
            let u = u.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
            check_unit(store, &user.office, user.role, u.as_deref()).await?;
            UserChange::Unit(u)
        }
        AccountChange::Office(o) => {
            let o = o.trim().to_string();
            if o == user.office {
                return Err(Error::invalid("office", format!("the account is already at office {o}")));
            }
            if store.office(&o).await?.is_none() {
                return Err(Error::invalid("office", format!("no office with code `{o}`")));
            }
            UserChange::Office(o)
        }
        AccountChange::Unlock => UserChange::Unlock,
        AccountChange::SecondFactorReset => UserChange::SecondFactorReset,
    })
}

/// A unit must be one of the office's (`units` in its office.toml), when
/// the office lists any; a village kiosk's account (`desa`) names its
/// village instead: a desa/kelurahan code of the office's region.
async fn check_unit(store: &dyn Store, office: &str, role: Role, unit: Option<&str>) -> Result<()> {
    if role == Role::Desa {
        let village = unit.filter(|u| u.starts_with(&format!("{office}.")) && u.split('.').count() == 4);
        let named = match village {
            Some(code) => store.region(code).await?.is_some(),
            None => false,
        };
        if !named {
            return Err(Error::invalid(
                "unit",
                format!(
                    "a kiosk account names its village: a desa/kelurahan code of {office} (e.g. {office}.01.2001)"
                ),
            ));
        }
        return Ok(());
    }
    let Some(unit) = unit else { return Ok(()) };
    let units = store.office(office).await?.map(|o| o.units).unwrap_or_default();
    if units.is_empty() || units.iter().any(|u| u == unit) {
        Ok(())
    } else {
        Err(Error::invalid(
            "unit",
            format!("office {office} has no unit `{unit}` (its units: {})", units.join(", ")),
        ))
    }
}

/// The CLI's change of the account `username`, for `actor` (whoever runs it
/// on the server).
pub async fn change_by_name(
    store: &dyn Store,
    actor: &str,
    username: &str,
    change: AccountChange,
) -> Result<User> {
    let user = by_name(store, username).await?;
    let change = checked(store, &user, change).await?;
    store.change_user(actor, user.id, &change).await?.ok_or_else(|| missing_name(username))
}

fn missing_name(username: &str) -> Error {
    Error::not_found(format!("no account `{username}`"))
}

async fn by_name(store: &dyn Store, username: &str) -> Result<User> {
    Ok(store.user_for_login(username).await?.ok_or_else(|| missing_name(username))?.0)
}

/// The account `id` of the admin's office; another office's is answered
/// like a missing one.
pub async fn admins_account(app: &App, who: &Principal, id: i64) -> Result<User> {
    let missing = || Error::not_found(format!("no account {id}"));
    let user = app.store.user(id).await?.ok_or_else(missing)?;
    who.require(&[Role::Admin], &user.office).map_err(|_| missing())?;
    Ok(user)
}

/// An office admin changes an account of their office: turns it off (its
/// sessions end at once) or on, changes its role or unit, moves it to
/// another office (its open cases go back to the worklist), unlocks it or
/// resets its second factor.
/// Nobody turns off, demotes or moves their own account (an office keeps
/// its admin).
pub async fn change(app: &App, who: &Principal, id: i64, change: AccountChange) -> Result<User> {
    let user = admins_account(app, who, id).await?;
    if user.id == who.user.id {
        let field = match change {
            AccountChange::Active(false) => Some("active"),
            AccountChange::Role(r) if r != Role::Admin => Some("role"),
            AccountChange::Office(_) => Some("office"),
            AccountChange::SecondFactorReset => Some("second_factor"),
            _ => None,
        };
        if let Some(f) = field {
            return Err(Error::invalid(f, "you cannot do this to your own account; ask another admin"));
        }
    }
    let change = checked(app.store.as_ref(), &user, change).await?;
    app.store
        .change_user(&who.user.username, id, &change)
        .await?
        .ok_or_else(|| Error::not_found("no account"))
}

/// A reset password: shown once to whoever reset it, to hand over on paper;
/// its holder must change it at the next login.
pub struct TemporaryPassword {
    pub user: User,
    pub password: String,
}

async fn reset(store: &dyn Store, actor: &str, user: &User) -> Result<TemporaryPassword> {
    let password = random_password();
    let change = UserChange::Password { hash: hash_password_blocking(&password).await?, temporary: true };
    let user =
        store.change_user(actor, user.id, &change).await?.ok_or_else(|| missing_name(&user.username))?;
    Ok(TemporaryPassword { user, password })
}

/// An office admin resets a password of their office (not their own: that
/// is [`change_own_password`]). The account's sessions end.
pub async fn reset_password(app: &App, who: &Principal, id: i64) -> Result<TemporaryPassword> {
    let user = admins_account(app, who, id).await?;
    if user.id == who.user.id {
        return Err(Error::invalid("id", "change your own password on your account page"));
    }
    reset(app.store.as_ref(), &who.user.username, &user).await
}

/// `layanan user reset-password`.
pub async fn reset_password_by_name(
    store: &dyn Store,
    actor: &str,
    username: &str,
) -> Result<TemporaryPassword> {
    reset(store, actor, &by_name(store, username).await?).await
}

/// The holder of an account chooses a new password, giving the current one
/// (a temporary one included). Their other sessions end; this one is
/// replaced by the caller (a new login).
pub async fn change_own_password(app: &App, who: &Principal, current: &str, new: &str) -> Result<User> {
    let (_, phc) = app.store.user_for_login(&who.user.username).await?.ok_or(Error::Unauthorized)?;
    let ok = verify_password_blocking(current, phc).await;
    if !ok {
        return Err(Error::invalid("current", "the current password is not right"));
    }
    check_password_policy(new, &who.user.username).map_err(|m| Error::invalid("password", m))?;
    if new == current {
        return Err(Error::invalid("password", "choose a password different from the current one"));
    }
    let change = UserChange::Password { hash: hash_password_blocking(new).await?, temporary: false };
    let actor = who.user.username.clone();
    app.store.change_user(&actor, who.user.id, &change).await?.ok_or(Error::Unauthorized)
}

/// Positions someone may act for: Kepala Dinas, a Kabid (validator), a
/// Kasi (verifikator).
pub const ACTING_POSITIONS: [Role; 3] = [Role::KepalaDinas, Role::Validator, Role::Verifikator];

/// An acting assignment an admin records.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActingInput {
    /// Who acts (an active account of the admin's office).
    pub username: String,
    /// The position's role: `kepala_dinas`, `validator` (Kabid) or `verifikator` (Kasi).
    pub role: Role,
    /// `plt` or `plh`.
    pub kind: String,
    /// The official they stand in for, if any (an account of the office holding that role).
    #[serde(default)]
    pub for_username: Option<String>,
    /// First and last day, `YYYY-MM-DD` (whole days in the office's time).
    pub starts_on: String,
    pub ends_on: String,
}

/// The active account `name` of `office`, if there is one.
async fn account_in(app: &App, office: &str, name: &str) -> Result<Option<User>> {
    let found = app.store.user_for_login(name.trim()).await?;
    Ok(found.map(|(u, _)| u).filter(|u| u.office == office && u.active))
}

/// An office admin records that someone acts for a position for whole
/// days; each error names its field.
pub async fn record_acting(app: &App, who: &Principal, a: ActingInput) -> Result<store::Acting> {
    let office = who.user.office.clone();
    who.require(&[Role::Admin], &office)?;
    let user = account_in(app, &office, &a.username)
        .await?
        .ok_or_else(|| Error::invalid("username", "no active account of this office by that name"))?;
    if !ACTING_POSITIONS.contains(&a.role) {
        return Err(Error::invalid(
            "role",
            "one acts for a Kepala Dinas, a Kabid (validator) or a Kasi (verifikator)",
        ));
    }
    if !matches!(a.kind.as_str(), "plt" | "plh") {
        return Err(Error::invalid("kind", "`plt` or `plh`"));
    }
    let for_username = match a.for_username.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) => {
            let holder = account_in(app, &office, f).await?.filter(|u| u.role == a.role);
            Some(
                holder
                    .ok_or_else(|| {
                        Error::invalid("for_username", "no account of this office holds that position")
                    })?
                    .username,
            )
        }
        None => None,
    };
    let day = |field: &str, d: &str| {
        chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .map_err(|_| Error::invalid(field, "a date as YYYY-MM-DD"))
    };
    let (first, last) = (day("starts_on", &a.starts_on)?, day("ends_on", &a.ends_on)?);
    if last < first {
        return Err(Error::invalid("ends_on", "the last day is before the first"));
    }
    let zone = crate::clock::office_zone(&office).offset();
    let midnight = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(zone).single()).map(|t| t.timestamp_millis())
    };
    let (Some(starts_at), Some(ends_at)) = (midnight(first), midnight(last + chrono::Days::new(1))) else {
        return Err(Error::invalid("starts_on", "not a day in the office's calendar"));
    };
    let new = NewActing {
        office,
        username: user.username,
        role: a.role,
        kind: a.kind,
        for_username,
        starts_at,
        ends_at,
    };
    Ok(app.store.record_acting(&who.user.username, &new).await?)
}

/// A valid argon2id hash of a random string, for equal-time failures.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Yk1u2Uu1hV0mT3S5H2P9m3Wc6mYqQ9m9C3b3bY3Q0vU";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slowdown_starts_at_the_lock_threshold_and_doubles_to_eight_seconds() {
        let ms = |recent| slowdown(recent, 5).as_millis();
        assert_eq!(
            [ms(0), ms(4), ms(5), ms(6), ms(7), ms(10), ms(1_000)],
            [0, 0, 250, 500, 1_000, 8_000, 8_000]
        );
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn policy_names_the_problem() {
        assert!(check_password_policy("short", "siti").unwrap_err().contains("12"));
        assert!(check_password_policy("siti-is-my-password", "siti").unwrap_err().contains("username"));
        assert!(check_password_policy(&random_password(), "siti").is_ok());
    }
}
