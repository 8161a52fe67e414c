//! `layanan backup DIR`, `layanan restore [DIR]` and the scheduled backups.
//!
//! A backup folder holds the database (`layanan.db`, a consistent copy made
//! by SQLite's `VACUUM INTO` while the server may keep running; or
//! `layanan.pgdump` from `pg_dump`), a signed audit checkpoint of what it
//! holds (`crates/app/src/audit.rs`), the stored files (requirement uploads
//! and issued PDFs, content-addressed) and, when the document secret lives
//! in a file, that file: without it the office signing keys cannot be
//! opened. Keep backups as safe as the database: they hold personal data.
//!
//! Restore never touches the live database before the backup is proven:
//! it restores into scratch space (a copy of the file; a scratch database
//! on the same PostgreSQL server), verifies the audit chains and the
//! backup's checkpoint there, and only then puts the scratch copy in the
//! live one's place. Stop the servers first.

use crate::config::Config;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const SQLITE_FILE: &str = "layanan.db";
const PG_FILE: &str = "layanan.pgdump";
pub(crate) const SECRET_FILE: &str = "document.key";

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// The file path of a `sqlite://PATH` URL (query string dropped).
fn sqlite_path(url: &str) -> PathBuf {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

pub async fn backup(cfg: &Config, dir: &Path) -> Result<ExitCode, String> {
    println!("{}", backup_into(cfg, dir).await?);
    Ok(ExitCode::SUCCESS)
}

/// Writes a backup into `dir` (new or empty); says what it wrote.
async fn backup_into(cfg: &Config, dir: &Path) -> Result<String, String> {
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| e.to_string())?.next().is_some() {
        return Err(format!("{} is not empty: back up into a new folder", dir.display()));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let secret = cfg.document_secret()?;
    let url = &cfg.database_url;
    // The checkpoint covers exactly what the backup holds: SQLite's is
    // taken of the copy; PostgreSQL's before the dump, whose snapshot then
    // holds every row it records.
    let checkpoint = if is_sqlite(url) {
        let store = store::connect(url).await.map_err(|e| e.to_string())?;
        store.backup_into(&dir.join(SQLITE_FILE)).await.map_err(|e| e.to_string())?;
        let copy = store::connect(&format!("sqlite://{}", dir.join(SQLITE_FILE).display()))
            .await
            .map_err(|e| e.to_string())?;
        app::audit::take(copy.as_ref(), &secret, now_ms()).await.map_err(|e| e.to_string())?
    } else {
        let store = store::connect(url).await.map_err(|e| e.to_string())?;
        let cp = app::audit::take(store.as_ref(), &secret, now_ms()).await.map_err(|e| e.to_string())?;
        let dump = dir.join(PG_FILE);
        tokio::task::block_in_place(|| {
            run(Command::new("pg_dump").args(["--format=custom", "--file"]).arg(&dump).arg(url))
        })?;
        cp
    };
    app::audit::write(dir, &checkpoint)?;
    app::audit::write(&cfg.backup.checkpoints(), &checkpoint)?;
    let files = tokio::task::block_in_place(|| copy_tree(&cfg.app.files_dir, &dir.join("files")))?;
    if cfg.document_secret.is_none() && cfg.document_secret_file.exists() {
        copy_private(&cfg.document_secret_file, &dir.join(SECRET_FILE))?;
    }
    Ok(format!(
        "backup written to {} ({} audit rows in its checkpoint, {files} stored files)",
        dir.display(),
        checkpoint.rows
    ))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Restores `dir` (default: the newest scheduled backup). With `check`,
/// only proves it in scratch space (the restore drill) and changes nothing.
pub async fn restore(cfg: &Config, dir: Option<&Path>, force: bool, check: bool) -> Result<ExitCode, String> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => newest_scheduled(&cfg.backup.dir)?.ok_or_else(|| {
            format!("{} holds no scheduled backup: name the folder", cfg.backup.dir.display())
        })?,
    };
    let secret = cfg.document_secret_in(&dir)?;
    let url = &cfg.database_url;
    let verified = if is_sqlite(url) {
        let target = sqlite_path(url);
        if target.exists() && !force && !check {
            return Err(format!(
                "{} exists: stop the servers, then restore with --force to replace it",
                target.display()
            ));
        }
        let scratch = store::scratch::TempDir::new("layanan-restore");
        let copy = scratch.0.join(SQLITE_FILE);
        let backup = dir.join(SQLITE_FILE);
        if !backup.is_file() {
            return Err(format!("{} has no {SQLITE_FILE}", dir.display()));
        }
        std::fs::copy(&backup, &copy).map_err(|e| e.to_string())?;
        let rows = prove(&format!("sqlite://{}", copy.display()), &dir, &secret).await?;
        if !check {
            replace_file(&copy, &target)?;
        }
        rows
    } else {
        let dump = dir.join(PG_FILE);
        if !dump.is_file() {
            return Err(format!("{} has no {PG_FILE}", dir.display()));
        }
        if !force && !check {
            return Err(
                "restoring replaces the PostgreSQL database: stop the servers, then use --force".into()
            );
        }
        let (scratch, guard) = store::scratch::scratch_postgres_database(url, "layanan_restore").await?;
        tokio::task::block_in_place(|| {
            run(Command::new("pg_restore")
                .args(["--no-owner", "--single-transaction", "--dbname", &scratch])
                .arg(&dump))
        })?;
        let rows = prove(&scratch, &dir, &secret).await?;
        if !check {
            store::scratch::swap_postgres_database(url, &guard.name).await?;
        }
        rows
    };
    if check {
        println!(
            "backup {} verified in scratch space ({verified} audit rows); nothing was replaced",
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let files = copy_tree(&dir.join("files"), &cfg.app.files_dir)?;
    let secret_file = dir.join(SECRET_FILE);
    if cfg.document_secret.is_none() && secret_file.is_file() && !cfg.document_secret_file.exists() {
        copy_private(&secret_file, &cfg.document_secret_file)?;
    }
    println!("restored from {} ({verified} audit rows verified, {files} stored files)", dir.display());
    let store = store::connect(url).await.map_err(|e| e.to_string())?;
    for (table, n) in store.row_counts().await.map_err(|e| e.to_string())? {
        println!("  {table:<14} {n}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Verifies the restored scratch database at `url`: its audit chains, and
/// the backup's signed checkpoint against them. Returns the rows verified.
async fn prove(url: &str, dir: &Path, secret: &documents::keys::Secret) -> Result<i64, String> {
    let store = store::connect(url).await.map_err(|e| format!("the backup does not open: {e}"))?;
    let Some((_, checkpoint)) = app::audit::latest(dir)? else {
        return Err(format!("{} has no audit checkpoint: nothing was restored", dir.display()));
    };
    let report =
        app::audit::verify(store.as_ref(), secret, Some(&checkpoint)).await.map_err(|e| e.to_string())?;
    store.close().await;
    if !report.ok {
        return Err(format!(
            "the backup's audit log does not verify, nothing was restored: {}",
            report.reason.unwrap_or_default()
        ));
    }
    Ok(report.rows)
}

/// The newest folder a schedule wrote in `dir` (named by its time).
fn newest_scheduled(dir: &Path) -> Result<Option<PathBuf>, String> {
    Ok(scheduled(dir)?.pop())
}

/// The scheduled backups in `dir`, oldest first.
fn scheduled(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().and_then(|n| n.to_str()).is_some_and(is_scheduled_name))
        .collect();
    found.sort();
    Ok(found)
}

/// `20261206T051500Z`: what [`spawn`] names its folders.
fn is_scheduled_name(name: &str) -> bool {
    chrono::NaiveDateTime::parse_from_str(name, "%Y%m%dT%H%M%SZ").is_ok()
}

/// Backs up into a new folder of `[backup] dir` every `every_seconds`
/// (the first one interval after the start), keeping the newest `keep`.
pub fn spawn(cfg: Config) {
    let every = cfg.backup.every_seconds;
    if every == 0 {
        return;
    }
    tokio::spawn(async move {
        let every = std::time::Duration::from_secs(every);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let name = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
            let dir = cfg.backup.dir.join(name);
            match backup_into(&cfg, &dir).await.and_then(|done| prune(&cfg).map(|_| done)) {
                Ok(done) => tracing::info!("scheduled {done}"),
                Err(e) => tracing::error!(error = %e, folder = %dir.display(), "the scheduled backup failed"),
            }
        }
    });
}

/// Removes the oldest scheduled backups beyond `keep`.
fn prune(cfg: &Config) -> Result<(), String> {
    let found = scheduled(&cfg.backup.dir)?;
    for old in found.iter().take(found.len().saturating_sub(cfg.backup.keep.max(1))) {
        std::fs::remove_dir_all(old).map_err(|e| format!("{}: {e}", old.display()))?;
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
