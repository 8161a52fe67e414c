//! `layanan user add --username U --role ROLE --office CODE --password-stdin`

use crate::config::Config;
use clap::Subcommand;
use domain::Role;
use std::io::Read;
use std::process::ExitCode;
use store::NewUser;

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
}

pub async fn run(cfg: &Config, cmd: UserCommand) -> Result<ExitCode, String> {
    let UserCommand::Add { username, role, office, name, unit, nip, password_stdin: _ } = cmd;
    if let Some(n) = &nip
        && n.chars().filter(char::is_ascii_digit).count() != 18
    {
        return Err("--nip: a NIP has 18 digits (e.g. `19650805 199203 0 017`)".into());
    }
    let role: Role = role.parse().map_err(|e| format!("--role: {e}"))?;
    let username = username.trim().to_string();
    if username.is_empty() || !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return Err("--username: use letters, digits, '.', '_' or '-'".into());
    }
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password).map_err(|e| format!("reading the password: {e}"))?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    app::accounts::check_password_policy(&password, &username).map_err(|e| format!("password: {e}"))?;
    let store = crate::serve::prepare_store(cfg).await?;
    if store.office(&office).await.map_err(|e| e.to_string())?.is_none() {
        return Err(format!("--office: no office with code `{office}`"));
    }
    let password_hash = app::accounts::hash_password(&password).map_err(|e| e.to_string())?;
    let user = NewUser {
        display_name: name.unwrap_or_else(|| username.clone()),
        username,
        password_hash,
        role,
        office,
        unit,
        nip,
    };
    let created = store.create_user("cli", &user).await.map_err(|e| e.to_string())?;
    println!("created user {} (id {}, {} at {})", created.username, created.id, created.role, created.office);
    Ok(ExitCode::SUCCESS)
}
