//! `layanan user add --username U --role ROLE --office CODE --password-stdin`,
//! `layanan user disable|enable --username U`.

use crate::config::Config;
use app::accounts::NewAccount;
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
}

pub async fn run(cfg: &Config, cmd: UserCommand) -> Result<ExitCode, String> {
    let (username, active) = match cmd {
        UserCommand::Add { username, role, office, name, unit, nip, password_stdin: _ } => {
            return add(cfg, username, role, office, name, unit, nip).await;
        }
        UserCommand::Disable { username } => (username, false),
        UserCommand::Enable { username } => (username, true),
    };
    let store = crate::serve::prepare_store(cfg).await?;
    let user = app::accounts::set_active_by_name(store.as_ref(), "cli", &username, active)
        .await
        .map_err(|e| format!("--username: {e}"))?;
    let state = if user.active { "enabled" } else { "disabled; its sessions have ended" };
    println!("user {} ({} at {}) {state}", user.username, user.role, user.office);
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
    let created =
        app::accounts::create_account(store.as_ref(), "cli", account).await.map_err(|e| match e.field() {
            Some(field) => format!("--{field}: {e}"),
            None => e.to_string(),
        })?;
    println!("created user {} (id {}, {} at {})", created.username, created.id, created.role, created.office);
    Ok(ExitCode::SUCCESS)
}
