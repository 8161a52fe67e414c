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
    /// The secret (64 hex digits) that encrypts the office signing keys;
    /// without it, the file below holds one (created on first start).
    pub document_secret: Option<String>,
    pub document_secret_file: PathBuf,
    /// Days after a case is closed before its uploads are deleted (0: never).
    pub retention_days: u32,
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
            document_secret: None,
            document_secret_file: "data/document.key".into(),
            retention_days: 730,
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
        .merge(Env::prefixed("LAYANAN_").ignore(&["config"]))
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
}
