//! Errors as the contract says: `{"error": {"code", "message", "field"?}}`
//! with a fitting 4xx status for bad input; a 500 only for our own faults,
//! whose details go to the log, not to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// `invalid`, `not_found`, `unauthorized`, `forbidden`, `conflict`,
    /// `stale_version`, `rate_limited`, ... (stable; clients branch on it).
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, body: ErrorBody { code, message: message.into(), field: None } }
    }

    /// Bad input in one field: 422 with the field named.
    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message);
        e.body.field = Some(field.to_string());
        e
    }

    /// Names the field the error is about.
    pub fn with_field(mut self, field: &str) -> ApiError {
        self.body.field = Some(field.to_string());
        self
    }

    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", what)
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "login required")
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn too_many() -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many attempts; wait a minute and try again",
        )
    }

    pub fn internal() -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; it has been logged")
    }
}

/// The one mapping of the application's errors to the HTTP contract.
impl From<app::Error> for ApiError {
    fn from(e: app::Error) -> ApiError {
        use app::Error as E;
        let message = e.to_string();
        let (status, code) = match &e {
            E::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            E::NotAllowed(_) => (StatusCode::UNPROCESSABLE_ENTITY, "not_allowed"),
            E::TooEarly { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "too_early"),
            E::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            E::Unauthorized => return ApiError::unauthorized(),
            E::LoginFailed => (StatusCode::UNAUTHORIZED, "login_failed"),
            E::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            E::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            E::Stale(_) => (StatusCode::CONFLICT, "stale_version"),
            E::Unavailable(detail) => {
                tracing::warn!(error = %detail, "write not made");
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            }
            // Logged where it happened (`app::Error::internal`).
            E::Internal(_) => return ApiError::internal(),
        };
        let mut out = ApiError::new(status, code, message);
        out.body.field = e.field().map(str::to_string);
        out
    }
}

/// Store errors met directly by a handler take the same road.
impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> ApiError {
        app::Error::from(e).into()
    }
}

/// The body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorResponse { error: self.body })).into_response()
    }
}

/// The same error for a human: a small HTML page in the site's style.
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl<E: Into<ApiError>> From<E> for PageError {
    fn from(e: E) -> PageError {
        PageError(e.into())
    }
}

impl PageError {
    /// A refusal a form shows on its own page: its status and the message
    /// naming the field; a server error stays an error page.
    pub fn refusal(e: impl Into<ApiError>) -> Result<(StatusCode, String), PageError> {
        let e = e.into();
        if !e.status.is_client_error() {
            return Err(PageError(e));
        }
        let message = match &e.body.field {
            Some(f) => format!("{f}: {}", e.body.message),
            None => e.body.message.clone(),
        };
        Ok((e.status, message))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        let html = format!(
            "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
             content=\"width=device-width, initial-scale=1\"><title>{status}</title>\
             <link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main>\
             <h1>{status}</h1><p>{msg}</p><p><a href=\"/\">Beranda / Home</a></p></main></body></html>",
            status = e.status,
            msg = escape(&e.body.message)
        );
        (e.status, Html(html)).into_response()
    }
}

/// Minimal HTML escaping for the hand-built error page.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
