//! `layanan register import --office CODE FILE`: an office's digitised
//! civil registers into its register index (`app::register::Import`, the
//! same as `POST /api/v1/register/import`), read a line at a time with a
//! progress bar; the bad rows, each with its column, on standard error.

use crate::config::Config;
use app::register::{Import, MAX_ERRORS};
use clap::Subcommand;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum RegisterCommand {
    /// Import a CSV file (header `jenis_akta,nomor_akta,tahun,nama,nama_ayah,
    /// nama_ibu,tempat_peristiwa,tanggal_peristiwa,buku,halaman`, or those
    /// columns in that order); entries already in the index are skipped.
    Import {
        #[arg(long)]
        office: String,
        file: PathBuf,
    },
}

pub async fn run(cfg: &Config, cmd: RegisterCommand) -> Result<ExitCode, String> {
    let RegisterCommand::Import { office, file } = cmd;
    let store = crate::serve::prepare_store(cfg).await?;
    let app = app::App::new(store, app::Catalog::default(), cfg.app.clone());
    let mut import = Import::new(&app, &office, "cli").await.map_err(|e| format!("--office: {e}"))?;
    let f = std::fs::File::open(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let len = f.metadata().map_err(|e| e.to_string())?.len();
    let p = crate::progress::counted("register import (bytes)", len);
    let mut reader = std::io::BufReader::new(f);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(|e| format!("{}: {e}", file.display()))?;
        if n == 0 {
            break;
        }
        import.line(&app, &String::from_utf8_lossy(&line)).await.map_err(|e| e.to_string())?;
        p.inc(n as u64);
    }
    let r = import.finish(&app).await.map_err(|e| e.to_string())?;
    p.done(&format!(
        "{} rows: {} imported, {} already there, {} refused",
        r.rows, r.imported, r.duplicates, r.invalid
    ));
    for e in &r.errors {
        eprintln!("row {}: {}: {}", e.row, e.field, e.message);
    }
    if r.invalid as usize > r.errors.len() {
        eprintln!(
            "… and {} more refused rows (the first {MAX_ERRORS} are listed)",
            r.invalid as usize - r.errors.len()
        );
    }
    Ok(if r.invalid > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
