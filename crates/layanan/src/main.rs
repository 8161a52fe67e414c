//! The `layanan` binary: `serve` (the default), and the operator commands
//! of the contract in README.md.

mod backup_cmd;
mod bench;
mod config;
mod keys_cmd;
mod lint_cmd;
mod nik_cmd;
mod progress;
mod register_cmd;
mod serve;
mod user_cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "layanan",
    version,
    about = "Runs Dukcapil public services from their published service standards"
)]
struct Cli {
    /// Database URL: sqlite://PATH or postgres://…
    #[arg(long, global = true, env = "LAYANAN_DATABASE_URL")]
    database: Option<String>,
    /// Configuration file (TOML); `LAYANAN_*` variables override it.
    #[arg(long, global = true, env = "LAYANAN_CONFIG", default_value = "layanan.toml")]
    config: PathBuf,
    /// With no command, `layanan` serves: these are `serve`'s options.
    #[command(flatten)]
    serve: serve::ServeArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal, back office and API (the default command).
    Serve(serve::ServeArgs),
    /// Apply database migrations and load reference data, then exit.
    Migrate,
    /// Manage staff accounts.
    #[command(subcommand)]
    User(user_cmd::UserCommand),
    /// Work with the standards files.
    #[command(subcommand)]
    Standards(lint_cmd::StandardsCommand),
    /// Structural NIK checks.
    #[command(subcommand)]
    Nik(nik_cmd::NikCommand),
    /// The register index of an office's civil registers.
    #[command(subcommand)]
    Register(register_cmd::RegisterCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Measure: one JSON line per figure.
    Bench(bench::BenchArgs),
    /// Office signing keys.
    #[command(subcommand)]
    Keys(keys_cmd::KeysCommand),
    /// Copy the database, stored files and document secret into a new folder.
    Backup { dir: std::path::PathBuf },
    /// Replace the database and add the stored files from a backup folder
    /// (stop the servers first), after proving the backup in scratch space.
    Restore {
        /// The backup folder (default: the newest scheduled backup).
        dir: Option<std::path::PathBuf>,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
        /// Only prove the backup in scratch space (a restore drill); replace nothing.
        #[arg(long)]
        check: bool,
    },
    /// Check a document file offline: exit 0 only when genuine and unaltered.
    Verify {
        file: std::path::PathBuf,
        /// A key file from `layanan keys export` (default: the database's keys).
        #[arg(long)]
        keys: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Re-compute the hash chains and compare them with the newest signed
    /// checkpoint; exit 1 when a row was edited, removed or written again.
    Verify {
        /// Compare with this checkpoint file instead (an auditor's own
        /// copy, kept where the server's administrator cannot reach it).
        #[arg(long)]
        checkpoint: Option<std::path::PathBuf>,
    },
    /// Write a signed checkpoint of the chains' heads now.
    Checkpoint,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let cfg = match config::load(&cli.config, cli.database.clone()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("layanan: configuration: {e}");
            return ExitCode::from(2);
        }
    };
    // Pure commands need no runtime.
    match &cli.command {
        Some(Command::Standards(cmd)) => return lint_cmd::run(cmd),
        Some(Command::Nik(cmd)) => return nik_cmd::run(cmd),
        Some(Command::Bench(args)) => {
            return bench::run(args, &cfg, cli.database.as_deref()).unwrap_or_else(|e| {
                eprintln!("layanan bench: {e}");
                ExitCode::FAILURE
            });
        }
        _ => {}
    }
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("layanan: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async move {
        match cli.command {
            None => serve::run(cfg, cli.serve).await,
            Some(Command::Serve(args)) => serve::run(cfg, args).await,
            Some(Command::Migrate) => serve::prepare_store(&cfg).await.map(|_| ExitCode::SUCCESS),
            Some(Command::User(cmd)) => user_cmd::run(&cfg, cmd).await,
            Some(Command::Audit(AuditCommand::Verify { checkpoint })) => {
                audit_verify(&cfg, checkpoint.as_deref()).await
            }
            Some(Command::Audit(AuditCommand::Checkpoint)) => audit_checkpoint(&cfg).await,
            Some(Command::Keys(cmd)) => keys_cmd::run(&cfg, cmd).await,
            Some(Command::Register(cmd)) => register_cmd::run(&cfg, cmd).await,
            Some(Command::Verify { file, keys }) => keys_cmd::verify(&cfg, file, keys).await,
            Some(Command::Backup { dir }) => backup_cmd::backup(&cfg, &dir).await,
            Some(Command::Restore { dir, force, check }) => {
                backup_cmd::restore(&cfg, dir.as_deref(), force, check).await
            }
            Some(Command::Standards(_) | Command::Nik(_) | Command::Bench(_)) => Ok(ExitCode::SUCCESS),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("layanan: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn audit_verify(
    cfg: &config::Config,
    checkpoint: Option<&std::path::Path>,
) -> Result<ExitCode, String> {
    let store = store::connect(&cfg.database_url).await.map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    let latest = match checkpoint {
        Some(file) => Some((file.to_path_buf(), app::audit::read(file)?)),
        None => app::audit::latest(&cfg.backup.checkpoints())?,
    };
    let secret = cfg.document_secret()?;
    let cp = latest.as_ref().map(|(_, cp)| cp);
    let r = app::audit::verify(store.as_ref(), &secret, cp).await.map_err(|e| e.to_string())?;
    let against = match &latest {
        Some((path, cp)) => format!("the checkpoint {} ({} rows) holds", path.display(), cp.rows),
        None => format!("no checkpoint in {} to compare with", cfg.backup.checkpoints().display()),
    };
    if r.ok {
        println!("audit log OK: {} rows, hash chains intact; {against}", r.rows);
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "audit log BROKEN at row {} of chain {}: {} ({} rows verified before it)",
            r.broken_at.unwrap_or_default(),
            r.chain,
            r.reason.unwrap_or_default(),
            r.rows
        );
        if let Some((path, _)) = &latest {
            println!("compared with the checkpoint {}", path.display());
        }
        Ok(ExitCode::FAILURE)
    }
}

async fn audit_checkpoint(cfg: &config::Config) -> Result<ExitCode, String> {
    let store = store::connect(&cfg.database_url).await.map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    let secret = cfg.document_secret()?;
    let at = chrono::Utc::now().timestamp_millis();
    let cp = app::audit::take(store.as_ref(), &secret, at).await.map_err(|e| e.to_string())?;
    let path = app::audit::write(&cfg.backup.checkpoints(), &cp)?;
    println!("audit checkpoint of {} rows written to {}", cp.rows, path.display());
    Ok(ExitCode::SUCCESS)
}
