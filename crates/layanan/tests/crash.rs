//! Crash safety: the server is killed with SIGKILL in the middle of a load
//! of applications and case actions; every write a client saw acknowledged
//! must be in the database afterwards, with its journal row, the audit
//! chains intact and no case in an impossible state. On SQLite and on
//! PostgreSQL.

use std::io::Write;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::testing::TempDir;
use support::layanan;

mod support;

const PASSWORD: &str = "sebuah kata sandi panjang";
const NIK: &str = "1606015708900001";
/// Concurrent clients, and the writes they attempt in all.
const CLIENTS: usize = 32;
const ATTEMPTS: usize = 1_000;

/// Starts `serve`; returns the child, its address, and its log lines.
fn serve(db: &str, files: &std::path::Path) -> (Child, String, Arc<Mutex<Vec<String>>>) {
    serve_logging(db, files, "info")
}

/// As `serve`, with the given log filter.
fn serve_logging(db: &str, files: &std::path::Path, log: &str) -> (Child, String, Arc<Mutex<Vec<String>>>) {
    let (child, url, log, _) = support::spawn_server(&["--no-demo"], db, files, log, &[]);
    (child, url, log)
}

fn add_user(db: &str, files: &std::path::Path, name: &str, role: &str) {
    let mut c = layanan(
        &["user", "add", "--username", name, "--role", role, "--office", "16.06", "--password-stdin"],
        db,
        files,
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    c.stdin.take().unwrap().write_all(PASSWORD.as_bytes()).unwrap();
    assert!(c.wait_with_output().unwrap().status.success());
}

/// What the clients saw acknowledged.
#[derive(Default)]
struct Acked {
    /// (case id, tracking code) of each application answered 201.
    applications: Vec<(i64, String)>,
    /// (case id, version after) of each action answered 200.
    actions: Vec<(i64, i64)>,
}

async fn crash_on(db: &str) {
    let files = TempDir::new("crash-files");
    let (mut server, base, log) = serve(db, &files.0);
    add_user(db, &files.0, "muba.op", "operator");
    let http = reqwest::Client::new();
    let token = support::login_token(&base, "muba.op", PASSWORD).await;

    // Each client applies, then notes on what it applied: an application
    // and a case action per round, until the server is gone.
    let acked = Arc::new(Mutex::new(Acked::default()));
    let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (http, base, token, acked, started) =
            (http.clone(), base.clone(), token.clone(), acked.clone(), started.clone());
        clients.push(tokio::spawn(async move {
            while started.fetch_add(2, std::sync::atomic::Ordering::Relaxed) < ATTEMPTS {
                let body = serde_json::json!({
                    "service": "16.06-ktp-el", "channel": "counter",
                    "applicant": {"name": format!("Pemohon {c}"), "nik": NIK},
                    "fields": {"jenis_permohonan": "rekam"}
                });
                let Ok(r) = http
                    .post(format!("{base}/api/v1/applications"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                else {
                    return;
                };
                if r.status() != 201 {
                    continue;
                }
                let Ok(v) = r.json::<serde_json::Value>().await else { return };
                let id = v["id"].as_i64().unwrap();
                acked
                    .lock()
                    .unwrap()
                    .applications
                    .push((id, v["tracking_code"].as_str().unwrap().to_string()));
                let note = serde_json::json!({"action": "note", "expected_version": 1, "note": "diperiksa"});
                let url = format!("{base}/api/v1/cases/{id}/actions");
                let Ok(r) = http.post(url).bearer_auth(&token).json(&note).send().await else { return };
                if r.status() == 200
                    && let Ok(v) = r.json::<serde_json::Value>().await
                {
                    acked.lock().unwrap().actions.push((id, v["version"].as_i64().unwrap()));
                }
            }
        }));
    }
    // Kill it mid-load: once a good part of the writes were acknowledged.
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.lock().unwrap().applications.len() < ATTEMPTS / 6 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for c in clients {
        c.await.unwrap();
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(acked.applications.len() >= ATTEMPTS / 6, "the load ran: {}", acked.applications.len());

    // The database after the crash, read directly.
    let store = store::connect(db).await.unwrap();
    for (id, code) in &acked.applications {
        let case =
            store.case_by_tracking(code).await.unwrap().unwrap_or_else(|| panic!("lost application {code}"));
        assert_eq!(case.id, *id);
        assert!(!store.journal(*id).await.unwrap().is_empty(), "application {code} without its journal");
    }
    for (id, version) in &acked.actions {
        let case = store.case(*id).await.unwrap().unwrap();
        assert!(case.version >= *version, "case {id}: acknowledged version {version} lost");
        let journal = store.journal(*id).await.unwrap();
        assert!(journal.iter().any(|j| j.action == "note"), "case {id}: acknowledged note lost");
    }
    let report = store.audit_verify().await.unwrap();
    assert!(report.ok, "{report:?}");
    // Every acknowledged application has its numbered, signed receipt, and
    // the receipt numbers have no gap (the PDF itself may still be pending).
    let mut seqs = Vec::new();
    for (id, code) in &acked.applications {
        let docs = store.case_documents(*id).await.unwrap();
        let receipt = docs.iter().find(|d| d.doc_type == "tanda_terima");
        let receipt = receipt.unwrap_or_else(|| panic!("application {code} without its receipt"));
        assert!(receipt.payload.starts_with("v1."), "receipt of {code} is not signed");
        seqs.push(receipt.seq);
    }
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), acked.applications.len(), "two receipts share a number");
    // Every document here is a receipt of one office and year: a number
    // above the count of documents would be a gap.
    let counts = store.row_counts().await.unwrap();
    let documents = counts.iter().find(|(t, _)| t == "documents").unwrap().1;
    assert!(*seqs.last().unwrap() <= documents, "a gap in the receipt numbers");
    // No impossible state: each case's last journal row says where it is.
    for (id, _) in &acked.applications {
        let case = store.case(*id).await.unwrap().unwrap();
        let last = store.journal(*id).await.unwrap().pop().unwrap();
        assert_eq!(
            (last.to_status.as_str(), last.to_step.as_deref()),
            (case.status.as_str(), case.current_step.as_deref())
        );
        assert!(case.status != domain::Status::Submitted || case.current_step.is_some());
    }
    drop(store);
    // Personal data stays out of the logs, even under load and errors.
    assert!(!log.lock().unwrap().iter().any(|l| l.contains(NIK)), "a NIK was logged");

    // And the server starts again on the same database, and produces every
    // PDF the crash left pending: each one stored, sealed and genuine.
    let (mut again, base, _) = serve(db, &files.0);
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap().status();
    let store = store::connect(db).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !store.pending_documents(1).await.unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    again.kill().unwrap();
    again.wait().unwrap();
    assert_eq!(ready, 200);
    assert!(store.pending_documents(1).await.unwrap().is_empty(), "PDFs still pending after restart");
    let keys: Vec<_> = store
        .office_keys(None)
        .await
        .unwrap()
        .into_iter()
        .map(|k| (k.id, documents::keys::public_from_hex(&k.public_key).unwrap()))
        .collect();
    let disk = store::files::DiskFiles::new(files.0.clone());
    for (id, code) in &acked.applications {
        for d in store.case_documents(*id).await.unwrap() {
            let pdf = store::files::FileStore::get(&disk, &d.pdf_sha256)
                .unwrap_or_else(|e| panic!("receipt of {code}: no PDF ({e})"));
            let sealed = documents::seal::check(&pdf, &keys).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(sealed.number, d.number);
        }
    }
    assert!(store.audit_verify().await.unwrap().ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill_sqlite() {
    let dir = TempDir::new("crash");
    crash_on(&format!("sqlite://{}", dir.0.join("layanan.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill_postgres() {
    let Some(server) = store::testing::postgres_url() else { return };
    let (url, _drop) = store::scratch::scratch_postgres_database(&server, "layanan_test").await.unwrap();
    crash_on(&url).await;
}

/// A whole scenario at the most verbose log level: a counter application
/// with NIK and phone, the case read by staff, tracking, a wrong NIK, a
/// malformed NIK, an access-log request, a withdrawal. Neither the NIK nor
/// the phone number may appear in the logs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_personal_data_in_the_logs_of_a_full_scenario() {
    let dir = TempDir::new("logs");
    let db = format!("sqlite://{}", dir.0.join("layanan.db").display());
    let files = TempDir::new("logs-files");
    let (mut server, base, log) = serve_logging(&db, &files.0, "debug");
    add_user(&db, &files.0, "muba.op", "operator");
    let http = reqwest::Client::new();
    let post = |path: String, token: Option<String>, body: serde_json::Value| {
        let mut req = http.post(format!("{base}{path}")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap_or_default())
        }
    };
    let (_, login) =
        post("/api/v1/login".into(), None, serde_json::json!({"username": "muba.op", "password": PASSWORD}))
            .await;
    let token = login["token"].as_str().unwrap().to_string();
    let phone = "081298765432";
    let body = serde_json::json!({"service": "16.06-ktp-el", "channel": "counter",
        "applicant": {"name": "Siti Aminah", "nik": NIK, "phone": phone}, "fields": {"jenis_permohonan": "rekam"}});
    let (s, receipt) = post("/api/v1/applications".into(), Some(token.clone()), body).await;
    assert_eq!(s, 201, "{receipt}");
    let (id, code) =
        (receipt["id"].as_i64().unwrap(), receipt["tracking_code"].as_str().unwrap().to_string());
    let case = http.get(format!("{base}/api/v1/cases/{id}")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(case.status(), 200);
    assert_eq!(http.get(format!("{base}/api/v1/track/{code}")).send().await.unwrap().status(), 200);
    let wrong = "1606015708900009";
    assert_eq!(
        post(format!("/api/v1/track/{code}/access-log"), None, serde_json::json!({"nik": wrong})).await.0,
        403
    );
    assert_eq!(
        post(format!("/api/v1/track/{code}/access-log"), None, serde_json::json!({"nik": "16060157x"}))
            .await
            .0,
        422
    );
    assert_eq!(
        post(format!("/api/v1/track/{code}/access-log"), None, serde_json::json!({"nik": NIK})).await.0,
        201
    );
    let withdraw = serde_json::json!({"action": "withdraw", "nik": NIK, "expected_version": 1});
    assert_eq!(post(format!("/api/v1/track/{code}/actions"), None, withdraw).await.0, 200);
    server.kill().unwrap();
    server.wait().unwrap();
    let lines = log.lock().unwrap();
    assert!(lines.len() > 5, "the debug log was read: {} lines", lines.len());
    for secret in [NIK, wrong, phone, "16060157x"] {
        assert!(
            !lines.iter().any(|l| l.contains(secret)),
            "{secret} logged: {:?}",
            lines.iter().find(|l| l.contains(secret))
        );
    }
}
