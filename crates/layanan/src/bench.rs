//! `layanan bench [--quick] [--database URL] [--instances N]`: measures the
//! figures of BENCHMARKS.md on a data set of its own and prints one JSON
//! line per figure (`{"name", "value", "unit", …}`).
//!
//! The server is this binary started as child processes (`serve`) on a
//! scratch database: a SQLite file in a temporary folder, or a new database
//! on the PostgreSQL server named by `--database` (dropped at the end). The
//! bench talks to them over HTTP on loopback like any client; the raw insert
//! baseline, the bulk data set and the sweep run in this process on the same
//! database through the same store code.

use crate::config::Config;
use clap::Args;
use domain::Role;
use reqwest::Client;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use store::scratch::{DropDatabase, TempDir};
use store::{Bench, Store};

#[derive(Args)]
pub struct BenchArgs {
    /// A short run (a smoke check of every figure, for CI).
    #[arg(long)]
    quick: bool,
    /// App instances serving the same database; the case actions are spread
    /// over them (2 on PostgreSQL: the scale-out figure).
    #[arg(long, default_value_t = 1)]
    instances: usize,
}

/// How much work each figure does.
struct Size {
    nik_time: Duration,
    intake: usize,
    /// Cases in the database for the worklist and sweep figures, and how
    /// many of them are open in the measured office.
    cases: i64,
    office_open: i64,
    /// The span the cases' first escalation moments are spread over: a
    /// minute's sweep meets cases × 60 s / span of them.
    spread: Duration,
    worklist_reads: usize,
    /// Reads of the dashboard (this month) and of the year's evaluation workbook.
    dashboard_reads: usize,
    sweeps: usize,
    read_time: Duration,
    /// Rows of the NIK batch file.
    nik_rows: usize,
    /// Entries of the register index, and searches of it.
    register_rows: usize,
    register_searches: usize,
}

const FULL: Size = Size {
    nik_time: Duration::from_secs(2),
    intake: 2_000,
    cases: 1_000_000,
    office_open: 50_000,
    spread: Duration::from_secs(30 * 86_400),
    worklist_reads: 500,
    dashboard_reads: 20,
    sweeps: 5,
    read_time: Duration::from_secs(10),
    nik_rows: 1_000_000,
    register_rows: 1_000_000,
    register_searches: 300,
};
const QUICK: Size = Size {
    nik_time: Duration::from_millis(200),
    intake: 128,
    cases: 20_000,
    office_open: 2_000,
    spread: Duration::from_secs(86_400),
    worklist_reads: 50,
    dashboard_reads: 5,
    sweeps: 2,
    read_time: Duration::from_secs(1),
    nik_rows: 50_000,
    register_rows: 20_000,
    register_searches: 30,
};

/// The measured office and service: Muba's KTP-el SOP, timed in minutes
/// with one role per step (operator → verifikator → validator → kepala
/// dinas → operator).
const OFFICE: &str = "16.06";
const SERVICE: &str = "ktp-el";
const ROLES: [Role; 4] = [Role::Operator, Role::Verifikator, Role::Validator, Role::KepalaDinas];
/// Concurrent clients: case actors, and intake connections.
const ACTORS: usize = 32;
const INTAKE_CONNECTIONS: usize = 64;
/// The fixed request rate of the mixed read load.
const READ_RPS: u64 = 500;

fn emit(name: &str, value: f64, unit: &str, extra: Value) {
    let mut line = json!({"name": name, "value": round2(value), "unit": unit});
    if let (Some(l), Value::Object(e)) = (line.as_object_mut(), extra) {
        l.extend(e);
    }
    println!("{line}");
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn note(what: &str) {
    eprintln!("layanan bench: {what}");
}

pub fn run(args: &BenchArgs, cfg: &Config, database: Option<&str>) -> Result<ExitCode, String> {
    let size = if args.quick { &QUICK } else { &FULL };
    nik_check_rate(size.nik_time);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(server_figures(size, args.instances.max(1), cfg, database))?;
    Ok(ExitCode::SUCCESS)
}

/// Structural NIK checks per second on one core, over a mix of valid and
/// invalid numbers (so both paths are measured).
fn nik_check_rate(for_at_least: Duration) {
    let niks: Vec<String> = (0..4096u32)
        .map(|i| format!("33200{}{:02}{:02}90{:04}", i % 10, 1 + i % 71, 1 + i % 13, i % 10_000))
        .collect();
    let start = Instant::now();
    let mut checked: u64 = 0;
    let mut valid: u64 = 0;
    while start.elapsed() < for_at_least {
        for n in &niks {
            valid += u64::from(domain::Nik::parse(std::hint::black_box(n)).is_ok());
        }
        checked += niks.len() as u64;
    }
    std::hint::black_box(valid);
    emit("nik_check_rate", checked as f64 / start.elapsed().as_secs_f64(), "checks/s", json!({}));
}

/// Everything measured against running servers.
async fn server_figures(
    size: &Size,
    instances: usize,
    cfg: &Config,
    database: Option<&str>,
) -> Result<(), String> {
    let dir = TempDir::new("layanan-bench");
    let (url, _drop) = scratch_database(database, &dir.0).await?;
    let backend = if url.starts_with("sqlite") { "sqlite" } else { "postgres" };
    note(&format!("{backend}, {instances} instance(s), data in {}", dir.0.display()));

    let first = Instant::now();
    let mut servers = vec![Server::start(&url, &dir.0, cfg).await?];
    emit("first_start_s", first.elapsed().as_secs_f64(), "s", json!({"backend": backend}));
    if let Some(mb) = servers[0].rss_mb() {
        emit("rss_idle_mb", mb, "MB", json!({"backend": backend}));
    }
    for _ in 1..instances {
        servers.push(Server::start(&url, &dir.0, cfg).await?);
    }
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();

    let bench = store::connect_bench(&url).await.map_err(|e| e.to_string())?;
    let store: Arc<dyn Store> = bench.clone();
    let http = Client::builder().pool_max_idle_per_host(256).build().map_err(|e| e.to_string())?;
    let tokens = staff_tokens(&http, &bases[0], store.as_ref()).await?;
    // Every figure says what durability it was measured with.
    let durability = store.durability().await.map_err(|e| e.to_string())?;
    let durability: serde_json::Map<String, Value> =
        durability.into_iter().map(|d| (d.setting, Value::String(d.value))).collect();
    let tags = json!({"backend": backend, "instances": instances, "durability": durability});
    // First, while the server's peak memory is still its idle one.
    nik_batch(&http, &servers[0], &tokens[0], size.nik_rows, &tags).await?;

    let cpu = |servers: &[Server]| servers.iter().map(Server::cpu_s).sum::<f64>();
    let before = cpu(&servers);
    let ids = intake(&http, &bases, &tokens[0], size.intake, &tags).await?;
    documents_catch_up(store.as_ref(), &tags).await?;
    let mid = cpu(&servers);
    let machine = MachineCpu::now();
    let mut actions = transitions(&http, &bases, &tokens, ids).await?;
    actions.server_cpu_s = cpu(&servers) - mid;
    actions.machine_busy = machine.busy_since();
    note(&format!("server CPU: intake {:.2} s, transitions {:.2} s", mid - before, actions.server_cpu_s));
    raw_baseline(bench.clone(), &actions, &tags).await?;

    let catalog = app::Catalog::load(store.as_ref()).await.map_err(|e| e.to_string())?;
    fill(bench.as_ref(), &catalog, size).await?;
    worklist(&http, &bases[0], &tokens[1], size.worklist_reads, &tags).await?;
    dashboard(&http, &bases[0], &tokens[3], size.dashboard_reads, &tags).await?;
    sweep(store.clone(), catalog, size.sweeps, &tags).await?;
    read_load(&http, &bases, &tokens[1], size, &tags).await?;
    if let Some(mb) = servers[0].rss_mb() {
        emit("rss_load_mb", mb, "MB", json!({"backend": backend}));
    }
    let app = app::App::new(store, app::Catalog::default(), cfg.app.clone());
    register(&app, &http, &bases[0], &tokens[0], size, &tags).await?;
    Ok(())
}

/// A SQLite file in `dir`, or a new database on the given PostgreSQL
/// server (with the guard that drops it).
async fn scratch_database(
    database: Option<&str>,
    dir: &Path,
) -> Result<(String, Option<DropDatabase>), String> {
    match database {
        Some(server) if server.starts_with("postgres") => {
            let (url, guard) = store::scratch::scratch_postgres_database(server, "layanan_bench")
                .await
                .map_err(|e| format!("PostgreSQL at {server}: {e}"))?;
            Ok((url, Some(guard)))
        }
        _ => Ok((format!("sqlite://{}", dir.join("bench.db").display()), None)),
    }
}

/// One `layanan serve` child process on the bench's database.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts an instance and waits until `/readyz` answers 200. Rate
    /// limits are lifted (every request comes from 127.0.0.1) and the
    /// background sweep is left to the bench's own sweep figure.
    async fn start(url: &str, dir: &Path, cfg: &Config) -> Result<Server, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let child = Command::new(exe)
            .args(["serve", "--no-demo", "--addr", &format!("127.0.0.1:{port}")])
            .env("LAYANAN_DATABASE_URL", url)
            .env("LAYANAN_STANDARDS_DIR", &cfg.standards_dir)
            .env("LAYANAN_DOCUMENT_SECRET_FILE", dir.join("document.key"))
            .env("LAYANAN_FILES_DIR", dir.join("files"))
            .env("LAYANAN_BACKUP__DIR", dir.join("backups"))
            .env("LAYANAN_LOGIN_PER_MINUTE", "1000000")
            .env("LAYANAN_PUBLIC_PER_MINUTE", "1000000000")
            .env("LAYANAN_SWEEP_SECONDS", "86400")
            // `LAYANAN_BENCH_SERVER_LOG=warn,app::performance=debug` shows
            // where a dashboard's time goes.
            .env("LAYANAN_LOG", std::env::var("LAYANAN_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| e.to_string())?;
        let server = Server { child, base: format!("http://127.0.0.1:{port}") };
        let start = Instant::now();
        while !ready(port) {
            if start.elapsed() > Duration::from_secs(120) {
                return Err("the server did not become ready within 120 s".into());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        Ok(server)
    }

    /// CPU seconds the process has used, from /proc (Linux; 100 ticks/s).
    fn cpu_s(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the command name (which may hold spaces): utime and
        // stime are the 12th and 13th.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<f64> = rest.split_whitespace().filter_map(|x| x.parse().ok()).collect();
        (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
    }

    /// Resident set size, from /proc (Linux).
    fn rss_mb(&self) -> Option<f64> {
        self.status_mb("VmRSS:")
    }

    /// The highest resident set size the process has had.
    fn peak_mb(&self) -> Option<f64> {
        self.status_mb("VmHWM:")
    }

    fn status_mb(&self, key: &str) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kb: f64 = status.lines().find(|l| l.starts_with(key))?.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    }
}

/// The NIK batch end to end: a file of `rows` generated rows (NIK, name,
/// birth date, sex, KK; one in a hundred invalid) through `POST
/// /api/v1/nik/batch`, the answer read to its last line; rows per second
/// (the median of three runs) and how far the server's peak memory rose
/// above its resident size before the first run.
async fn nik_batch(
    http: &Client,
    server: &Server,
    token: &str,
    rows: usize,
    tags: &Value,
) -> Result<(), String> {
    let mut file = String::from("nik,nama,tanggal_lahir,jenis_kelamin,kk\n");
    for i in 0..rows {
        let (day, month, year) = (1 + i % 28, 1 + i % 12, 50 + i % 50);
        let serial = if i % 100 == 0 { 0 } else { 1 + i % 9999 };
        file.push_str(&format!(
            "332001{day:02}{month:02}{year:02}{serial:04},Warga {i},19{year:02}-{month:02}-{day:02},L,332001{:06}{:04}\n",
            i % 1_000_000,
            1 + i % 9999
        ));
    }
    let before = server.rss_mb();
    let mut rates = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let res = http
            .post(format!("{}/api/v1/nik/batch", server.base))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(file.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !res.status().is_success() {
            return Err(format!("NIK batch: {}", res.status()));
        }
        let answer = res.text().await.map_err(|e| e.to_string())?;
        let lines = answer.lines().count().saturating_sub(1);
        if lines != rows {
            return Err(format!("NIK batch answered {lines} rows of {rows}"));
        }
        rates.push(rows as f64 / start.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    let growth = before.zip(server.peak_mb()).map(|(b, p)| round2(p - b));
    emit(
        "nik_batch_rate",
        rates[1],
        "rows/s",
        merge(tags, json!({"rows": rows, "peak_rss_growth_mb": growth})),
    );
    Ok(())
}

/// `GET /readyz` answers 200.
fn ready(port: u16) -> bool {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n").is_err() {
        return false;
    }
    let mut buf = [0u8; 16];
    s.read(&mut buf)
        .is_ok_and(|n| buf[..n].starts_with(b"HTTP/1.0 200") || buf[..n].starts_with(b"HTTP/1.1 200"))
}

/// One account per role of the measured office, logged in: bearer tokens
/// in `ROLES` order.
async fn staff_tokens(http: &Client, base: &str, store: &dyn Store) -> Result<Vec<String>, String> {
    let password = "bench kata sandi yang panjang";
    let hash = app::accounts::hash_password(password).map_err(|e| e.to_string())?;
    let mut tokens = Vec::new();
    for role in ROLES {
        let username = format!("bench.{role}");
        let user = store::NewUser {
            username: username.clone(),
            display_name: format!("Bench {role}"),
            password_hash: hash.clone(),
            role,
            office: OFFICE.into(),
            unit: None,
            nip: None,
        };
        store.create_user("bench", &user).await.map_err(|e| e.to_string())?;
        let r: Value = http
            .post(format!("{base}/api/v1/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let token = r["token"].as_str().ok_or(format!("login failed: {r}"))?.to_string();
        if r["must_enrol_second_factor"] == json!(true) {
            enrol(http, base, &token).await?;
        }
        tokens.push(token);
    }
    Ok(tokens)
}

/// Sets up the second factor the role needs (the Kepala Dinas), as its
/// holder would with an app: the session stays, so the bench measures the
/// server as shipped.
async fn enrol(http: &Client, base: &str, token: &str) -> Result<(), String> {
    let post = |path: &str, body: Value| {
        http.post(format!("{base}/api/v1/me/second-factor{path}")).bearer_auth(token).json(&body).send()
    };
    let begun: Value =
        post("", json!({})).await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
    let secret = begun["secret"]
        .as_str()
        .and_then(domain::totp::base32_decode)
        .ok_or(format!("enrolment: {begun}"))?;
    let code = domain::totp::code_at(&secret, chrono::Utc::now().timestamp_millis());
    let done = post("/confirm", json!({"code": code})).await.map_err(|e| e.to_string())?;
    if !done.status().is_success() {
        return Err(format!("second factor not confirmed: {}", done.status()));
    }
    Ok(())
}

/// Latencies in milliseconds, sorted.
struct Latencies(Vec<f64>);

impl Latencies {
    fn new(mut v: Vec<f64>) -> Latencies {
        v.sort_by(f64::total_cmp);
        Latencies(v)
    }

    fn pct(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        self.0[((q * self.0.len() as f64) as usize).min(self.0.len() - 1)]
    }

    fn summary(&self) -> Value {
        json!({"p50_ms": round2(self.pct(0.50)), "p99_ms": round2(self.pct(0.99))})
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn merge(a: &Value, b: Value) -> Value {
    let mut a = a.clone();
    if let (Some(m), Value::Object(b)) = (a.as_object_mut(), b) {
        m.extend(b);
    }
    a
}

/// Runs `n` jobs over `workers` concurrent tasks, showing `what` with its
/// progress; each job returns its latency. The wall time and the latencies.
async fn drive<F, Fut>(
    what: String,
    workers: usize,
    n: usize,
    job: F,
) -> Result<(Duration, Latencies), String>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let job = Arc::new(job);
    let shown = Arc::new(crate::progress::counted(what, n as u64));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (next, job, shown) = (next.clone(), job.clone(), shown.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, String>(lat);
                }
                let t = Instant::now();
                job(i).await?;
                lat.push(ms(t.elapsed()));
                shown.inc(1);
            }
        }));
    }
    let mut all = Vec::with_capacity(n);
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    let wall = start.elapsed();
    if let Ok(shown) = Arc::try_unwrap(shown) {
        shown.done(&format!("{n} in {:.1} s", wall.as_secs_f64()));
    }
    Ok((wall, Latencies::new(all)))
}

/// Counter applications through the full HTTP path, 64 connections.
async fn intake(
    http: &Client,
    bases: &[String],
    token: &str,
    n: usize,
    tags: &Value,
) -> Result<Vec<i64>, String> {
    let what = format!("intake: {n} applications over {INTAKE_CONNECTIONS} connections");
    let ids = Arc::new(std::sync::Mutex::new(Vec::with_capacity(n)));
    let (http, bases, token, got) = (http.clone(), bases.to_vec(), token.to_string(), ids.clone());
    let (wall, lat) = drive(what, INTAKE_CONNECTIONS, n, move |i| {
        let (http, base, token, got) =
            (http.clone(), bases[i % bases.len()].clone(), token.clone(), got.clone());
        async move {
            let body = json!({
                "service": format!("{OFFICE}-{SERVICE}"), "channel": "counter",
                "applicant": {"name": format!("Pemohon {i}"), "nik": "1606015708900001"},
                "fields": {"jenis_permohonan": "rekam"}
            });
            let r = post(&http, &format!("{base}/api/v1/applications"), &token, &body).await?;
            got.lock().map_err(|e| e.to_string())?.push(r["id"].as_i64().ok_or(format!("no id: {r}"))?);
            Ok(())
        }
    })
    .await?;
    emit("intake_rate", n as f64 / wall.as_secs_f64(), "applications/s", merge(tags, lat.summary()));
    let ids = ids.lock().map_err(|e| e.to_string())?.clone();
    Ok(ids)
}

async fn post(http: &Client, url: &str, token: &str, body: &Value) -> Result<Value, String> {
    let r = http.post(url).bearer_auth(token).json(body).send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let v: Value = r.json().await.map_err(|e| e.to_string())?;
    if status.is_success() { Ok(v) } else { Err(format!("{url}: {status} {v}")) }
}

/// Each case advanced through steps 2–5 by the role that owns each step:
/// four durable actions per case, each a journal row and an audit row.
/// 32 actors, each working one case at a time.
async fn transitions(
    http: &Client,
    bases: &[String],
    tokens: &[String],
    ids: Vec<i64>,
) -> Result<Measured, String> {
    let n = ids.len() * ROLES.len();
    let what = format!("transitions: {n} case actions by {ACTORS} actors ({} cases)", ids.len());
    let ids = Arc::new(ids);
    let (http, bases, tokens) = (http.clone(), bases.to_vec(), tokens.to_vec());
    let per_case = Arc::new(std::sync::Mutex::new(Vec::new()));
    let lat_all = per_case.clone();
    let (wall, _) = drive(what, ACTORS, ids.len(), move |i| {
        let (http, tokens, lat_all) = (http.clone(), tokens.clone(), lat_all.clone());
        let (id, base) = (ids[i], bases[i % bases.len()].clone());
        async move {
            let mut lat = Vec::new();
            for (version, token) in (1..).zip(&tokens) {
                let t = Instant::now();
                let url = format!("{base}/api/v1/cases/{id}/actions");
                post(&http, &url, token, &json!({"action": "advance", "expected_version": version})).await?;
                lat.push(ms(t.elapsed()));
            }
            lat_all.lock().map_err(|e| e.to_string())?.extend(lat);
            Ok(())
        }
    })
    .await?;
    let lat = Latencies::new(per_case.lock().map_err(|e| e.to_string())?.clone());
    Ok(Measured { n, wall, lat, server_cpu_s: 0.0, machine_busy: 0.0 })
}

/// A run of `n` operations: its wall time and latencies.
struct Measured {
    n: usize,
    wall: Duration,
    lat: Latencies,
    /// CPU the servers spent on it.
    server_cpu_s: f64,
    /// The share of the machine's CPU time that was busy meanwhile (all
    /// processes: client, servers, database).
    machine_busy: f64,
}

/// The machine's CPU counters (Linux `/proc/stat`): busy and total ticks.
struct MachineCpu(u64, u64);

impl MachineCpu {
    fn now() -> MachineCpu {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let f: Vec<u64> = stat
            .lines()
            .next()
            .unwrap_or("")
            .split_whitespace()
            .skip(1)
            .filter_map(|x| x.parse().ok())
            .collect();
        let total: u64 = f.iter().sum();
        let idle = f.get(3).copied().unwrap_or(0) + f.get(4).copied().unwrap_or(0);
        MachineCpu(total - idle, total)
    }

    fn busy_since(&self) -> f64 {
        let now = MachineCpu::now();
        let total = now.1.saturating_sub(self.1).max(1);
        now.0.saturating_sub(self.0) as f64 / total as f64
    }
}

impl Measured {
    fn rate(&self) -> f64 {
        self.n as f64 / self.wall.as_secs_f64()
    }
}

/// Raw durable single-row inserts into a plain table, as many as there were
/// case actions, by as many concurrent writers; then the transition line
/// with this baseline and the ratio.
async fn raw_baseline(store: Arc<dyn Bench>, actions: &Measured, tags: &Value) -> Result<(), String> {
    let n = actions.n;
    let what = format!("baseline: {n} raw durable inserts by {ACTORS} writers");
    store.bench_prepare().await.map_err(|e| e.to_string())?;
    let payload = "x".repeat(200);
    let (wall, lat) = drive(what, ACTORS, n, move |_| {
        let (store, payload) = (store.clone(), payload.clone());
        async move { store.bench_raw_insert(&payload).await.map_err(|e| e.to_string()) }
    })
    .await?;
    let baseline = n as f64 / wall.as_secs_f64();
    let rate = actions.rate();
    let extra = json!({
        "baseline": round2(baseline),
        "ratio": round2(rate / baseline),
        "p50_ms": round2(actions.lat.pct(0.5)),
        "p99_ms": round2(actions.lat.pct(0.99)),
        "baseline_p99_ms": round2(lat.pct(0.99)),
        "server_cpu_ms_per_action": round2(actions.server_cpu_s * 1000.0 / n as f64),
        "machine_cpu_busy": round2(actions.machine_busy),
        "actors": ACTORS,
    });
    emit("transition_rate", rate, "actions/s", merge(tags, extra));
    Ok(())
}

/// The receipts' PDFs are produced after their applications commit, by the
/// server's producer job: how long it takes to catch up with the intake
/// burst (`document_rate`: PDFs rendered, sealed and stored per second).
/// The transitions are measured after it, on a server at rest.
async fn documents_catch_up(store: &dyn Store, tags: &Value) -> Result<(), String> {
    let started = Instant::now();
    let pending = store.pending_documents(i64::MAX).await.map_err(|e| e.to_string())?.len();
    while !store.pending_documents(1).await.map_err(|e| e.to_string())?.is_empty() {
        if started.elapsed() > Duration::from_secs(600) {
            return Err("the document producer did not catch up within 10 minutes".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let took = started.elapsed().as_secs_f64();
    note(&format!("documents: {pending} PDFs pending after the intake, produced in {took:.1} s"));
    let rate = if took > 0.0 { pending as f64 / took } else { 0.0 };
    emit(
        "document_rate",
        rate,
        "documents/s",
        merge(tags, json!({"pending_after_intake": pending, "catch_up_s": round2(took)})),
    );
    Ok(())
}

/// The large data set: `size.cases` open cases, `office_open` of them in
/// the measured office, the rest spread over every other standard.
async fn fill(store: &dyn Bench, catalog: &app::Catalog, size: &Size) -> Result<(), String> {
    let now = store::now_ms();
    let mut others: Vec<_> = catalog
        .for_office_or_all(None)
        .filter(|s| s.office.as_str() != OFFICE && !staff_steps(s).is_empty())
        .collect();
    others.sort_by_key(|s| s.id());
    let mut plan = vec![(
        catalog.get(&format!("{OFFICE}-{SERVICE}")).ok_or("the measured standard is missing")?,
        size.office_open,
    )];
    let rest = (size.cases - size.office_open).max(0);
    for (i, s) in others.iter().enumerate() {
        let share = rest / others.len() as i64 + i64::from((i as i64) < rest % others.len() as i64);
        plan.push((s, share));
    }
    let what = format!("filling {} open cases ({} in {OFFICE}), by standard", size.cases, size.office_open);
    let shown = crate::progress::counted(what, plan.len() as u64);
    let mut first = 1;
    for (std, count) in plan {
        let channel = std.channels.first().map(|c| c.code.clone()).unwrap_or_default();
        let f = store::CaseFill {
            office: std.office.as_str().to_string(),
            service: std.slug.clone(),
            version: i64::from(std.version),
            channel,
            steps: staff_steps(std),
            first,
            count,
            now,
            spread_ms: size.spread.as_millis() as i64,
        };
        store.bench_fill_cases(&f).await.map_err(|e| format!("filling {}: {e}", std.id()))?;
        first += count;
        shown.inc(1);
    }
    shown.done(&format!("{} cases", first - 1));
    Ok(())
}

/// (step id, role) of a standard's staff steps.
fn staff_steps(s: &domain::Standard) -> Vec<(String, String)> {
    s.steps
        .iter()
        .filter_map(|st| match st.actor {
            domain::standard::Actor::Staff(r) => Some((st.id.clone(), r.to_string())),
            _ => None,
        })
        .collect()
}

/// The verifikator's worklist page (with its counters), one request at a
/// time.
async fn worklist(http: &Client, base: &str, token: &str, n: usize, tags: &Value) -> Result<(), String> {
    note(&format!("worklist: {n} reads"));
    let url = format!("{base}/api/v1/worklist");
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        get(http, &url, Some(token)).await?;
        lat.push(ms(t.elapsed()));
    }
    let lat = Latencies::new(lat);
    emit("worklist_p50", lat.pct(0.5), "ms", tags.clone());
    emit("worklist_p99", lat.pct(0.99), "ms", tags.clone());
    Ok(())
}

/// The Kepala Dinas's dashboard of this month over the filled database,
/// one request at a time, and the year's evaluation report as a PDF (its
/// tables, charts and layout; the median of a few).
async fn dashboard(http: &Client, base: &str, token: &str, n: usize, tags: &Value) -> Result<(), String> {
    note(&format!("dashboard: {n} reads, and the year's evaluation"));
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        get(http, &format!("{base}/api/v1/dashboard"), Some(token)).await?;
        lat.push(ms(t.elapsed()));
    }
    emit("dashboard_p50", Latencies::new(lat).pct(0.5), "ms", tags.clone());
    let year = chrono::Utc::now().format("%Y");
    let url = format!("{base}/api/v1/reports/evaluation?from={year}-01&to={year}-12&format=pdf");
    let mut took = Vec::new();
    for _ in 0..n.clamp(1, 5) {
        let t = Instant::now();
        get(http, &url, Some(token)).await?;
        took.push(t.elapsed().as_secs_f64());
    }
    emit("evaluation_year_s", Latencies::new(took).pct(0.5), "s", tags.clone());
    Ok(())
}

async fn get(http: &Client, url: &str, token: Option<&str>) -> Result<(), String> {
    let mut req = http.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let body = r.bytes().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("{url}: {status} {}", String::from_utf8_lossy(&body)))
    }
}

/// The escalation sweep as the server runs it every minute, over all open
/// cases. A first run catches up with the cases the intake and transition
/// figures left past due, all at once (reported beside); the figure is the
/// median of the runs after it, each one minute later than the last.
async fn sweep(
    store: Arc<dyn Store>,
    catalog: app::Catalog,
    runs: usize,
    tags: &Value,
) -> Result<(), String> {
    let start = chrono::Utc::now();
    let clock = Arc::new(app::clock::ShiftedClock::new());
    let app = app::App::new(store, catalog, app::Config::default()).with_clock(clock.clone());
    let once = async |minutes: i64| {
        clock.set(start + chrono::Duration::minutes(minutes));
        let t = Instant::now();
        let r = app::cases::sweep::sweep(&app).await.map_err(|e| e.to_string())?;
        Ok::<_, String>((ms(t.elapsed()), r))
    };
    // Ten minutes on, the measured cases' 3-minute step is past twice its
    // time (or waits for the next working morning): all of it fires here,
    // as do the data set's first ten minutes.
    let (catch_up_ms, catch_up) = once(10).await?;
    let (mut times, mut fired, mut due) = (Vec::new(), 0, 0);
    for i in 1..=runs {
        let (t, r) = once(10 + i as i64).await?;
        times.push(t);
        (fired, due) = (fired + r.fired, due + r.checked);
    }
    let lat = Latencies::new(times);
    let extra = json!({
        "runs": runs, "max_ms": round2(lat.pct(1.0)), "cases_due": due, "fired": fired,
        "catch_up_ms": round2(catch_up_ms), "catch_up_fired": catch_up.fired,
    });
    emit("sweep_ms", lat.pct(0.5), "ms", merge(tags, extra));
    Ok(())
}

/// A fixed 500 requests/s of catalogue, tracking and worklist reads; each
/// latency counts from the moment its request was due, so a stall shows.
async fn read_load(
    http: &Client,
    bases: &[String],
    token: &str,
    size: &Size,
    tags: &Value,
) -> Result<(), String> {
    let total = (READ_RPS as f64 * size.read_time.as_secs_f64()) as usize;
    let shown =
        crate::progress::counted(format!("read load: {total} requests at {READ_RPS}/s"), total as u64);
    let start = Instant::now() + Duration::from_millis(50);
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let due = start + Duration::from_micros(1_000_000 * i as u64 / READ_RPS);
        let base = &bases[i % bases.len()];
        let (url, auth) = match i % 3 {
            0 => (format!("{base}/api/v1/services"), None),
            1 => (format!("{base}/api/v1/track/B{}", 1 + (i * 7919) as i64 % size.cases), None),
            _ => (format!("{base}/api/v1/worklist"), Some(token.to_string())),
        };
        let http = http.clone();
        tokio::time::sleep_until(due.into()).await;
        tasks.push(tokio::spawn(async move {
            get(&http, &url, auth.as_deref()).await?;
            Ok::<_, String>(ms(due.elapsed()))
        }));
    }
    let mut lat = Vec::with_capacity(total);
    for t in tasks {
        lat.push(t.await.map_err(|e| e.to_string())??);
        shown.inc(1);
    }
    shown.done(&format!("{total} answered"));
    let lat = Latencies::new(lat);
    emit(
        "http_read_p99",
        lat.pct(0.99),
        "ms",
        merge(tags, json!({"rps": READ_RPS, "p50_ms": round2(lat.pct(0.5))})),
    );
    Ok(())
}

/// Name parts of the register's generated entries: 100 × 100 × 100 names,
/// with the letters the old spelling writes otherwise (u, j, c, y).
const GIVEN: &str = "Budi Joko Siti Sri Agus Yusuf Cahya Dewi Rudi Wahyu Nur Tri Eko Dwi Ayu Putri Rina Yanti Hadi \
    Bambang Suharto Sukarno Mulyadi Yudi Bayu Cici Juju Ujang Asep Dadang Ucup Yayan Jajang Cecep Acep Usman \
    Umar Yahya Yunus Yusran Jumadi Juhari Cahyo Yuliana Yulia Juwita Lucy Cindy Yoyon Junaidi Ilyas Musa \
    Ismail Yakub Ishak Nuh Luthfi Jaya Surya Cakra Candra Citra Yosef Yohanes Maria Lucia Ursula Jumiati \
    Suciati Suyatmi Sujono Sutrisno Subagyo Supriyadi Suryani Sulastri Sumiyati Sunarti Jamal Juned Cahyadi \
    Yuyun Yati Juli Mujiono Mujiati Mulyono Mulyani Murni Rahayu Wahyudi Yuniarti Yusnita Yudha Jihan \
    Julia Juanda Cucu Umi Ulfa Ulya Yasmin";
const MIDDLE: &str = "Ayu Nur Cahya Putra Putri Dwi Tri Eka Sri Wahyu Yoga Budi Surya Jaya Indah Suci Mulia Kurnia \
    Rahmat Hidayat Yusuf Jati Candra Cipta Kusuma Utama Lestari Wulan Bulan Bunga Juwita Ratna Permata Intan \
    Mutiara Cinta Kasih Sayang Yuliani Juniar Yudistira Arjuna Nakula Sadewa Bima Sinta Rama Laksmana \
    Hanoman Gatot Kaca Abimanyu Utari Sumbadra Srikandi Drupadi Kunti Gandari Yamadipati Jatayu Sugriwa \
    Anoman Cakrawala Buana Nusantara Jawa Sunda Bugis Madura Banjar Dayak Minang Batak Ambon Papua Timur \
    Utara Selatan Barat Tengah Raya Agung Mulyo Rejo Joyo Kusumo Wibowo Santoso Susilo Yuwono Cahyono \
    Suryono Purnomo Sulistyo Hartono Yulianto Juwono Budiono Mulyanto Subroto";
const FAMILY: &str = "Santoso Wijaya Susanto Cahyono Yulianto Gunawan Setiawan Kurniawan Hidayat Rahman Nugroho \
    Saputra Pratama Wibowo Hartono Kusuma Siregar Nasution Lubis Harahap Simanjuntak Sitompul Pangaribuan \
    Tanjung Daulay Batubara Situmorang Sinaga Manurung Hutapea Purba Ginting Sembiring Tarigan Karo Munthe \
    Panjaitan Silalahi Sianturi Marpaung Pasaribu Hutagalung Tambunan Sihombing Napitupulu Simatupang \
    Sirait Matondang Rangkuti Pulungan Hasibuan Ritonga Dalimunthe Tanjoeng Suryadi Jauhari Junaedi \
    Mulyadi Wahyudi Yusuf Juanda Cahyadi Sucipto Sujatmiko Suharyanto Suryanto Yudhoyono Joyokusumo \
    Jayadi Cokro Cokroaminoto Hadiwijaya Suryadiningrat Mangkunegara Hamengkubuwono Pakualam Surakarta \
    Yogyakarta Jepara Kudus Demak Pati Rembang Blora Grobogan Semarang Kendal Batang Pekalongan \
    Pemalang Tegal Brebes Cilacap Banyumas Purbalingga Banjarnegara Kebumen Purworejo Wonosobo";

fn parts(list: &'static str) -> Vec<&'static str> {
    list.split_whitespace().collect()
}

/// The `i`th generated name: one of 1,000,000.
fn register_name(i: usize, lists: &[Vec<&'static str>; 3]) -> String {
    let [g, m, f] = lists;
    format!("{} {} {}", g[i % g.len()], m[(i / g.len()) % m.len()], f[(i / (g.len() * m.len())) % f.len()])
}

/// A name as the old spelling writes it (Joko Cahyono: Djoko Tjahjono);
/// a y after d stays (the old spelling has no "dj" for "dy").
fn old_spelling(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    let mut previous = ' ';
    for c in name.chars() {
        match c {
            'j' => out.push_str("dj"),
            'J' => out.push_str("Dj"),
            'c' => out.push_str("tj"),
            'C' => out.push_str("Tj"),
            'u' => out.push_str("oe"),
            'y' if previous != 'd' => out.push('j'),
            c => out.push(c),
        }
        previous = c;
    }
    out
}

/// The register index: `register_rows` generated entries imported through
/// `app::register::Import` (the CLI's and the API's path, in this process),
/// then searched over HTTP one request at a time — a name as written, the
/// same name in the old spelling, a family name alone — each of which
/// must find something.
async fn register(
    app: &app::App,
    http: &Client,
    base: &str,
    token: &str,
    size: &Size,
    tags: &Value,
) -> Result<(), String> {
    let rows = size.register_rows;
    note(&format!("register: importing {rows} entries"));
    let lists = [parts(GIVEN), parts(MIDDLE), parts(FAMILY)];
    let mut import = app::register::Import::new(app, OFFICE, "bench").await.map_err(|e| e.to_string())?;
    let start = Instant::now();
    for i in 0..rows {
        let line = format!(
            "kelahiran,3320-LT-{i:07},{},{},Ayah {i},Ibu {i},Sekayu,,{},{}",
            1950 + i % 70,
            register_name(i, &lists),
            1 + i / 500,
            1 + i % 500
        );
        import.line(app, &line).await.map_err(|e| e.to_string())?;
    }
    let report = import.finish(app).await.map_err(|e| e.to_string())?;
    if report.imported != rows as u64 {
        return Err(format!("register import: {} of {rows} imported", report.imported));
    }
    emit(
        "register_import_rate",
        rows as f64 / start.elapsed().as_secs_f64(),
        "rows/s",
        merge(tags, json!({"rows": rows})),
    );
    let mut lat = Vec::with_capacity(size.register_searches);
    for i in 0..size.register_searches {
        let name = register_name(i.wrapping_mul(7919) % rows, &lists);
        let q = match i % 3 {
            0 => name,
            1 => old_spelling(&name),
            _ => name.rsplit(' ').next().unwrap_or_default().to_string(),
        };
        let t = Instant::now();
        let r = http
            // Generated names hold only letters and spaces.
            .get(format!("{base}/api/v1/register?name={}", q.replace(' ', "%20")))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let body: Value = r.json().await.map_err(|e| e.to_string())?;
        lat.push(ms(t.elapsed()));
        if body["hits"].as_array().is_none_or(Vec::is_empty) {
            return Err(format!("register search `{q}` found nothing: {body}"));
        }
    }
    let lat = Latencies::new(lat);
    emit(
        "register_search_p50",
        lat.pct(0.5),
        "ms",
        merge(tags, json!({"entries": rows, "p99_ms": round2(lat.pct(0.99))})),
    );
    Ok(())
}
