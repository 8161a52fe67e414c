//! Who is asking: cookie or bearer sessions (the accounts themselves,
//! passwords and lockout are `app::accounts`), CSRF tokens for cookie
//! sessions and pre-session forms, the client address, and the login rate
//! limit per address.

use crate::error::ApiError;
use crate::state::AppState;
use app::Principal;
use app::accounts::random_hex;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use store::Session;

pub const SESSION_COOKIE: &str = "layanan_session";
/// Minimum password length; long passphrases beat complexity rules (NIST 800-63B).
pub const MIN_PASSWORD_LEN: usize = 12;

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

/// The client address used for rate limits and the access log: the socket
/// address, or, when the operator trusts a reverse proxy, the entry of its
/// header (`x-forwarded-for`) that the proxies wrote: `trusted` entries
/// from the right. Entries to the left of it came from the client and may
/// be anything.
pub fn client_ip(
    parts_headers: &HeaderMap,
    socket: Option<std::net::SocketAddr>,
    header: Option<&str>,
    trusted: usize,
) -> String {
    if let Some(h) = header
        && let Some(v) = parts_headers.get(h).and_then(|v| v.to_str().ok())
    {
        let entries: Vec<&str> = v.split(',').map(str::trim).filter(|e| !e.is_empty()).collect();
        if let Some(client) = entries.len().checked_sub(trusted.max(1)).and_then(|i| entries.get(i)) {
            return (*client).to_string();
        }
        if let Some(first) = entries.first() {
            return (*first).to_string();
        }
    }
    socket.map(|s| s.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

/// An authenticated user and how they authenticated. Reads as the
/// [`Principal`] it carries (`user.user`, `user.role`, `user.require(…)`).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub principal: Principal,
    pub session: Session,
    /// True for cookie sessions, which need a CSRF token on writes.
    pub via_cookie: bool,
}

impl std::ops::Deref for CurrentUser {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.principal
    }
}

impl CurrentUser {
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

pub use app::constant_time_eq;

/// `Option<CurrentUser>`-like extractor that never rejects: public pages
/// show more to staff but work for everyone.
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S> FromRequestParts<S> for MaybeUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;
    /// An account at a [`Gate`] (a temporary password, a second factor its
    /// role needs) counts as nobody here: it acts as staff nowhere until
    /// its holder is through (`CurrentUser` says so with the gate's error).
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let app = &AppState::from_ref(state).app;
        let user = session_user(parts, state).await?;
        Ok(MaybeUser(user.filter(|u| gate(app, u).is_none())))
    }
}

/// The session's user, if the request carries a live one.
async fn session_user<S>(parts: &Parts, state: &S) -> Result<Option<CurrentUser>, ApiError>
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
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
        return Ok(None);
    };
    let Some((session, principal)) = app::accounts::session(&state.app, &token).await? else {
        return Ok(None);
    };
    Ok(Some(CurrentUser { principal, session, via_cookie }))
}

impl<S> FromRequestParts<S> for CurrentUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let app = &AppState::from_ref(state).app;
        let user = session_user(parts, state).await?.ok_or_else(ApiError::unauthorized)?;
        if let Some(gate) = gate(app, &user)
            && !gate.paths.contains(&parts.uri.path())
        {
            return Err(ApiError::new(axum::http::StatusCode::FORBIDDEN, gate.code, gate.message));
        }
        Ok(user)
    }
}

/// What an account must do before anything else, and the only paths that
/// answer it meanwhile.
pub struct Gate {
    /// The error code every other path answers with.
    pub code: &'static str,
    pub message: &'static str,
    /// The page that does it (where a browser is sent).
    pub page: &'static str,
    pub paths: &'static [&'static str],
}

/// An account whose password an admin reset: its holder chooses their own.
pub const PASSWORD_CHANGE: Gate = Gate {
    code: "password_change_required",
    message: "your password is temporary: choose your own first (/akun/sandi)",
    page: "/akun/sandi",
    paths: &["/akun/sandi", "/api/v1/me/password", "/api/v1/me", "/logout", "/api/v1/logout"],
};

/// An account whose role needs a second factor and has none: its holder
/// enrols one (`app::second_factor`).
pub const SECOND_FACTOR_ENROLMENT: Gate = Gate {
    code: "second_factor_required",
    message: "your role needs a second factor: set one up first (/akun/faktor)",
    page: "/akun/faktor",
    paths: &[
        "/akun/faktor",
        "/api/v1/me/second-factor",
        "/api/v1/me/second-factor/confirm",
        "/api/v1/me",
        "/logout",
        "/api/v1/logout",
    ],
};

/// The gate `user` stands at, if any: a temporary password first, then a
/// missing second factor.
pub fn gate(app: &app::App, user: &Principal) -> Option<&'static Gate> {
    if user.user.must_change_password {
        Some(&PASSWORD_CHANGE)
    } else if app::second_factor::must_enrol(app, user) {
        Some(&SECOND_FACTOR_ENROLMENT)
    } else {
        None
    }
}

/// Counts a public request (form post, tracking, verification) against
/// its client's rate limit; `429` when over it.
pub(crate) fn public_rate(
    state: &AppState,
    headers: &HeaderMap,
    addr: std::net::SocketAddr,
) -> Result<(), ApiError> {
    let client = client_ip(
        headers,
        Some(addr),
        state.config.client_ip_header.as_deref(),
        state.config.trusted_proxies,
    );
    if state.public_limiter.allow(&client) { Ok(()) } else { Err(ApiError::too_many()) }
}

/// Checks credentials under the per-address rate limit and opens a
/// session (`app::accounts::login`: lockout, equal-time failures).
pub async fn login(
    state: &AppState,
    client: &str,
    credentials: &app::accounts::Credentials<'_>,
) -> Result<app::accounts::LoggedIn, ApiError> {
    if !state.login_limiter.allow(client) {
        return Err(ApiError::too_many());
    }
    Ok(app::accounts::login(&state.app, credentials, client).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; layanan_session=abc; lang=en".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "lang").as_deref(), Some("en"));
        assert_eq!(cookie(&h, "nope"), None);
    }
}
