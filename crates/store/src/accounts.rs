//! Staff and institution accounts, login bookkeeping and sessions.

#[allow(unused_imports)]
use crate::*;

/// Staff and institution accounts, login bookkeeping and sessions.
#[async_trait::async_trait]
pub trait Accounts: Send + Sync {
    async fn create_user(&self, actor: &str, user: &NewUser) -> Result<User>;
    async fn user(&self, id: i64) -> Result<Option<User>>;
    /// The user and their password hash, for login only.
    async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>>;
    async fn users(&self, office: Option<&str>) -> Result<Vec<User>>;
    async fn user_count(&self) -> Result<i64>;
    /// Turns an account on or off; turning it off also ends its sessions.
    /// `None` when there is no such account.
    async fn set_user_active(&self, actor: &str, id: i64, active: bool) -> Result<Option<User>>;
    /// Counts a failed login and locks the account until `lock_until` when given.
    async fn record_failed_login(&self, user_id: i64, lock_until: Option<i64>) -> Result<()>;
    async fn record_successful_login(&self, user_id: i64) -> Result<()>;

    async fn create_session(&self, session: &Session) -> Result<()>;
    /// A live (unexpired) session with its active user.
    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<(Session, User)>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
}
