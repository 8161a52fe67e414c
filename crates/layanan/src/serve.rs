//! `layanan serve`: migrate, load reference data and standards, seed the
//! demo on an empty database, then listen.

use crate::config::Config;
use crate::progress;
use clap::Args;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use store::Store;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "LAYANAN_ADDR")]
    addr: Option<String>,
    /// Do not create demo accounts on an empty database.
    #[arg(long)]
    no_demo: bool,
}

/// Opens and migrates the store, loads regions, holidays and standards.
pub async fn prepare_store(cfg: &Config) -> Result<Arc<dyn Store>, String> {
    let store = store::connect_with_replica(&cfg.database_url, cfg.read_database_url.as_deref())
        .await
        .map_err(|e| format!("database {}: {e}", redact(&cfg.database_url)))?;
    let p = progress::phase("database migrations");
    store.migrate().await.map_err(|e| format!("migration failed: {e}"))?;
    p.done(store.backend());
    let p = progress::phase("region codes and holidays");
    let loaded =
        store::reference::ensure_loaded(store.as_ref()).await.map_err(|e| format!("reference data: {e}"))?;
    p.done(&match loaded {
        Some((regions, holidays)) => format!("{regions} regions and {holidays} holidays loaded"),
        None => "already loaded".into(),
    });
    let p = progress::phase(format!("standards from {}", cfg.standards_dir.display()));
    let report =
        app::catalog::sync_dir(store.as_ref(), &cfg.standards_dir).await.map_err(|e| e.to_string())?;
    p.done(&format!(
        "{} offices, {} published, {} unchanged, {} rejected",
        report.offices,
        report.published,
        report.unchanged,
        report.rejected.len()
    ));
    Ok(store)
}

/// Refuses a database that may lose acknowledged writes, unless the
/// operator allowed it in so many words; either way the settings are logged.
async fn check_durability(store: &dyn Store, allow_weak: bool) -> Result<(), String> {
    let settings = store.durability().await.map_err(|e| format!("durability settings: {e}"))?;
    let shown: Vec<String> = settings.iter().map(|d| format!("{} = {}", d.setting, d.value)).collect();
    let weak: Vec<String> =
        settings.iter().filter(|d| !d.durable).map(|d| format!("{} = {}", d.setting, d.value)).collect();
    if weak.is_empty() {
        tracing::info!(settings = %shown.join(", "), "database durability");
        return Ok(());
    }
    let what = format!(
        "the database runs with {}: an acknowledged write could be lost in a crash or power cut",
        weak.join(", ")
    );
    if !allow_weak {
        return Err(format!(
            "{what}; fix the setting, or start with allow_weak_durability = true to accept it"
        ));
    }
    tracing::warn!("{what} (allowed by allow_weak_durability)");
    Ok(())
}

/// Hides a password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub async fn run(cfg: Config, args: ServeArgs) -> Result<ExitCode, String> {
    init_logging(&cfg.log);
    let started = Instant::now();
    let store = prepare_store(&cfg).await?;
    check_durability(store.as_ref(), cfg.allow_weak_durability).await?;
    let catalog = app::Catalog::load(store.as_ref())
        .await
        .and_then(|c| c.with_templates(&cfg.standards_dir))
        .map_err(|e| e.to_string())?;

    let addr = args.addr.unwrap_or(cfg.addr.clone());
    let listener =
        tokio::net::TcpListener::bind(&addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let secret = cfg.document_secret()?;
    let app = app::App::new(store, catalog, cfg.app.clone()).with_document_secret(secret);
    // Every office has its signing key from the first start on.
    for office in app.store.offices().await.map_err(|e| e.to_string())? {
        app::documents::office_key(&app, &office.code).await.map_err(|e| e.to_string())?;
    }
    if !args.no_demo {
        let accounts = app::demo::seed(&app).await.map_err(|e| e.to_string())?;
        if !accounts.is_empty() {
            let cases = app::demo::sample_cases(&app).await.map_err(|e| e.to_string())?;
            tracing::info!(cases, "demo data created");
        }
        print_demo(&accounts, &addr, &app.config.second_factor_roles);
    }
    app::documents::spawn(app.clone());
    let every = std::time::Duration::from_secs(cfg.sweep_seconds.max(1));
    app::cases::sweep::spawn(app.clone(), every);
    // Agreements: warnings before the end, duties falling due, missing ones.
    // Their times are days: an hourly look is enough.
    app::agreements::spawn(app.clone(), std::time::Duration::from_secs(3_600));
    app::stock::spawn(app.clone(), std::time::Duration::from_secs(3_600));
    app::staff_evaluations::spawn(app.clone(), std::time::Duration::from_secs(3_600));
    // The audit checkpoints, from the start on, and the scheduled backups.
    if cfg.backup.checkpoint_seconds > 0 {
        let every = std::time::Duration::from_secs(cfg.backup.checkpoint_seconds);
        app::audit::spawn(app.clone(), cfg.backup.checkpoints(), every);
    }
    crate::backup_cmd::spawn(cfg.clone());
    if cfg.retention_days > 0 {
        let retention = chrono::Duration::days(i64::from(cfg.retention_days));
        app::cases::retention::spawn(app.clone(), retention, std::time::Duration::from_secs(86_400));
    }
    let mut adapters: Vec<Box<dyn app::outbox::Adapter>> = Vec::new();
    if let Some(smtp) = cfg.smtp() {
        adapters.push(Box::new(app::outbox::SmtpRelay::with(&smtp)?));
    }
    if let Some(w) = &cfg.app.whatsapp {
        adapters.push(Box::new(app::whatsapp::CloudApi::new(w.clone())?));
    }
    if !adapters.is_empty() {
        app::outbox::spawn(app.clone(), adapters, std::time::Duration::from_secs(10));
    }
    tracing::info!(
        addr = %addr,
        backend = app.store.backend(),
        standards = app.catalog.len(),
        ready_ms = started.elapsed().as_millis() as u64,
        "layanan is serving on http://{addr}"
    );
    let demo = app.store.instance_flag(app::demo::FLAG).await.map_err(|e| e.to_string())?;
    let state = web::AppState::new(app, cfg.web.clone()).with_demo(demo);
    web::serve(listener, state).await.map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

/// The demo passwords are shown once, on stdout, never logged again.
fn print_demo(accounts: &[app::demo::DemoAccount], addr: &str, second_factor: &[domain::Role]) {
    if accounts.is_empty() {
        return;
    }
    println!("layanan demo: open http://{addr}/ and log in (\"Masuk\") with one of these accounts;");
    println!("each role's worklist (/staff) has sample cases waiting.");
    if !second_factor.is_empty() {
        let roles: Vec<&str> = second_factor.iter().map(|r| r.as_str()).collect();
        println!(
            "Accounts of the roles {} set up a second factor at their first login: an authenticator app on a phone (FreeOTP, Aegis, …) reads the QR code.",
            roles.join(", ")
        );
    }
    println!("Demo accounts (shown once; write them down):");
    println!("{:<28} {:<18} {:<7} password", "username", "role", "office");
    for a in accounts {
        println!("{:<28} {:<18} {:<7} {}", a.username, a.role, a.office, a.password);
    }
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "info".into());
    // Colours only for a person at a terminal; logs go to stderr so stdout
    // carries just what is meant for the operator (the demo accounts).
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_in_urls_are_hidden() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
