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
    /// Mark cookies Secure (behind TLS).
    pub cookie_secure: bool,
    /// Header with the client address set by a trusted reverse proxy.
    pub client_ip_header: Option<String>,
    pub login_per_minute: u32,
    pub lockout_after: i32,
    pub lockout_minutes: i64,
    pub session_hours: i64,
    /// Log filter, e.g. `info` or `layanan=debug`.
    pub log: String,
}

impl Default for Config {
    fn default() -> Config {
        let web = web::Config::default();
        Config {
            addr: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/layanan.db".into(),
            standards_dir: default_standards_dir(),
            cookie_secure: web.cookie_secure,
            client_ip_header: web.client_ip_header,
            login_per_minute: web.login_per_minute,
            lockout_after: web.lockout_after,
            lockout_minutes: web.lockout_minutes,
            session_hours: web.session_hours,
            log: "info".into(),
        }
    }
}

/// `./standards` when run from a checkout; else the one next to the sources.
fn default_standards_dir() -> PathBuf {
    let here = PathBuf::from("standards");
    if here.is_dir() {
        here
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../standards")
    }
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

impl Config {
    pub fn web(&self) -> web::Config {
        web::Config {
            cookie_secure: self.cookie_secure,
            client_ip_header: self.client_ip_header.clone(),
            login_per_minute: self.login_per_minute,
            lockout_after: self.lockout_after,
            lockout_minutes: self.lockout_minutes,
            session_hours: self.session_hours,
        }
    }
}
