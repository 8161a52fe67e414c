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
    /// Folder of `<office>/<service>.toml` standards.
    pub standards_dir: PathBuf,
    /// Cookies, proxy header, login limits, sessions.
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
}

impl Default for Config {
    fn default() -> Config {
        Config {
            addr: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/layanan.db".into(),
            standards_dir: default_standards_dir(),
            web: web::Config::default(),
            log: "info".into(),
            sweep_seconds: 60,
            smtp_host: None,
            smtp_port: 25,
            smtp_from: "layanan@localhost".into(),
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
    Ok(cfg)
}
