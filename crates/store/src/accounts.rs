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
    /// Changes an account, with its audit row, in one transaction; `None`
    /// when there is no such account. Every change but unlocking and a
    /// changed unit ends the account's sessions (what it may do changed);
    /// a move also hands its open cases back to their step's worklist.
    async fn change_user(&self, actor: &str, id: i64, change: &UserChange) -> Result<Option<User>>;
    /// The failed logins of a name: its lock from `address`, and how many
    /// failures from any address were recorded since `since`.
    async fn login_failures(&self, username: &str, address: &str, since: i64) -> Result<LoginFailures>;
    /// Counts a failed login of a name from an address, locking that pair
    /// when it reaches `lock_after` failures; a known account's failure (and
    /// lock) gets an audit row and is counted on its row (`failed_logins`,
    /// `locked_until`: what its admin sees). Rows a day old are dropped.
    async fn record_failed_login(&self, f: &FailedLogin<'_>) -> Result<()>;
    /// A login: the name's failures from this address are forgotten.
    async fn record_successful_login(&self, user_id: i64, address: &str) -> Result<()>;

    /// Records that an account acts for a position for a period, with its audit row.
    async fn record_acting(&self, actor: &str, a: &NewActing) -> Result<Acting>;
    /// The acting assignment of `username` that covers `at` (the latest
    /// begun, if several).
    async fn acting_now(&self, username: &str, at: i64) -> Result<Option<Acting>>;
    /// An office's acting assignments, newest first.
    async fn actings(&self, office: &str) -> Result<Vec<Acting>>;

    /// An account's second factor as kept (its secrets sealed).
    async fn second_factor(&self, user_id: i64) -> Result<SecondFactor>;
    /// Keeps an enrolment begun: a sealed secret awaiting its first code
    /// (no audit row: nothing is in force until [`UserChange::SecondFactor`]).
    async fn begin_second_factor(&self, user_id: i64, sealed: &str) -> Result<()>;
    /// Uses a factor once: a code's time step if it is later than the last
    /// one taken, or an unused recovery code (by its hash, audited). False
    /// when it was used already — two logins racing with one code, one wins.
    async fn use_second_factor(&self, user_id: i64, factor: &Factor, now: i64) -> Result<bool>;

    async fn create_session(&self, session: &Session) -> Result<()>;
    /// A live (unexpired) session with its active user.
    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<(Session, User)>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
}

/// One change to an account (the admin's, the CLI's, or the holder's own
/// new password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserChange {
    /// Turned off (cannot log in) or back on.
    Active(bool),
    /// A new password hash; `temporary` when an admin reset it and its holder
    /// must choose their own.
    Password {
        hash: String,
        temporary: bool,
    },
    Role(domain::Role),
    Unit(Option<String>),
    /// Mutasi to another office.
    Office(String),
    /// Clears failed logins and the lock.
    Unlock,
    /// The second factor confirmed with a first code: its sealed secret,
    /// that code's time step (used), and the hashes of new recovery codes.
    SecondFactor {
        sealed: String,
        step: i64,
        recovery: Vec<String>,
    },
    /// New recovery codes (their hashes) replace the old ones.
    RecoveryCodes(Vec<String>),
    /// An admin takes the second factor away (a lost phone): the holder
    /// enrols again at the next login.
    SecondFactorReset,
}

/// An account's second factor as the store keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecondFactor {
    /// The TOTP secret in force, sealed.
    pub secret: Option<String>,
    /// An enrolment begun and not confirmed, sealed.
    pub pending: Option<String>,
    /// The time step of the last code accepted.
    pub last_step: Option<i64>,
    /// Recovery codes not used yet.
    pub recovery_left: i64,
}

/// A second factor as given at login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Factor {
    /// The time step a TOTP code matched.
    Step(i64),
    /// The SHA-256 of a recovery code.
    Recovery(String),
}

impl UserChange {
    /// The audit action and detail of the change (never a password hash).
    pub fn audit(&self) -> (&'static str, String) {
        match self {
            UserChange::Active(true) => ("user.activate", String::new()),
            UserChange::Active(false) => ("user.deactivate", String::new()),
            UserChange::Password { temporary: true, .. } => ("user.password_reset", "temporary".into()),
            UserChange::Password { temporary: false, .. } => ("user.password_change", String::new()),
            UserChange::Role(r) => ("user.role", format!("role {r}")),
            UserChange::Unit(u) => ("user.unit", format!("unit {}", u.as_deref().unwrap_or("-"))),
            UserChange::Office(o) => ("user.move", format!("office {o}")),
            UserChange::Unlock => ("user.unlock", String::new()),
            UserChange::SecondFactor { recovery, .. } => {
                ("user.second_factor", format!("enrolled, {} recovery codes", recovery.len()))
            }
            UserChange::RecoveryCodes(c) => ("user.recovery_codes", format!("{} new", c.len())),
            UserChange::SecondFactorReset => ("user.second_factor_reset", String::new()),
        }
    }

    /// Whether the account's sessions end with the change.
    pub fn ends_sessions(&self) -> bool {
        // Enrolling keeps the session it was done in; a reset ends them all.
        !matches!(
            self,
            UserChange::Active(true)
                | UserChange::Unit(_)
                | UserChange::Unlock
                | UserChange::SecondFactor { .. }
                | UserChange::RecoveryCodes(_)
        )
    }
}

/// Someone acting for a position (Plt./Plh.) for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Acting {
    pub id: i64,
    pub office: String,
    /// Who acts.
    pub username: String,
    /// The position's role (kepala_dinas, validator for a Kabid, verifikator for a Kasi).
    #[sqlx(try_from = "String")]
    pub role: domain::Role,
    /// `plt` (pelaksana tugas: the post is vacant or its holder away long)
    /// or `plh` (pelaksana harian: a few days).
    pub kind: String,
    /// The official they stand in for, when there is one.
    pub for_username: Option<String>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub created_by: String,
    pub created_at: i64,
}

impl Acting {
    /// `Plt.` or `Plh.`, as printed before the title.
    pub fn prefix(&self) -> &'static str {
        if self.kind == "plh" { "Plh." } else { "Plt." }
    }

    /// What the journal and audit rows say: `Plt. kepala_dinas for siti`.
    pub fn describe(&self) -> String {
        match &self.for_username {
            Some(f) => format!("{} {} for {f}", self.prefix(), self.role),
            None => format!("{} {}", self.prefix(), self.role),
        }
    }
}

/// An acting assignment to record.
#[derive(Debug, Clone)]
pub struct NewActing {
    pub office: String,
    pub username: String,
    pub role: domain::Role,
    pub kind: String,
    pub for_username: Option<String>,
    pub starts_at: i64,
    pub ends_at: i64,
}

/// What `Accounts::login_failures` finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginFailures {
    /// The name is locked for this address until then.
    pub locked_until: Option<i64>,
    /// Failures of the name from every address in the window asked for.
    pub recent: i64,
}

/// One failed login.
#[derive(Debug, Clone)]
pub struct FailedLogin<'a> {
    /// The name as tried (an account's username or not).
    pub username: &'a str,
    pub address: &'a str,
    /// The account it names, if any (its failure is audited).
    pub user_id: Option<i64>,
    pub now: i64,
    pub lock_after: i32,
    pub lock_until: i64,
}
