//! The application's errors: what went wrong in words a caller can act on.
//! No HTTP here; `web` maps each variant to a status once
//! (`crates/web/src/error.rs`), and the CLI prints the message.

use store::StoreError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// Bad input; `field` names it where one field is at fault.
    #[error("{message}")]
    Invalid { field: Option<String>, message: String },
    /// The action is not allowed in the case's current state.
    #[error("{0}")]
    NotAllowed(String),
    /// The step (or the case) cannot be finished before `earliest`: its
    /// standard promises a "minimal" / "paling cepat" time.
    #[error("{message}")]
    TooEarly { earliest: chrono::DateTime<chrono::Utc>, message: String },
    /// The caller's role or office may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The caller must log in first.
    #[error("login required")]
    Unauthorized,
    /// The same answer for a wrong password, an unknown user and a locked
    /// account, so it does not tell which.
    #[error("wrong username or password, or the account is locked")]
    LoginFailed,
    #[error("{0}")]
    NotFound(String),
    /// A uniqueness rule was broken (a username taken, a second revocation).
    #[error("{0}")]
    Conflict(String),
    /// Someone else changed the record first (optimistic lock).
    #[error("someone else changed this case meanwhile; reload it and try again")]
    Stale(String),
    /// The write was not made; the same request may be sent again.
    #[error("the change was not saved; please try again")]
    Unavailable(String),
    /// Our own fault; the detail is for the log, not for the caller.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Bad input in one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Error {
        Error::Invalid { field: Some(field.to_string()), message: message.into() }
    }

    pub fn not_found(what: impl Into<String>) -> Error {
        Error::NotFound(what.into())
    }

    pub fn forbidden(message: impl Into<String>) -> Error {
        Error::Forbidden(message.into())
    }

    /// Our own fault: logged here, once, where the detail is known.
    pub fn internal(detail: impl std::fmt::Display) -> Error {
        tracing::error!(error = %detail, "internal error");
        Error::Internal(detail.to_string())
    }

    /// The field the error is about, if one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } => field.as_deref(),
            Error::TooEarly { .. } => Some("action"),
            _ => None,
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        match e {
            StoreError::NotFound(m) => Error::NotFound(m),
            StoreError::Conflict(m) => Error::Conflict(m),
            StoreError::Invalid(m) => Error::Invalid { field: None, message: m },
            StoreError::Stale(m) => Error::Stale(m),
            StoreError::Unavailable(m) => Error::Unavailable(m),
            other => Error::internal(other),
        }
    }
}

impl From<domain::FieldError> for Error {
    fn from(e: domain::FieldError) -> Error {
        Error::Invalid { field: Some(e.field), message: e.message }
    }
}

impl From<domain::case::ActionError> for Error {
    fn from(e: domain::case::ActionError) -> Error {
        use domain::case::ActionError as A;
        match e {
            A::Forbidden(m) => Error::Forbidden(m),
            A::NotAllowed(m) => Error::NotAllowed(m),
            A::Invalid { field, message } => Error::invalid(field, message),
        }
    }
}
