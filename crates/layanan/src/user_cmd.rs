//! `layanan user add --username U --role ROLE --office CODE --password-stdin`,
//! `layanan user disable|enable|reset-password|unlock --username U`,
//! `layanan user set-role --username U --role ROLE [--unit UNIT]`,
//! `layanan user move --username U --office CODE`. Every change is audited
//! with the actor `cli`.

use crate::config::Config;
use app::accounts::{AccountChange, NewAccount};
use clap::Subcommand;
use domain::Role;
use std::io::Read;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a staff account; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// operator, verifikator, validator, kepala_dinas, ppid, complaint_handler, admin, auditor, lembaga
        #[arg(long)]
        role: String,
        /// The office's Kemendagri code, e.g. 33.20.
        #[arg(long)]
        office: String,
        /// Display name (defaults to the username).
        #[arg(long)]
        name: Option<String>,
        /// The unit (bidang/sekretariat) the role is bound to.
        #[arg(long)]
        unit: Option<String>,
        /// NIP (18 digits, spaces allowed), printed on the letters the user signs.
        #[arg(long)]
        nip: Option<String>,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Turn an account off: it cannot log in and its sessions end at once.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Turn an account back on.
    Enable {
        #[arg(long)]
        username: String,
    },
    /// Give the account a temporary password (printed once), which its holder
    /// must change at the next login; its sessions end.
    ResetPassword {
        #[arg(long)]
        username: String,
    },
    /// Change an account's role, and its unit when given; its sessions end.
    SetRole {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        unit: Option<String>,
    },
    /// Mutasi: move an account to another office; the cases it held go back
    /// to their worklists and its sessions end.
    Move {
        #[arg(long)]
        username: String,
        /// The office's Kemendagri code.
        #[arg(long)]
        office: String,
    },
    /// Clear the lock after failed logins.
    Unlock {
        #[arg(long)]
        username: String,
    },
    /// Take away an account's second factor (a lost phone, the office's
    /// only admin): its holder enrols again at the next login; its sessions end.
    ResetSecondFactor {
        #[arg(long)]
        username: String,
    },
}

pub async fn run(cfg: &Config, cmd: UserCommand) -> Result<ExitCode, String> {
    let (username, changes) = match cmd {
        UserCommand::Add { username, role, office, name, unit, nip, password_stdin: _ } => {
            return add(cfg, username, role, office, name, unit, nip).await;
        }
        UserCommand::ResetPassword { username } => return reset(cfg, &username).await,
        UserCommand::Disable { username } => (username, vec![AccountChange::Active(false)]),
        UserCommand::Enable { username } => (username, vec![AccountChange::Active(true)]),
        UserCommand::SetRole { username, role, unit } => {
            let role: Role = role.parse().map_err(|e| format!("--role: {e}"))?;
            let mut changes = vec![AccountChange::Role(role)];
            changes.extend(unit.map(|u| AccountChange::Unit(Some(u))));
            (username, changes)
        }
        UserCommand::Move { username, office } => (username, vec![AccountChange::Office(office)]),
        UserCommand::Unlock { username } => (username, vec![AccountChange::Unlock]),
        UserCommand::ResetSecondFactor { username } => (username, vec![AccountChange::SecondFactorReset]),
    };
    let store = crate::serve::prepare_store(cfg).await?;
    let mut user = None;
    for change in changes {
        let changed = app::accounts::change_by_name(store.as_ref(), "cli", &username, change).await;
        user = Some(changed.map_err(flag_error)?);
    }
    let user = user.expect("every command changes something");
    let state = if user.active { "active" } else { "disabled; its sessions have ended" };
    let unit = user.unit.as_deref().map(|u| format!(", unit {u}")).unwrap_or_default();
    let factor = if user.second_factor { "second factor on" } else { "no second factor" };
    println!("user {}: {} at {}{unit}, {state}, {factor}", user.username, user.role, user.office);
    Ok(ExitCode::SUCCESS)
}

/// An error as the flag it concerns (`--office: no office with code …`).
fn flag_error(e: app::Error) -> String {
    match e.field() {
        Some(field) => format!("--{field}: {e}"),
        None => format!("--username: {e}"),
    }
}

async fn reset(cfg: &Config, username: &str) -> Result<ExitCode, String> {
    let store = crate::serve::prepare_store(cfg).await?;
    let t =
        app::accounts::reset_password_by_name(store.as_ref(), "cli", username).await.map_err(flag_error)?;
    println!("temporary password for {}: {}", t.user.username, t.password);
    println!("hand it over in person; it must be changed at the next login");
    Ok(ExitCode::SUCCESS)
}

async fn add(
    cfg: &Config,
    username: String,
    role: String,
    office: String,
    name: Option<String>,
    unit: Option<String>,
    nip: Option<String>,
) -> Result<ExitCode, String> {
    let role: Role = role.parse().map_err(|e| format!("--role: {e}"))?;
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password).map_err(|e| format!("reading the password: {e}"))?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    let store = crate::serve::prepare_store(cfg).await?;
    let account = NewAccount { username, display_name: name, role, office, unit, nip, password };
    let created = app::accounts::create_account(store.as_ref(), "cli", account).await.map_err(flag_error)?;
    println!("created user {} (id {}, {} at {})", created.username, created.id, created.role, created.office);
    Ok(ExitCode::SUCCESS)
}
