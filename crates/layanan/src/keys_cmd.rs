//! `layanan keys export`, `layanan keys rotate --office CODE` and
//! `layanan verify FILE [--keys KEYFILE]` (offline check of a document).
//!
//! Key file format, one key a line: `office key_id public_key_hex [retired]`.

use crate::config::Config;
use clap::Subcommand;
use documents::keys::public_from_hex;
use ed25519_dalek::VerifyingKey;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Print every office public key (current and retired) to stdout.
    Export,
    /// Give an office a new signing key; the old one keeps verifying.
    Rotate {
        #[arg(long)]
        office: String,
    },
}

pub async fn run(cfg: &Config, cmd: KeysCommand) -> Result<ExitCode, String> {
    let store = crate::serve::prepare_store(cfg).await?;
    match cmd {
        KeysCommand::Export => {
            for k in store.office_keys(None).await.map_err(|e| e.to_string())? {
                let retired = if k.retired_at.is_some() { " retired" } else { "" };
                println!("{} {} {}{retired}", k.office, k.id, k.public_key);
            }
        }
        KeysCommand::Rotate { office } => {
            if store.office(&office).await.map_err(|e| e.to_string())?.is_none() {
                return Err(format!("--office: no office with code `{office}`"));
            }
            // Rotation needs the store and the secret, not the catalogue.
            let app = app::App::new(store, app::Catalog::default(), cfg.app.clone())
                .with_document_secret(cfg.document_secret()?);
            let (id, _) = app::documents::rotate(&app, &office, "cli").await.map_err(|e| e.to_string())?;
            println!("office {office} now signs with key {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a key file written by `keys export`.
fn read_keys(path: &PathBuf) -> Result<Vec<(String, VerifyingKey)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let key = f.get(2).and_then(|h| public_from_hex(h).ok());
            match (f.get(1), key) {
                (Some(id), Some(k)) => Ok((id.to_string(), k)),
                _ => Err(format!("{}:{}: expected `office key_id public_key_hex`", path.display(), i + 1)),
            }
        })
        .collect()
}

/// Exit 0 only when the file is a genuine, unaltered document.
pub async fn verify(cfg: &Config, file: PathBuf, keys: Option<PathBuf>) -> Result<ExitCode, String> {
    let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let keys = match keys {
        Some(path) => read_keys(&path)?,
        None => {
            let store = store::connect(&cfg.database_url).await.map_err(|e| e.to_string())?;
            store
                .office_keys(None)
                .await
                .map_err(|e| e.to_string())?
                .into_iter()
                .filter_map(|k| public_from_hex(&k.public_key).ok().map(|v| (k.id, v)))
                .collect()
        }
    };
    match documents::seal::check(&bytes, &keys) {
        Ok(p) => {
            println!(
                "GENUINE: {} {} issued {} by office {} for {}",
                p.doc_type, p.number, p.date, p.office, p.holder
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("NOT GENUINE: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
