//! `layanan bench [--quick]`: measures and prints one JSON line per figure
//! (`{"name", "value", "unit", …}`). Figures so far: `nik_check_rate`,
//! `first_start_s`, `rss_idle_mb`; the case, worklist, sweep and HTTP
//! figures of the performance issue are still to come.

use clap::Args;
use serde_json::json;
use std::io::{Read, Write};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct BenchArgs {
    /// A short run (a smoke check of every figure, for CI).
    #[arg(long)]
    quick: bool,
}

fn emit(name: &str, value: f64, unit: &str) {
    println!("{}", json!({"name": name, "value": (value * 100.0).round() / 100.0, "unit": unit}));
}

pub fn run(args: &BenchArgs) -> Result<ExitCode, String> {
    nik_check_rate(if args.quick { Duration::from_millis(200) } else { Duration::from_secs(2) });
    first_start()?;
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
    emit("nik_check_rate", checked as f64 / start.elapsed().as_secs_f64(), "checks/s");
}

/// Empty database to serving (region import included), and the server's
/// resident memory once it is idle.
fn first_start() -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("layanan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let start = Instant::now();
    let mut child = Command::new(exe)
        .args(["serve", "--no-demo", "--addr", &format!("127.0.0.1:{port}")])
        .env("LAYANAN_DATABASE_URL", format!("sqlite://{}", dir.join("bench.db").display()))
        .env("LAYANAN_DOCUMENT_SECRET_FILE", dir.join("document.key"))
        .env("LAYANAN_FILES_DIR", dir.join("files"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let ready = loop {
        if ready(port) {
            break Some(start.elapsed());
        }
        if start.elapsed() > Duration::from_secs(60) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let rss = rss_mb(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let ready = ready.ok_or("the server did not become ready within 60 s")?;
    emit("first_start_s", ready.as_secs_f64(), "s");
    if let Some(mb) = rss {
        emit("rss_idle_mb", mb, "MB");
    }
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

/// Resident set size of a process, from /proc (Linux).
fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 =
        status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
