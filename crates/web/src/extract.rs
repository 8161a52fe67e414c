//! Extractors for what handlers of one kind would otherwise each repeat:
//! reading a JSON body into the contract's errors, checking the CSRF token
//! of a change, counting a public request against its client's limit.

use crate::auth::{CurrentUser, MaybeUser};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;

/// A JSON body. One that cannot be read is the client's fault: 400, 415 or
/// 422 with the reason, in the contract's error shape, never a 500.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let Json(value) = Json::<T>::from_request(req, state).await.map_err(json_error)?;
        Ok(Body(value))
    }
}

/// Maps axum's JSON rejection to the contract's error.
pub(crate) fn json_error(e: JsonRejection) -> ApiError {
    let status = e.status();
    let code =
        if status == StatusCode::UNSUPPORTED_MEDIA_TYPE { "unsupported_media_type" } else { "bad_json" };
    ApiError::new(status, code, e.body_text())
}

/// A signed-in user making a change: for a cookie session the CSRF token
/// in the `x-csrf-token` header has been checked (bearer clients need none).
pub struct Changing(pub CurrentUser);

impl std::ops::Deref for Changing {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl<S> FromRequestParts<S> for Changing
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        user.check_csrf_header(&parts.headers)?;
        Ok(Changing(user))
    }
}

/// A change anyone may make, a citizen or staff entering it for someone
/// (a complaint, a survey response): a signed-in user's cookie session has
/// its CSRF header checked, as for [`Changing`].
pub struct MaybeChanging(pub Option<CurrentUser>);

impl<S> FromRequestParts<S> for MaybeChanging
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let MaybeUser(user) = MaybeUser::from_request_parts(parts, state).await?;
        if let Some(u) = &user {
            u.check_csrf_header(&parts.headers)?;
        }
        Ok(MaybeChanging(user))
    }
}

/// A public request, counted against its client's rate limit before the
/// handler runs (429 when over it).
pub struct PublicRate;

impl<S> FromRequestParts<S> for PublicRate
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let state = AppState::from_ref(state);
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.0);
        crate::auth::public_rate(&state, &parts.headers, addr)?;
        Ok(PublicRate)
    }
}
