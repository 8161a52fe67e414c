//! Configuration: defaults, then `layanan.toml` (if present), then
//! `LAYANAN_*` environment variables, then command-line flags.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Address to listen on.
    pub addr: String,
    pub database_url: String,
    /// A PostgreSQL read replica for reports and dashboards (optional).
    pub read_database_url: Option<String>,
    /// Folder of `<office>/<service>.toml` standards.
    pub standards_dir: PathBuf,
    /// Files, public address, account lockout, sessions.
    #[serde(flatten)]
    pub app: app::Config,
    /// Cookies, proxy header, rate limits.
    #[serde(flatten)]
    pub web: web::Config,
    /// Log filter, e.g. `info` or `layanan=debug`.
    pub log: String,
    /// Seconds between escalation sweeps.
    pub sweep_seconds: u64,
    /// SMTP relay for email notifications (e.g. the office's MTA); without
    /// it email waits in the outbox, visible to staff.
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    pub smtp_from: String,
    /// `none` (a relay on the office's own network), `starttls` or `tls`.
    pub smtp_tls: app::outbox::SmtpTls,
    /// A login for the SMTP server (sent only over TLS).
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// The secret (64 hex digits) that encrypts the office signing keys;
    /// without it, the file below holds one (created on first start).
    pub document_secret: Option<String>,
    pub document_secret_file: PathBuf,
    /// Days after a case is closed before its uploads are deleted (0: never).
    pub retention_days: u32,
    /// `[backup]`: scheduled backups and the audit checkpoints.
    pub backup: Backup,
    /// Start even when the database may lose acknowledged writes in a power
    /// cut (SQLite `synchronous` below FULL; PostgreSQL `fsync`,
    /// `synchronous_commit` or `full_page_writes` off). Off: such a
    /// database is refused at start.
    pub allow_weak_durability: bool,
}

/// Where backups and audit checkpoints go, and how often they are made.
/// (From the environment: `LAYANAN_BACKUP__DIR` and so on.)
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Backup {
    /// Scheduled backups are folders named by their time in here; the
    /// audit checkpoints are in its `checkpoints` folder.
    pub dir: PathBuf,
    /// Seconds between scheduled backups (0: none; `layanan backup` still works).
    pub every_seconds: u64,
    /// How many scheduled backups to keep (the oldest go first).
    pub keep: usize,
    /// Seconds between audit checkpoints (0: none).
    pub checkpoint_seconds: u64,
}

impl Default for Backup {
    fn default() -> Backup {
        Backup { dir: "data/backups".into(), every_seconds: 86_400, keep: 7, checkpoint_seconds: 3_600 }
    }
}

impl Backup {
    pub fn checkpoints(&self) -> PathBuf {
        self.dir.join("checkpoints")
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            addr: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/layanan.db".into(),
            read_database_url: None,
            standards_dir: default_standards_dir(),
            app: app::Config::default(),
            web: web::Config::default(),
            log: "info".into(),
            sweep_seconds: 60,
            smtp_host: None,
            smtp_port: 25,
            smtp_from: "layanan@localhost".into(),
            smtp_tls: app::outbox::SmtpTls::None,
            smtp_username: None,
            smtp_password: None,
            document_secret: None,
            document_secret_file: "data/document.key".into(),
            retention_days: 730,
            backup: Backup::default(),
            allow_weak_durability: false,
        }
    }
}

/// `./standards` when run from a checkout; else the one next to the sources.
fn default_standards_dir() -> PathBuf {
    let here = PathBuf::from("standards");
    if here.is_dir() { here } else { Path::new(env!("CARGO_MANIFEST_DIR")).join("../../standards") }
}

pub fn load(file: &Path, database: Option<String>) -> Result<Config, String> {
    let mut cfg: Config = Figment::from(Serialized::defaults(Config::default()))
        .merge(Toml::file(file))
        .merge(Env::prefixed("LAYANAN_").ignore(&["config"]).split("__"))
        .extract()
        .map_err(|e| e.to_string())?;
    if let Some(db) = database {
        cfg.database_url = db;
    }
    // Served at an https address, the session cookie is `Secure` whether
    // or not `cookie_secure` was set: a browser never sends it in clear.
    if cfg.app.public_url.starts_with("https://") {
        cfg.web.cookie_secure = true;
    }
    Ok(cfg)
}

impl Config {
    /// The SMTP server's settings, when one is configured.
    pub fn smtp(&self) -> Option<app::outbox::SmtpSettings> {
        let host = self.smtp_host.clone()?;
        let login = self.smtp_username.clone().map(|u| (u, self.smtp_password.clone().unwrap_or_default()));
        Some(app::outbox::SmtpSettings {
            host,
            port: self.smtp_port,
            from: self.smtp_from.clone(),
            tls: self.smtp_tls,
            login,
        })
    }

    /// The document secret: configured, or read from (and on first start
    /// written to) `document_secret_file` with owner-only permissions.
    pub fn document_secret(&self) -> Result<documents::keys::Secret, String> {
        use documents::keys::Secret;
        if let Some(hex) = &self.document_secret {
            return Secret::from_hex(hex).map_err(|e| format!("document_secret: {e}"));
        }
        let path = &self.document_secret_file;
        match std::fs::read_to_string(path) {
            Ok(text) => Secret::from_hex(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let secret = Secret::generate();
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                }
                write_private(path, &secret.to_hex()).map_err(|e| format!("{}: {e}", path.display()))?;
                tracing::warn!(file = %path.display(), "created the document secret: back it up, documents cannot be signed without it");
                Ok(secret)
            }
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }
}

impl Config {
    /// The secret that signed a backup's checkpoint: this installation's,
    /// or, on a machine that has none yet (a restore onto a new one), the
    /// backup's own `document.key`. Never creates one.
    pub fn document_secret_in(&self, backup: &Path) -> Result<documents::keys::Secret, String> {
        if self.document_secret.is_some() || self.document_secret_file.exists() {
            return self.document_secret();
        }
        let file = backup.join(crate::backup_cmd::SECRET_FILE);
        let text = std::fs::read_to_string(&file).map_err(|_| {
            format!("no document secret here and none in {}: set document_secret", backup.display())
        })?;
        documents::keys::Secret::from_hex(&text).map_err(|e| format!("{}: {e}", file.display()))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_https_public_address_makes_the_session_cookie_secure() {
        let dir = store::testing::TempDir::new("layanan-config");
        let file = dir.0.join("layanan.toml");
        std::fs::write(&file, "public_url = \"https://layanan.example.go.id\"\n").unwrap();
        assert!(super::load(&file, None).unwrap().web.cookie_secure);
        std::fs::write(&file, "public_url = \"http://127.0.0.1:8080\"\n").unwrap();
        assert!(!super::load(&file, None).unwrap().web.cookie_secure);
    }

    #[test]
    fn the_backup_table_sets_folder_interval_and_count() {
        let dir = store::testing::TempDir::new("layanan-config");
        let file = dir.0.join("layanan.toml");
        std::fs::write(&file, "[backup]\ndir = \"/srv/cadangan\"\nevery_seconds = 3600\nkeep = 3\n").unwrap();
        let b = super::load(&file, None).unwrap().backup;
        assert_eq!((b.dir.to_str(), b.every_seconds, b.keep), (Some("/srv/cadangan"), 3600, 3));
        assert_eq!(b.checkpoints(), std::path::Path::new("/srv/cadangan/checkpoints"));
        assert_eq!(b.checkpoint_seconds, 3600, "unset fields keep their default");
    }

    #[test]
    fn the_roles_that_need_a_second_factor_default_to_admin_head_and_auditor() {
        use domain::Role;
        let dir = store::testing::TempDir::new("layanan-config");
        let file = dir.0.join("layanan.toml");
        std::fs::write(&file, "").unwrap();
        let roles = super::load(&file, None).unwrap().app.second_factor_roles;
        assert_eq!(roles, [Role::Admin, Role::KepalaDinas, Role::Auditor]);
        std::fs::write(&file, "second_factor_roles = [\"admin\", \"verifikator\"]\n").unwrap();
        let roles = super::load(&file, None).unwrap().app.second_factor_roles;
        assert_eq!(roles, [Role::Admin, Role::Verifikator]);
    }
}
