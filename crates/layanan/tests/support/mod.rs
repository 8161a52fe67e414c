//! What the binary's end-to-end tests share: a fresh `layanan serve` on a
//! scratch SQLite database (with or without its demo data), its demo
//! accounts as printed at start, and small API helpers.

#![allow(dead_code)] // each test binary uses its own part

pub mod webdriver;

use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
pub use store::testing::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_layanan");
/// A structurally valid NIK (Musi Banyuasin).
pub const NIK: &str = "1606015708900001";
/// The smallest file the upload check takes as a PDF.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n";

/// `layanan <args>` on database `db` with files under `files`.
pub fn layanan(args: &[&str], db: &str, files: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .env("LAYANAN_DATABASE_URL", db)
        .env_remove("LAYANAN_CONFIG")
        .env("LAYANAN_DOCUMENT_SECRET", "22".repeat(32))
        .env("LAYANAN_FILES_DIR", files)
        .env("LAYANAN_BACKUP__DIR", files.with_file_name("backups"))
        .env("LAYANAN_PUBLIC_PER_MINUTE", "1000000")
        .env("LAYANAN_LOGIN_PER_MINUTE", "1000");
    c
}

type Lines = Arc<Mutex<Vec<String>>>;

/// Starts `layanan serve <extra>` on a free port and waits until it says it
/// is serving; returns the child, its URL, its log (stderr) and its stdout
/// lines so far (the demo accounts are printed before it serves).
pub fn spawn_server(
    extra: &[&str],
    db: &str,
    files: &std::path::Path,
    log: &str,
    env: &[(&str, &str)],
) -> (Child, String, Lines, Lines) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--addr", &addr];
    args.extend_from_slice(extra);
    let mut child = layanan(&args, db, files)
        .env("LAYANAN_LOG", log)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (log, stdout): (Lines, Lines) = Default::default();
    let (tx, rx) = std::sync::mpsc::channel();
    let (err, out) = (child.stderr.take().unwrap(), child.stdout.take().unwrap());
    let lines = log.clone();
    std::thread::spawn(move || {
        for l in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(l.contains("layanan is serving"));
            lines.lock().unwrap().push(l);
        }
    });
    let printed = stdout.clone();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            printed.lock().unwrap().push(l);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if rx.recv_timeout(Duration::from_millis(200)) == Ok(true) {
            return (child, format!("http://{addr}"), log, stdout);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start: {:?}", log.lock().unwrap());
}

/// A running server; killed on drop.
pub struct Server {
    child: Child,
    pub url: String,
    /// Demo username → password, as printed at start.
    pub accounts: HashMap<String, String>,
    pub log: Lines,
    http: reqwest::Client,
    _dir: TempDir,
}

impl Server {
    /// `layanan serve` with its demo data on a fresh database.
    /// The demo as shipped, but no role needs a second factor: the flows
    /// log its admins, heads and auditors in with a password alone.
    pub fn start_demo() -> Server {
        Self::demo(&[("LAYANAN_SECOND_FACTOR_ROLES", "[]")])
    }

    /// The demo exactly as `cargo run` serves it: admins, heads of office
    /// and auditors set up a second factor at their first login.
    pub fn start_demo_as_shipped() -> Server {
        Self::demo(&[])
    }

    fn demo(env: &[(&str, &str)]) -> Server {
        let dir = TempDir::new("browser-server");
        let db = format!("sqlite://{}/layanan.db", dir.0.display());
        let (child, url, log, stdout) = spawn_server(&[], &db, &dir.0.join("files"), "info", env);
        // The accounts are printed before the server says it serves, but
        // its two pipes are read by different threads: wait for the table.
        let mut accounts = HashMap::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while accounts.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            for l in stdout.lock().unwrap().iter() {
                let words: Vec<&str> = l.split_whitespace().collect();
                if words.len() == 4 && words[0].contains('.') && words[0] != "username" {
                    accounts.insert(words[0].to_string(), words[3].to_string());
                }
            }
        }
        assert!(!accounts.is_empty(), "no demo accounts printed");
        Server { child, url, accounts, log, http: reqwest::Client::new(), _dir: dir }
    }

    /// The server's database (SQLite, in its scratch folder).
    pub fn database_url(&self) -> String {
        format!("sqlite://{}/layanan.db", self._dir.0.display())
    }

    pub fn password(&self, username: &str) -> String {
        self.accounts.get(username).unwrap_or_else(|| panic!("no demo account {username}")).clone()
    }

    /// A bearer token for a demo account.
    pub async fn token(&self, username: &str) -> String {
        login_token(&self.url, username, &self.password(username)).await
    }

    pub async fn api_get(&self, path: &str, token: Option<&str>) -> Value {
        let mut req = self.http.get(format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap().json().await.unwrap()
    }

    pub async fn api_post(&self, path: &str, token: &str, body: Value) -> Value {
        let req = self.http.post(format!("{}{path}", self.url)).bearer_auth(token).json(&body);
        req.send().await.unwrap().json().await.unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of a PDF, read back with `pdftotext`.
/// Logs in at the server `base` and returns the bearer token.
pub async fn login_token(base: &str, username: &str, password: &str) -> String {
    let body = serde_json::json!({"username": username, "password": password});
    let res = reqwest::Client::new().post(format!("{base}/api/v1/login")).json(&body).send().await.unwrap();
    let v: Value = res.json().await.unwrap();
    v["token"].as_str().unwrap_or_else(|| panic!("login {username}: {v}")).to_string()
}

pub fn pdf_text(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/setup-test-deps.sh)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
