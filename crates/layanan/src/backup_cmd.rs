//! `layanan backup DIR` and `layanan restore DIR`.
//!
//! A backup folder holds the database (`layanan.db`, a consistent copy made
//! by SQLite's `VACUUM INTO` while the server may keep running; or
//! `layanan.pgdump` from `pg_dump`), the stored files (requirement uploads
//! and issued PDFs, content-addressed) and, when the document secret lives
//! in a file, that file: without it the office signing keys cannot be
//! opened. Keep backups as safe as the database: they hold personal data.
//!
//! Restore checks the backup's audit chains before it replaces anything.
//! Stop the servers first.

use crate::config::Config;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const SQLITE_FILE: &str = "layanan.db";
const PG_FILE: &str = "layanan.pgdump";
const SECRET_FILE: &str = "document.key";

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// The file path of a `sqlite://PATH` URL (query string dropped).
fn sqlite_path(url: &str) -> PathBuf {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

pub async fn backup(cfg: &Config, dir: &Path) -> Result<ExitCode, String> {
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| e.to_string())?.next().is_some() {
        return Err(format!("{} is not empty: back up into a new folder", dir.display()));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let url = &cfg.database_url;
    if is_sqlite(url) {
        let store = store::connect(url).await.map_err(|e| e.to_string())?;
        store.backup_into(&dir.join(SQLITE_FILE)).await.map_err(|e| e.to_string())?;
    } else {
        run(Command::new("pg_dump").args(["--format=custom", "--file"]).arg(dir.join(PG_FILE)).arg(url))?;
    }
    let files = copy_tree(&cfg.app.files_dir, &dir.join("files"))?;
    if cfg.document_secret.is_none() && cfg.document_secret_file.exists() {
        copy_private(&cfg.document_secret_file, &dir.join(SECRET_FILE))?;
    }
    println!("backup written to {} ({files} stored files)", dir.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(cfg: &Config, dir: &Path, force: bool) -> Result<ExitCode, String> {
    let url = &cfg.database_url;
    if is_sqlite(url) {
        let backup = dir.join(SQLITE_FILE);
        if !backup.is_file() {
            return Err(format!("{} has no {SQLITE_FILE}", dir.display()));
        }
        check_sqlite_backup(&backup).await?;
        let target = sqlite_path(url);
        if target.exists() && !force {
            return Err(format!(
                "{} exists: stop the servers, then restore with --force to replace it",
                target.display()
            ));
        }
        replace_file(&backup, &target)?;
    } else {
        let dump = dir.join(PG_FILE);
        if !dump.is_file() {
            return Err(format!("{} has no {PG_FILE}", dir.display()));
        }
        if !force {
            return Err(
                "restoring replaces the PostgreSQL database: stop the servers, then use --force".into()
            );
        }
        run(Command::new("pg_restore")
            .args(["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", url])
            .arg(&dump))?;
    }
    let files = copy_tree(&dir.join("files"), &cfg.app.files_dir)?;
    let secret = dir.join(SECRET_FILE);
    if cfg.document_secret.is_none() && secret.is_file() && !cfg.document_secret_file.exists() {
        copy_private(&secret, &cfg.document_secret_file)?;
    }
    let store = store::connect(url).await.map_err(|e| e.to_string())?;
    let report = store.audit_verify().await.map_err(|e| e.to_string())?;
    if !report.ok {
        return Err(format!("restored, but the audit log does not verify: {report:?}"));
    }
    println!("restored from {} ({} audit rows verified, {files} stored files)", dir.display(), report.rows);
    for (table, n) in store.row_counts().await.map_err(|e| e.to_string())? {
        println!("  {table:<14} {n}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens a copy of the backup (never the backup itself) and verifies its
/// audit chains.
async fn check_sqlite_backup(backup: &Path) -> Result<(), String> {
    let scratch = store::scratch::TempDir::new("layanan-restore");
    let copy = scratch.0.join(SQLITE_FILE);
    std::fs::copy(backup, &copy).map_err(|e| e.to_string())?;
    let store = store::connect(&format!("sqlite://{}", copy.display())).await.map_err(|e| e.to_string())?;
    let report = store.audit_verify().await.map_err(|e| format!("the backup does not open: {e}"))?;
    if !report.ok {
        return Err(format!("the backup's audit log does not verify, nothing was restored: {report:?}"));
    }
    Ok(())
}

/// Copies `from` next to `to`, makes it durable, then renames it over
/// `to`: a crash leaves either the old database or the new one.
fn replace_file(from: &Path, to: &Path) -> Result<(), String> {
    let dir = to.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let tmp = to.with_extension("restoring");
    std::fs::copy(from, &tmp).map_err(|e| e.to_string())?;
    std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| e.to_string())?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", to.display()));
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| e.to_string())?;
        }
    }
    std::fs::rename(&tmp, to).map_err(|e| e.to_string())?;
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| e.to_string())
}

/// Copies the files under `from` that `to` lacks (stored files are named
/// by their content, so an existing name is the same file). Returns how
/// many files `from` holds.
fn copy_tree(from: &Path, to: &Path) -> Result<usize, String> {
    let mut count = 0;
    let Ok(entries) = std::fs::read_dir(from) else { return Ok(0) };
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            count += copy_tree(&src, &dst)?;
        } else {
            count += 1;
            if !dst.exists() {
                std::fs::copy(&src, &dst).map_err(|e| format!("{}: {e}", src.display()))?;
            }
        }
    }
    Ok(count)
}

fn copy_private(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::copy(from, to).map_err(|e| e.to_string())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o600)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let name = cmd.get_program().to_string_lossy().to_string();
    let out = cmd.output().map_err(|e| format!("{name} could not be started (is it installed?): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed: {}", String::from_utf8_lossy(&out.stderr).trim()))
    }
}
