//! Accounts and sessions: argon2id passwords, random session tokens (only
//! their SHA-256 is stored), cookie or bearer authentication, CSRF tokens
//! for cookie sessions, login rate limits and account lockout.
//!
//! Argon2id parameters are the argon2 crate's defaults, which follow OWASP's
//! recommendation: m = 19 MiB, t = 2, p = 1.

use crate::error::ApiError;
use crate::state::AppState;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use domain::Role;
use sha2::{Digest, Sha256};
use store::{Session, User, now_ms};

pub const SESSION_COOKIE: &str = "layanan_session";
/// Minimum password length; long passphrases beat complexity rules (NIST 800-63B).
pub const MIN_PASSWORD_LEN: usize = 12;

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        ApiError::internal()
    })
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Checks the password policy; the message names what is wrong.
pub fn check_password_policy(password: &str, username: &str) -> Result<(), String> {
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

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when configured.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// The client address used for rate limits: the socket address, or the
/// configured proxy header when the operator trusts a reverse proxy.
pub fn client_ip(
    parts_headers: &HeaderMap,
    socket: Option<std::net::SocketAddr>,
    header: Option<&str>,
) -> String {
    if let Some(h) = header
        && let Some(v) = parts_headers.get(h).and_then(|v| v.to_str().ok())
        && let Some(first) = v.split(',').next()
    {
        return first.trim().to_string();
    }
    socket.map(|s| s.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

/// An authenticated user and how they authenticated.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub role: Role,
    pub session: Session,
    /// True for cookie sessions, which need a CSRF token on writes.
    pub via_cookie: bool,
}

impl CurrentUser {
    /// A staff member acting from the server itself (demo seeding), not
    /// through a request: no session, no CSRF token.
    pub fn internal(user: User) -> Option<CurrentUser> {
        let role = user.role.parse::<Role>().ok()?;
        let session = Session {
            token_hash: String::new(),
            user_id: user.id,
            csrf_token: String::new(),
            created_at: 0,
            expires_at: 0,
        };
        Some(CurrentUser { user, role, session, via_cookie: false })
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// Allows the request only for one of `roles` at `office`: staff act in
    /// their own office only (a Jepara verifikator never sees Palangka Raya).
    pub fn require(&self, roles: &[Role], office: &str) -> Result<(), ApiError> {
        if !roles.contains(&self.role) {
            return Err(ApiError::forbidden(format!("the role `{}` may not do this", self.role)));
        }
        if self.user.office != office {
            return Err(ApiError::forbidden(format!("this belongs to office {office}, not to your office")));
        }
        Ok(())
    }

    /// The CSRF check of an API write: the token in the `x-csrf-token` header.
    pub fn check_csrf_header(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        self.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))
    }

    /// Checks the CSRF token of a cookie session; bearer clients pass.
    pub fn check_csrf(&self, token: Option<&str>) -> Result<(), ApiError> {
        if !self.via_cookie || token.is_some_and(|t| constant_time_eq(t, &self.session.csrf_token)) {
            Ok(())
        } else {
            Err(ApiError::forbidden("missing or wrong CSRF token; reload the page and try again"))
        }
    }
}

/// The double-submit cookie of forms shown before login (login, public
/// applications, tracking actions).
pub const FORM_CSRF_COOKIE: &str = "form_csrf";

/// The token for a pre-session form: the visitor's existing one (so several
/// tabs keep working), or a new one with the `Set-Cookie` to send.
pub fn form_token(headers: &HeaderMap, secure: bool) -> (String, Option<String>) {
    match cookie(headers, FORM_CSRF_COOKIE)
        .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        Some(t) => (t, None),
        None => {
            let t = random_hex(16);
            let c = set_cookie(FORM_CSRF_COOKIE, &t, 24 * 3600, secure);
            (t, Some(c))
        }
    }
}

/// A pre-session form post must carry the token of its cookie and must not
/// come from another site (browsers say so in `Sec-Fetch-Site`).
pub fn check_form_token(headers: &HeaderMap, submitted: &str) -> Result<(), ApiError> {
    let cross_site =
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v == "cross-site");
    let expected = cookie(headers, FORM_CSRF_COOKIE).unwrap_or_default();
    if cross_site || expected.is_empty() || !constant_time_eq(&expected, submitted) {
        return Err(ApiError::forbidden("the form expired or came from another site; open the page again"));
    }
    Ok(())
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `Option<CurrentUser>`-like extractor that never rejects: public pages
/// show more to staff but work for everyone.
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S> FromRequestParts<S> for MaybeUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let state = AppState::from_ref(state);
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_string);
        let (token, via_cookie) = match bearer {
            Some(t) => (Some(t), false),
            None => (cookie(&parts.headers, SESSION_COOKIE), true),
        };
        let Some(token) = token else {
            return Ok(MaybeUser(None));
        };
        let Some((session, user)) = state.store.session(&token_hash(&token), now_ms()).await? else {
            return Ok(MaybeUser(None));
        };
        let Ok(role) = user.role.parse::<Role>() else {
            tracing::error!(user = user.id, "stored role is not a known role");
            return Ok(MaybeUser(None));
        };
        Ok(MaybeUser(Some(CurrentUser { user, role, session, via_cookie })))
    }
}

impl<S> FromRequestParts<S> for CurrentUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        MaybeUser::from_request_parts(parts, state).await?.0.ok_or_else(ApiError::unauthorized)
    }
}

/// A successful login: the bearer token (also the cookie value).
pub struct LoggedIn {
    pub token: String,
    pub session: Session,
}

/// Checks credentials with rate limit and lockout, and opens a session.
/// Every failure gives the same message, so it does not reveal whether an
/// account exists.
pub async fn login(
    state: &AppState,
    client: &str,
    username: &str,
    password: &str,
) -> Result<LoggedIn, ApiError> {
    if !state.login_limiter.allow(client) {
        return Err(ApiError::too_many());
    }
    let failed = || {
        ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "login_failed",
            "wrong username or password, or the account is locked",
        )
    };
    let Some((user, phc)) = state.store.user_for_login(username).await? else {
        // Spend the same time as a real check so timing does not tell.
        let _ = verify_password(password, DUMMY_HASH);
        return Err(failed());
    };
    let now = now_ms();
    if !user.active || user.locked_until.is_some_and(|t| t > now) {
        return Err(failed());
    }
    let ok = {
        let (p, h) = (password.to_string(), phc);
        tokio::task::spawn_blocking(move || verify_password(&p, &h)).await.unwrap_or(false)
    };
    if !ok {
        let cfg = &state.config;
        let lock = (user.failed_logins + 1 >= cfg.lockout_after).then(|| now + cfg.lockout_minutes * 60_000);
        state.store.record_failed_login(user.id, lock).await?;
        return Err(failed());
    }
    state.store.record_successful_login(user.id).await?;
    let token = random_hex(32);
    let session = Session {
        token_hash: token_hash(&token),
        user_id: user.id,
        csrf_token: random_hex(16),
        created_at: now,
        expires_at: now + state.config.session_hours * 3_600_000,
    };
    state.store.create_session(&session).await?;
    Ok(LoggedIn { token, session })
}

/// A valid argon2id hash of a random string, for equal-time failures.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Yk1u2Uu1hV0mT3S5H2P9m3Wc6mYqQ9m9C3b3bY3Q0vU";

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; layanan_session=abc; lang=en".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "lang").as_deref(), Some("en"));
        assert_eq!(cookie(&h, "nope"), None);
    }
}
