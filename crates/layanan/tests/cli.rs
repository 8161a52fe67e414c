//! The binary through its front door: the commands of the contract, and
//! `serve` as a child process on SQLite and PostgreSQL.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use store::testing::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_layanan");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn layanan(args: &[&str], db: &str) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .current_dir(repo())
        .env("LAYANAN_DATABASE_URL", db)
        .env_remove("LAYANAN_CONFIG")
        // Tests log in more often than the login limit lets a person.
        .env("LAYANAN_LOGIN_PER_MINUTE", "1000")
        // Test secrets and files stay out of the repository's data/.
        .env("LAYANAN_DOCUMENT_SECRET", "11".repeat(32))
        .env("LAYANAN_FILES_DIR", std::env::temp_dir().join("layanan-cli-test-files"))
        // Checkpoints belong to one database: each test database has its own folder.
        .env("LAYANAN_BACKUP__DIR", backups(db));
    c
}

/// The backup (and checkpoint) folder of the test database `db`.
fn backups(db: &str) -> PathBuf {
    let name: String = db.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    std::env::temp_dir().join("layanan-cli-backups").join(name)
}

fn run(args: &[&str], db: &str, stdin: Option<&str>) -> Output {
    let mut c = layanan(args, db);
    c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// `layanan user add` with the test password on stdin.
fn add_user(db: &str, name: &str, role: &str, office: &str) -> Output {
    let args = ["user", "add", "--username", name, "--role", role, "--office", office, "--password-stdin"];
    run(&args, db, Some("sebuah kata sandi panjang\n"))
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn lint_passes_the_shipped_standards_and_fails_a_broken_one() {
    let ok = run(&["standards", "lint", "standards"], "sqlite://unused.db", None);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("28 files, 0 errors"), "{}", text(&ok));

    let dir = TempDir::new("lint");
    let office = dir.0.join("16.06");
    std::fs::create_dir_all(&office).unwrap();
    let good = std::fs::read_to_string(repo().join("standards/16.06/ktp-el.toml")).unwrap();
    let broken = good.replacen("duration = \"3 menit\"", "duration = \"9 menit\"", 1).replacen(
        "actor = \"validator\"",
        "actor = \"kabid\"",
        1,
    );
    std::fs::write(office.join("ktp-el.toml"), broken).unwrap();
    let out = run(&["standards", "lint", dir.0.to_str().unwrap()], "sqlite://unused.db", None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    let file = office.join("ktp-el.toml").display().to_string();
    // A schema error stops the file at the first problem, with its line.
    assert!(
        t.lines().any(|l| l.starts_with(&format!("{file}:")) && l.contains("error: ") && l.contains("kabid")),
        "{t}"
    );
}

#[test]
fn lint_reports_arithmetic_with_file_and_line() {
    let dir = TempDir::new("lint");
    let office = dir.0.join("16.06");
    std::fs::create_dir_all(&office).unwrap();
    let good = std::fs::read_to_string(repo().join("standards/16.06/ktp-el.toml")).unwrap();
    std::fs::write(
        office.join("ktp-el.toml"),
        good.replacen("duration = \"3 menit\"", "duration = \"9 menit\"", 1),
    )
    .unwrap();
    let out = run(&["standards", "lint", dir.0.to_str().unwrap()], "sqlite://unused.db", None);
    assert_eq!(out.status.code(), Some(1));
    let line = good.lines().position(|l| l.starts_with("total = ")).unwrap() + 1;
    let expected = format!(
        "{}:{line}: error: steps add up to 36 menit but the stated total is 30 menit (differ by +6 menit)",
        office.join("ktp-el.toml").display()
    );
    assert!(text(&out).contains(&expected), "{}", text(&out));
}

#[test]
fn lint_refuses_a_hand_on_to_a_service_the_office_does_not_publish() {
    let dir = TempDir::new("lint");
    let office = dir.0.join("33.20");
    std::fs::create_dir_all(&office).unwrap();
    let search = std::fs::read_to_string(repo().join("standards/33.20/register-akta-offline.toml")).unwrap();
    std::fs::write(office.join("register-akta-offline.toml"), &search).unwrap();
    let out = run(&["standards", "lint", dir.0.to_str().unwrap()], "sqlite://unused.db", None);
    assert_eq!(out.status.code(), Some(1), "revisi-akta.toml is not beside it: {}", text(&out));
    let line = search.lines().position(|l| l.starts_with("hands_to")).unwrap() + 1;
    let expected = format!(
        "{}:{line}: error: step 8: hands_to names `revisi-akta`, which this office does not publish",
        office.join("register-akta-offline.toml").display()
    );
    assert!(text(&out).contains(&expected), "{}", text(&out));
    let capil = std::fs::read_to_string(repo().join("standards/33.20/revisi-akta.toml")).unwrap();
    std::fs::write(office.join("revisi-akta.toml"), capil).unwrap();
    let ok = run(&["standards", "lint", dir.0.to_str().unwrap()], "sqlite://unused.db", None);
    assert!(ok.status.success(), "{}", text(&ok));
}

#[test]
fn nik_check_prints_csv_and_fails_on_invalid() {
    let out = run(&["nik", "check", "3320015708900001"], "sqlite://unused.db", None);
    assert!(out.status.success(), "{}", text(&out));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert_eq!(csv.lines().next(), Some(domain::nik_batch::OUTPUT_HEADER));
    assert_eq!(
        csv.lines().nth(1),
        Some("1,3320015708900001,true,,,Jawa Tengah,Kabupaten Jepara,Kedung,17-08-90,P")
    );

    let dir = TempDir::new("nik");
    let file = dir.0.join("in.csv");
    std::fs::write(
        &file,
        "nama,nik,jenis_kelamin\nA,3320015708900001,P\nB,3320013508900001,L\nC,9999990101900001,L\nD,3320015708900001,L\n",
    )
    .unwrap();
    let out = run(&["nik", "check", "--csv", file.to_str().unwrap()], "sqlite://unused.db", None);
    assert_eq!(out.status.code(), Some(1));
    let csv = String::from_utf8_lossy(&out.stdout).to_string();
    let rows: Vec<_> = csv.lines().collect();
    assert_eq!(rows.len(), 5, "{csv}");
    assert!(rows[2].starts_with("2,3320013508900001,false,nik_birth_day,"), "{csv}");
    assert!(rows[3].starts_with("3,9999990101900001,true,,unknown_region,"), "{csv}");
    assert!(rows[4].starts_with("4,3320015708900001,false,sex_mismatch,"), "{csv}");
    // Progress and the summary by error go to standard error, never into the CSV.
    let progress = String::from_utf8_lossy(&out.stderr);
    assert!(progress.contains("4 rows, 2 invalid; nik_birth_day 1, sex_mismatch 1"), "{progress}");
}

/// `layanan register import`: the office's digitised registers into its
/// index, with progress and each refused row (row and column) on standard
/// error; exit 1 when a row was refused; a second run skips what is there.
#[tokio::test]
async fn register_import_reports_refused_rows_and_skips_what_is_there() {
    let dir = TempDir::new("register");
    let db = sqlite_url(&dir.0);
    let file = dir.0.join("register.csv");
    std::fs::write(
        &file,
        "jenis_akta,nomor_akta,tahun,nama,nama_ayah,nama_ibu,tempat_peristiwa,tanggal_peristiwa,buku,halaman\n\
         kelahiran,3320-LT-1,1990,Soeharto,A,B,Jepara,1990-01-01,1,2\n\
         kelahiran,3320-LT-2,1991,Siti Aminah,A,B,Jepara,1991-01-01,1,3\n\
         lahir,3320-LT-3,1991,Salah,A,B,Jepara,,1,4\n",
    )
    .unwrap();
    let args = ["register", "import", "--office", "33.20", file.to_str().unwrap()];
    let out = run(&args, &db, None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 rows: 2 imported, 0 already there, 1 refused"), "{err}");
    assert!(err.contains("row 3: jenis_akta:"), "{err}");
    let again = run(&args, &db, None);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("3 rows: 0 imported, 2 already there, 1 refused")
    );
    let store = store::connect(&db).await.unwrap();
    let q = store::NameQuery { key: domain::register::name_key("Suharto"), ..Default::default() };
    let found = store.register_candidates("33.20", &q, 10).await.unwrap();
    assert_eq!(found.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["Soeharto"]);
    let unknown = run(&["register", "import", "--office", "99.99", file.to_str().unwrap()], &db, None);
    assert!(!unknown.status.success() && text(&unknown).contains("--office"), "{}", text(&unknown));
}

/// Long start-up work reports its phases on standard error (plain lines
/// when it is not a terminal): migrations, the region import, standards.
#[test]
fn migrate_reports_each_phase() {
    let dir = TempDir::new("migrate");
    let db = sqlite_url(&dir.0);
    let first = run(&["migrate"], &db, None);
    assert!(first.status.success(), "{}", text(&first));
    let log = String::from_utf8_lossy(&first.stderr);
    assert!(log.contains("layanan: database migrations: sqlite"), "{log}");
    let loaded = log.lines().find(|l| l.contains("region codes and holidays:")).unwrap_or_default();
    let regions: u64 =
        loaded.split(": ").nth(2).and_then(|t| t.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(regions > 80_000, "the whole region list is loaded: {loaded}");
    assert!(log.contains("standards from") && log.contains("30 published"), "{log}");
    let again = run(&["migrate"], &db, None);
    let log = String::from_utf8_lossy(&again.stderr);
    assert!(
        log.contains("region codes and holidays: already loaded") && log.contains("30 unchanged"),
        "{log}"
    );
}

/// A server child process; killed on drop.
struct Server {
    child: Child,
    base: String,
    stdout: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `layanan serve` and waits until it says it is serving.
fn serve(db: &str, extra: &[&str]) -> Server {
    serve_with(db, extra, &[])
}

/// `serve` with more settings in the environment.
fn serve_with(db: &str, extra: &[&str], env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--addr", &addr];
    args.extend_from_slice(extra);
    let mut command = layanan(&args, db);
    command.envs(env.iter().copied());
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        BufReader::new(out).lines().map_while(Result::ok).for_each(|l| {
            let _ = tx.send(l);
        })
    });
    std::thread::spawn(move || {
        BufReader::new(err).lines().map_while(Result::ok).for_each(|l| {
            let _ = tx2.send(l);
        })
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut stdout = String::new();
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            stdout.push_str(&line);
            stdout.push('\n');
            if line.contains("layanan is serving") {
                // stdout and stderr are read by two threads: collect what
                // the other pipe printed before this line.
                while let Ok(more) = rx.recv_timeout(Duration::from_millis(300)) {
                    stdout.push_str(&more);
                    stdout.push('\n');
                }
                return Server { child, base: format!("http://{addr}"), stdout };
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start:\n{stdout}");
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("layanan.db").display())
}

impl Server {
    /// A bearer token for an account.
    async fn token(&self, user: &str, pw: &str) -> String {
        let body = serde_json::json!({"username": user, "password": pw});
        let v =
            self.send(reqwest::Client::new().post(format!("{}/api/v1/login", self.base)).json(&body)).await;
        v["token"].as_str().expect("login succeeded").to_string()
    }

    async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        self.send(reqwest::Client::new().get(format!("{}{path}", self.base)).bearer_auth(token)).await
    }

    async fn post_json(&self, path: &str, token: &str, body: &serde_json::Value) -> serde_json::Value {
        self.send(reqwest::Client::new().post(format!("{}{path}", self.base)).bearer_auth(token).json(body))
            .await
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> serde_json::Value {
        req.send().await.unwrap().json().await.unwrap()
    }
}

async fn page(base: &str, path: &str) -> String {
    reqwest::get(format!("{base}{path}")).await.unwrap().text().await.unwrap()
}

async fn login(base: &str, user: &str, pw: &str) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({"username": user, "password": pw}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn serve_without_demo_then_add_a_user_and_verify_the_audit_log() {
    let dir = TempDir::new("serve");
    let db = sqlite_url(&dir.0);
    let server = serve(&db, &["--no-demo"]);
    assert!(!server.stdout.contains("Demo accounts"), "{}", server.stdout);
    assert!(!page(&server.base, "/").await.contains("demo-banner"), "a real database has no demo banner");
    let offices: serde_json::Value =
        reqwest::get(format!("{}/api/v1/offices", server.base)).await.unwrap().json().await.unwrap();
    // 8 offices of the standards (with their provinces) and Sulsel's 24 kab/kota.
    assert_eq!(offices.as_array().unwrap().len(), 32);

    let add = add_user(&db, "jepara.verif", "verifikator", "33.20");
    assert!(add.status.success(), "{}", text(&add));
    assert_eq!(login(&server.base, "jepara.verif", "sebuah kata sandi panjang").await, 200);
    // Turned off from the CLI while the server runs: refused at once; on again: let in.
    let off = run(&["user", "disable", "--username", "jepara.verif"], &db, None);
    assert!(off.status.success() && text(&off).contains("disabled"), "{}", text(&off));
    assert_eq!(login(&server.base, "jepara.verif", "sebuah kata sandi panjang").await, 401);
    let on = run(&["user", "enable", "--username", "jepara.verif"], &db, None);
    assert!(on.status.success(), "{}", text(&on));
    assert_eq!(login(&server.base, "jepara.verif", "sebuah kata sandi panjang").await, 200);
    let nobody = run(&["user", "disable", "--username", "nobody"], &db, None);
    assert!(!nobody.status.success() && text(&nobody).contains("--username"), "{}", text(&nobody));
    // Reset: the printed temporary password logs in, flagged to be changed.
    let reset = run(&["user", "reset-password", "--username", "jepara.verif"], &db, None);
    let printed = text(&reset);
    let temporary = printed.split("jepara.verif: ").nth(1).and_then(|t| t.split_whitespace().next()).unwrap();
    assert_eq!(login(&server.base, "jepara.verif", "sebuah kata sandi panjang").await, 401);
    assert_eq!(login(&server.base, "jepara.verif", temporary).await, 200, "{printed}");
    let role = run(
        &[
            "user",
            "set-role",
            "--username",
            "jepara.verif",
            "--role",
            "validator",
            "--unit",
            "Bidang Pemanfaatan Data dan Inovasi Pelayanan",
        ],
        &db,
        None,
    );
    assert!(text(&role).contains("validator at 33.20, unit Bidang Pemanfaatan Data"), "{}", text(&role));
    let no_unit = run(
        &["user", "set-role", "--username", "jepara.verif", "--role", "validator", "--unit", "Bidang Capil"],
        &db,
        None,
    );
    assert!(!no_unit.status.success() && text(&no_unit).contains("--unit"), "{}", text(&no_unit));
    let nowhere = run(&["user", "move", "--username", "jepara.verif", "--office", "99.98"], &db, None);
    assert!(!nowhere.status.success() && text(&nowhere).contains("--office"), "{}", text(&nowhere));
    let moved = run(&["user", "move", "--username", "jepara.verif", "--office", "62.71"], &db, None);
    assert!(text(&moved).contains("at 62.71"), "{}", text(&moved));
    for _ in 0..5 {
        login(&server.base, "jepara.verif", "bukan kata sandinya").await;
    }
    assert_eq!(login(&server.base, "jepara.verif", temporary).await, 401, "not locked");
    assert!(run(&["user", "unlock", "--username", "jepara.verif"], &db, None).status.success());
    assert_eq!(login(&server.base, "jepara.verif", temporary).await, 200);

    // An admin must enrol a second factor; its lost phone is reset from the CLI.
    let pw = "sebuah kata sandi panjang";
    assert!(add_user(&db, "jepara.admin", "admin", "33.20").status.success());
    let token = server.token("jepara.admin", pw).await;
    let begun = server.post_json("/api/v1/me/second-factor", &token, &serde_json::json!({})).await;
    let secret = domain::totp::base32_decode(begun["secret"].as_str().unwrap()).unwrap();
    let code = domain::totp::code_at(&secret, chrono::Utc::now().timestamp_millis());
    let done = server
        .post_json("/api/v1/me/second-factor/confirm", &token, &serde_json::json!({"code": code}))
        .await;
    assert_eq!(done["recovery_codes"].as_array().map(Vec::len), Some(10), "{done}");
    assert_eq!(login(&server.base, "jepara.admin", pw).await, 422, "the password alone is not enough");
    let reset = run(&["user", "reset-second-factor", "--username", "jepara.admin"], &db, None);
    assert!(reset.status.success() && text(&reset).contains("no second factor"), "{}", text(&reset));
    assert_eq!(login(&server.base, "jepara.admin", pw).await, 200, "enrols again after logging in");

    let bad_role = run(
        &["user", "add", "--username", "x", "--role", "kabid", "--office", "33.20", "--password-stdin"],
        &db,
        Some("sebuah kata sandi panjang"),
    );
    assert!(!bad_role.status.success() && text(&bad_role).contains("--role"));
    let short = run(
        &["user", "add", "--username", "y", "--role", "operator", "--office", "33.20", "--password-stdin"],
        &db,
        Some("short"),
    );
    assert!(!short.status.success() && text(&short).contains("at least 12"));
    let no_office = run(
        &["user", "add", "--username", "z", "--role", "operator", "--office", "99.98", "--password-stdin"],
        &db,
        Some("sebuah kata sandi panjang"),
    );
    assert!(!no_office.status.success() && text(&no_office).contains("--office"));
    drop(server);

    let ok = run(&["audit", "verify"], &db, None);
    assert!(ok.status.success(), "{}", text(&ok));
    // The server wrote a checkpoint when it started.
    assert!(text(&ok).contains("hash chains intact; the checkpoint"), "{}", text(&ok));

    // An intruder edits a row with direct database access.
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&db).await.unwrap();
    sqlx::raw_sql("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'x' WHERE seq = 3;")
        .execute(&mut conn)
        .await
        .unwrap();
    let broken = run(&["audit", "verify"], &db, None);
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken));
    assert!(text(&broken).contains("BROKEN at row 3"));
}

/// What someone with the database can do to the log without breaking a
/// chain (cut its tail, empty it, write it again) shows against the signed
/// checkpoint kept outside the database; an altered checkpoint does not
/// verify.
#[tokio::test]
async fn audit_verify_compares_the_log_with_the_signed_checkpoint() {
    let dir = TempDir::new("checkpoint");
    let db = sqlite_url(&dir.0);
    for name in ["satu", "dua", "tiga"] {
        assert!(add_user(&db, name, "operator", "16.06").status.success());
    }
    let none = run(&["audit", "verify"], &db, None);
    assert!(text(&none).contains("no checkpoint"), "{}", text(&none));
    let cp = run(&["audit", "checkpoint"], &db, None);
    assert!(cp.status.success(), "{}", text(&cp));
    let file = std::fs::read_dir(backups(&db).join("checkpoints")).unwrap().next().unwrap().unwrap().path();
    let signed = std::fs::read_to_string(&file).unwrap();
    let recorded: serde_json::Value = serde_json::from_str(&signed).unwrap();
    let rows = recorded["rows"].as_i64().unwrap();
    assert!(rows >= 3, "{recorded}");
    assert!(run(&["audit", "verify"], &db, None).status.success());

    let verify = || {
        let r = run(&["audit", "verify"], &db, None);
        assert_eq!(r.status.code(), Some(1), "{}", text(&r));
        text(&r)
    };
    // An altered checkpoint (one row fewer, to hide a deletion).
    let mut altered = recorded.clone();
    altered["rows"] = (rows - 1).into();
    altered["heads"][0]["seq"] = (rows - 1).into();
    std::fs::write(&file, altered.to_string()).unwrap();
    assert!(verify().contains("does not verify with this installation's key"));
    std::fs::write(&file, &signed).unwrap();

    let exec = |sql: &'static str| {
        let db = db.clone();
        async move {
            let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&db).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        }
    };
    exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").await;
    exec("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)").await;
    let cut = verify();
    assert!(
        cut.contains(&format!("BROKEN at row {rows} of chain 0")) && cut.contains("tail was deleted"),
        "{cut}"
    );
    exec("DELETE FROM audit_log").await;
    assert!(verify().contains("holds 0 rows"));
    // Written again with fresh, self-consistent hashes.
    for i in 0..rows {
        assert!(add_user(&db, &format!("baru{i}"), "operator", "16.06").status.success());
    }
    let rewritten = verify();
    assert!(rewritten.contains("the chain was rewritten"), "{rewritten}");
    // The server's checkpoints removed too: the log alone looks whole, and
    // the auditor's own copy still tells.
    let copy = dir.0.join("auditor-copy.json");
    std::fs::write(&copy, &signed).unwrap();
    std::fs::remove_dir_all(backups(&db).join("checkpoints")).unwrap();
    let unaware = run(&["audit", "verify"], &db, None);
    assert!(text(&unaware).contains("no checkpoint"), "{}", text(&unaware));
    let own = run(&["audit", "verify", "--checkpoint", copy.to_str().unwrap()], &db, None);
    assert_eq!(own.status.code(), Some(1), "{}", text(&own));
    let own = text(&own);
    assert!(own.contains("the chain was rewritten") && own.contains("auditor-copy.json"), "{own}");
}

/// The server backs up on its schedule and keeps the newest `keep`; the
/// drill (`restore --check`) proves the newest in scratch space and
/// replaces nothing; a tampered one fails the drill.
#[tokio::test]
async fn scheduled_backups_and_the_restore_drill() {
    let dir = TempDir::new("scheduled");
    let db = sqlite_url(&dir.0);
    assert!(add_user(&db, "muba.op", "operator", "16.06").status.success());
    let env = [("LAYANAN_BACKUP__EVERY_SECONDS", "2"), ("LAYANAN_BACKUP__KEEP", "2")];
    let server = serve_with(&db, &["--no-demo"], &env);
    let scheduled = || -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(backups(&db))
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.join("layanan.db").is_file())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 3 && Instant::now() < deadline {
        seen.extend(scheduled());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(server);
    assert!(seen.len() >= 3, "three scheduled backups in 30 s: {seen:?}");
    let kept = scheduled();
    assert_eq!(kept.len(), 2, "keep = 2: {kept:?}");

    let before = std::fs::read(dir.0.join("layanan.db")).unwrap();
    let drill = run(&["restore", "--check"], &db, None);
    assert!(drill.status.success(), "{}", text(&drill));
    assert!(
        text(&drill).contains(&format!("{} verified in scratch space", kept[1].display())),
        "{}",
        text(&drill)
    );
    assert_eq!(std::fs::read(dir.0.join("layanan.db")).unwrap(), before, "the drill replaced nothing");

    // The newest backup loses its last audit row: the drill fails.
    let copy = format!("sqlite://{}", kept[1].join("layanan.db").display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&copy).await.unwrap();
    sqlx::raw_sql("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log);")
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    let failed = run(&["restore", "--check"], &db, None);
    assert!(!failed.status.success() && text(&failed).contains("tail was deleted"), "{}", text(&failed));
}

/// Two real server processes on one PostgreSQL database, over HTTP: the
/// receipts they number side by side never share a number and leave no
/// gap, the same action sent to both at one version succeeds once (the
/// other gets 409), and both sweepers escalate each overdue level once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_on_one_postgres() {
    let Some(server) = store::testing::postgres_url() else { return };
    let (db, _drop) = store::scratch::scratch_postgres_database(&server, "layanan_test").await.unwrap();
    assert!(add_user(&db, "muba.op", "operator", "16.06").status.success());
    let env = [("LAYANAN_SWEEP_SECONDS", "1")];
    let (a, b) = (serve_with(&db, &["--no-demo"], &env), serve_with(&db, &["--no-demo"], &env));
    let token = a.token("muba.op", "sebuah kata sandi panjang").await;
    let http = reqwest::Client::new();

    // Twenty counter applications, alternately to each process, at once.
    let apply = |base: String, i: usize| {
        let (http, token) = (http.clone(), token.clone());
        async move {
            let body = serde_json::json!({"service": "16.06-ktp-el", "channel": "counter",
                "applicant": {"name": format!("Pemohon {i}"), "nik": "1606015708900001"},
                "fields": {"jenis_permohonan": "rekam"}});
            let r = http.post(format!("{base}/api/v1/applications")).bearer_auth(&token).json(&body).send();
            let r = r.await.unwrap();
            assert_eq!(r.status(), 201);
            r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap()
        }
    };
    let tasks: Vec<_> = (0..20)
        .map(|i| tokio::spawn(apply(if i % 2 == 0 { a.base.clone() } else { b.base.clone() }, i)))
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&db).await.unwrap();
    let mut seqs: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM documents WHERE doc_type = 'tanda_terima' ORDER BY seq")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    seqs.dedup();
    assert_eq!(seqs, (1..=20).collect::<Vec<i64>>(), "receipt numbers: one each, no gap");

    // One action, one version, both processes at once: one wins.
    let id = ids[0];
    let case = a.get_json(&format!("/api/v1/cases/{id}"), &token).await;
    let version = case["version"].as_i64().unwrap();
    let act = |base: String| {
        let (http, token) = (http.clone(), token.clone());
        async move {
            let body = serde_json::json!({"action": "advance", "expected_version": version});
            let r = http.post(format!("{base}/api/v1/cases/{id}/actions")).bearer_auth(&token).json(&body);
            r.send().await.unwrap().status().as_u16()
        }
    };
    let (x, y) = tokio::join!(act(a.base.clone()), act(b.base.clone()));
    let mut statuses = [x, y];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "the same action at one version, on two processes");

    // Every open case overdue by far: both sweepers run every second, and
    // each (case, clock, level) is escalated once.
    let now = chrono::Utc::now().timestamp_millis();
    let day = 86_400_000;
    sqlx::query(
        "UPDATE cases SET step_started_at = $1, step_due_at = $2, service_started_at = $1, due_at = $2, \
         escalate_at = $3 WHERE status IN ('submitted', 'in_progress')",
    )
    .bind(now - 10 * day)
    .bind(now - 8 * day)
    .bind(now - 1_000)
    .execute(&mut conn)
    .await
    .unwrap();
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&db).await.unwrap();
            sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut c).await.unwrap()
        }
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let expected = 20 * 2 * 3; // twenty cases, two clocks, three levels
    while count("SELECT COUNT(*) FROM escalations").await < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await; // more sweeps by both
    assert_eq!(count("SELECT COUNT(*) FROM escalations").await, expected);
    let journal = count("SELECT COUNT(*) FROM case_journal WHERE action = 'escalate'").await;
    assert_eq!(journal, expected, "one journal row per escalation, not one per process");
    drop((a, b));
}

/// A PostgreSQL database whose commits are not synchronous is refused at
/// start, with the setting named, unless the operator allows it.
#[tokio::test]
async fn a_database_that_may_lose_acknowledged_writes_is_refused_at_start() {
    let Some(server) = store::testing::postgres_url() else { return };
    let (db, _drop) = store::scratch::scratch_postgres_database(&server, "layanan_test").await.unwrap();
    let name = store::scratch::database_name(&db).unwrap();
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&server).await.unwrap();
    let sql = format!("ALTER DATABASE {name} SET synchronous_commit = off");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap();
    drop(conn);
    let addr = format!("127.0.0.1:{}", free_port());
    let refused = run(&["serve", "--no-demo", "--addr", &addr], &db, None);
    assert!(!refused.status.success(), "{}", text(&refused));
    assert!(text(&refused).contains("synchronous_commit = off"), "{}", text(&refused));
    assert!(text(&refused).contains("allow_weak_durability"), "{}", text(&refused));
    let allowed = serve_with(&db, &["--no-demo"], &[("LAYANAN_ALLOW_WEAK_DURABILITY", "true")]);
    assert!(allowed.stdout.contains("synchronous_commit = off"), "the warning is logged: {}", allowed.stdout);
}

#[tokio::test]
async fn first_start_prints_random_demo_accounts_once() {
    let dir = TempDir::new("serve");
    let db = sqlite_url(&dir.0);
    let server = serve(&db, &[]);
    let line =
        server.stdout.lines().find(|l| l.starts_with("muba.verifikator ")).expect("demo account printed");
    let password = line.split_whitespace().last().unwrap().to_string();
    assert_eq!(password.len(), 20);
    assert_eq!(login(&server.base, "muba.verifikator", &password).await, 200);
    // Sample cases wait in the operators' worklists.
    let op_line = server.stdout.lines().find(|l| l.starts_with("muba.operator ")).expect("operator printed");
    let op_password = op_line.split_whitespace().last().unwrap();
    let token = server.token("muba.operator", op_password).await;
    let wl = server.get_json("/api/v1/worklist", &token).await;
    // Muba's KTP-el demo cases wait at every step; the operator works steps
    // 2 and 6 and records the applicant's step 7 (a counter intake has done
    // step 1 already).
    assert!(wl["total"].as_i64().unwrap() >= 3, "{wl}");
    let steps: Vec<&str> =
        wl["items"].as_array().unwrap().iter().filter_map(|c| c["current_step"].as_str()).collect();
    for step in ["2", "6", "7"] {
        assert!(steps.contains(&step), "no demo case at step {step}: {wl}");
    }
    // Every page of a demo database says so, in the page's language.
    for path in ["/", "/login", "/track", "/no-such-page"] {
        assert!(page(&server.base, path).await.contains("class=\"demo-banner\""), "no demo banner on {path}");
    }
    assert!(page(&server.base, "/?lang=en").await.contains("DEMO: every person"));
    drop(server);
    let again = serve(&db, &[]);
    assert!(!again.stdout.contains("Demo accounts"), "{}", again.stdout);
    assert!(page(&again.base, "/").await.contains("demo-banner"), "the mark outlives a restart");
}

#[tokio::test]
async fn serve_runs_on_postgresql_with_only_the_url_changed() {
    let Some(server_url) = store::testing::postgres_url() else {
        return;
    };
    let db = store::testing::fresh_postgres_database(&server_url).await;
    let name = db.rsplit('/').next().unwrap().to_string();
    let _cleanup = store::testing::DropDatabase { server: server_url.clone(), name };
    let server = serve(&db, &["--no-demo"]);
    assert!(server.stdout.contains("backend=\"postgres\""), "{}", server.stdout);
    let services: serde_json::Value =
        reqwest::get(format!("{}/api/v1/services", server.base)).await.unwrap().json().await.unwrap();
    // 15 from the seeds, the verification of institutions at 4 offices,
    // Jepara's Capil revision, Palangka Raya's monev, Sulsel's objection (see catalogue.rs).
    assert_eq!(services.as_array().unwrap().len(), 30);
    drop(server);
    let ok = run(&["audit", "verify"], &db, None);
    assert!(ok.status.success(), "{}", text(&ok));
}

#[tokio::test]
async fn keys_export_lets_anyone_verify_a_document_offline() {
    let dir = TempDir::new("docs");
    let db = sqlite_url(&dir.0);
    let server = serve(&db, &["--no-demo"]);
    let add = add_user(&db, "muba.op", "operator", "16.06");
    assert!(add.status.success(), "{}", text(&add));
    let token = server.token("muba.op", "sebuah kata sandi panjang").await;
    let body = serde_json::json!({"service": "16.06-ktp-el", "channel": "counter", "applicant": {"name": "Siti", "nik": "1606015708900001"}, "fields": {"jenis_permohonan": "rekam"}});
    let r = server.post_json("/api/v1/applications", &token, &body).await;
    let docs = server.get_json(&format!("/api/v1/cases/{}/documents", r["id"]), &token).await;
    let code = docs[0]["code"].as_str().unwrap();
    let pdf = reqwest::Client::new()
        .get(format!("{}/api/v1/documents/{code}/pdf", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    drop(server);

    let export = run(&["keys", "export"], &db, None);
    assert!(export.status.success(), "{}", text(&export));
    let keyfile = dir.0.join("keys.txt");
    std::fs::write(&keyfile, &export.stdout).unwrap();
    // Every office got its key at first start.
    assert_eq!(String::from_utf8_lossy(&export.stdout).lines().count(), 32);
    let file = dir.0.join("tanda-terima.pdf");
    std::fs::write(&file, &pdf).unwrap();
    // Offline, with only the exported keys (no database).
    let ok = run(
        &["verify", file.to_str().unwrap(), "--keys", keyfile.to_str().unwrap()],
        "sqlite:///nonexistent/x.db",
        None,
    );
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("GENUINE: tanda_terima 470/1/Disdukcapil/TT/"));
    let mut tampered = pdf.to_vec();
    tampered[300] ^= 1;
    std::fs::write(&file, &tampered).unwrap();
    let bad = run(
        &["verify", file.to_str().unwrap(), "--keys", keyfile.to_str().unwrap()],
        "sqlite:///nonexistent/x.db",
        None,
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad).contains("altered"), "{}", text(&bad));

    // Rotation: a new key signs, the old one still verifies.
    let rot = run(&["keys", "rotate", "--office", "16.06"], &db, None);
    assert!(rot.status.success(), "{}", text(&rot));
    std::fs::write(&file, &pdf).unwrap();
    assert!(run(&["verify", file.to_str().unwrap()], &db, None).status.success());
    let export = String::from_utf8_lossy(&run(&["keys", "export"], &db, None).stdout).to_string();
    let muba: Vec<&str> = export.lines().filter(|l| l.starts_with("16.06 ")).collect();
    assert_eq!(muba.len(), 2);
    assert_eq!(muba.iter().filter(|l| l.ends_with(" retired")).count(), 1);
}

#[test]
fn bench_quick_prints_one_json_line_per_figure() {
    let out = run(&["bench", "--quick"], "sqlite://unused.db", None);
    assert!(out.status.success(), "{}", text(&out));
    let figures: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let names: Vec<&str> = figures.iter().map(|f| f["name"].as_str().unwrap()).collect();
    let every = [
        "nik_check_rate",
        "first_start_s",
        "rss_idle_mb",
        "nik_batch_rate",
        "intake_rate",
        "document_rate",
        "transition_rate",
        "worklist_p50",
        "worklist_p99",
        "dashboard_p50",
        "evaluation_year_s",
        "sweep_ms",
        "http_read_p99",
        "rss_load_mb",
        "register_import_rate",
        "register_search_p50",
    ];
    assert_eq!(names, every);
    // Measured values, not asserted against targets: those are reported, not tested.
    // (The producer may have kept up with the quick intake: then nothing was
    // pending and the document rate is 0.)
    let figure = |name: &str| figures.iter().find(|f| f["name"] == name).unwrap();
    assert!(
        figures
            .iter()
            .filter(|f| f["name"] != "document_rate")
            .all(|f| f["value"].as_f64().is_some_and(|v| v > 0.0) && f["unit"].is_string())
    );
    // Each server figure says what durability it was measured with.
    let intake = figure("intake_rate");
    assert_eq!(intake["durability"]["synchronous"], "full", "{intake}");
    let batch = figure("nik_batch_rate");
    assert!(batch["rows"].as_u64() > Some(0) && batch["peak_rss_growth_mb"].is_number(), "{batch}");
    let documents = figure("document_rate");
    assert!(documents["pending_after_intake"].as_u64().is_some() && documents["catch_up_s"].is_number());
    let transitions = figure("transition_rate");
    for field in ["baseline", "ratio", "p50_ms", "p99_ms"] {
        assert!(transitions[field].as_f64().is_some_and(|v| v > 0.0), "{field}: {transitions}");
    }
    // The timed sweeps met the cases whose first escalation moment came
    // (the quick data set puts about 14 in each minute).
    let sweep = figure("sweep_ms");
    assert!(sweep["fired"].as_u64().is_some_and(|n| n > 0), "{sweep}");
    assert!(sweep["catch_up_ms"].as_f64().is_some(), "{sweep}");
}

/// Backup, a change after it, restore: the change is gone, what was backed
/// up is back, the audit chains verify.
async fn backup_and_restore_on(db: &str, dir: &Path) {
    let add = |name: &str| add_user(db, name, "operator", "16.06");
    assert!(add("sebelum").status.success());
    let folder = dir.join("cadangan");
    let b = run(&["backup", folder.to_str().unwrap()], db, None);
    assert!(b.status.success(), "{}", text(&b));
    assert!(text(&b).contains("backup written"), "{}", text(&b));
    let again = run(&["backup", folder.to_str().unwrap()], db, None);
    assert!(!again.status.success() && text(&again).contains("not empty"), "{}", text(&again));
    assert!(add("sesudah").status.success());

    let refused = run(&["restore", folder.to_str().unwrap()], db, None);
    assert!(!refused.status.success() && text(&refused).contains("--force"), "{}", text(&refused));
    let r = run(&["restore", folder.to_str().unwrap(), "--force"], db, None);
    assert!(r.status.success(), "{}", text(&r));
    assert!(text(&r).contains("audit rows verified"), "{}", text(&r));
    let store = store::connect(db).await.unwrap();
    let names: Vec<String> = store.users(None).await.unwrap().into_iter().map(|u| u.username).collect();
    assert!(names.contains(&"sebelum".to_string()) && !names.contains(&"sesudah".to_string()), "{names:?}");
    assert!(store.audit_verify().await.unwrap().ok);
}

#[tokio::test]
async fn backup_and_restore_sqlite() {
    let dir = TempDir::new("backup");
    let db = sqlite_url(&dir.0);
    backup_and_restore_on(&db, &dir.0).await;

    // A backup whose audit log was edited is refused, and nothing changes.
    let folder = dir.0.join("cadangan");
    let copy = format!("sqlite://{}", folder.join("layanan.db").display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&copy).await.unwrap();
    sqlx::raw_sql("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'x' WHERE seq = 2;")
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    let r = run(&["restore", folder.to_str().unwrap(), "--force"], &db, None);
    assert!(!r.status.success() && text(&r).contains("does not verify"), "{}", text(&r));
    let store = store::connect(&db).await.unwrap();
    assert!(store.audit_verify().await.unwrap().ok);
    // Without its signed checkpoint a backup is not restored either.
    let bare = dir.0.join("ohne");
    std::fs::create_dir_all(&bare).unwrap();
    std::fs::copy(dir.0.join("layanan.db"), bare.join("layanan.db")).unwrap();
    let r = run(&["restore", bare.to_str().unwrap(), "--force"], &db, None);
    assert!(!r.status.success() && text(&r).contains("no audit checkpoint"), "{}", text(&r));
}

#[tokio::test]
async fn backup_and_restore_postgres() {
    let Some(server) = store::testing::postgres_url() else { return };
    let (db, _drop) = store::scratch::scratch_postgres_database(&server, "layanan_test").await.unwrap();
    let dir = TempDir::new("backup-pg");
    backup_and_restore_on(&db, &dir.0).await;
    // Into an empty database: the same rows, table by table.
    let (empty, _drop2) = store::scratch::scratch_postgres_database(&server, "layanan_test").await.unwrap();
    let folder = dir.0.join("cadangan");
    let r = run(&["restore", folder.to_str().unwrap(), "--force"], &empty, None);
    assert!(r.status.success(), "{}", text(&r));
    let (a, b) = (store::connect(&db).await.unwrap(), store::connect(&empty).await.unwrap());
    let counts = b.row_counts().await.unwrap();
    assert_eq!(a.row_counts().await.unwrap(), counts);
    assert!(b.audit_verify().await.unwrap().ok);
    a.close().await;
    b.close().await;

    // A backup of a log someone edited is proven in a scratch database and
    // refused there: the live database is as it was.
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&db).await.unwrap();
    sqlx::raw_sql(
        "DROP TRIGGER audit_log_no_change ON audit_log; DROP TRIGGER audit_log_no_statement ON audit_log; \
         UPDATE audit_log SET actor = 'x' WHERE seq = 1;",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    drop(conn);
    let tampered = dir.0.join("diubah");
    assert!(run(&["backup", tampered.to_str().unwrap()], &db, None).status.success());
    let r = run(&["restore", tampered.to_str().unwrap(), "--force"], &empty, None);
    assert!(!r.status.success() && text(&r).contains("does not verify"), "{}", text(&r));
    let live = store::connect(&empty).await.unwrap();
    assert_eq!(live.row_counts().await.unwrap(), counts);
    assert!(live.audit_verify().await.unwrap().ok);
    live.close().await;
    // The drill on PostgreSQL: a good backup proven in scratch space.
    let drill = run(&["restore", folder.to_str().unwrap(), "--check"], &empty, None);
    assert!(drill.status.success() && text(&drill).contains("verified in scratch space"), "{}", text(&drill));
}

/// A backup taken while the server takes applications is a consistent
/// snapshot: restored into an empty database it has the same rows, table by
/// table, and its audit chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_backup_while_the_server_writes() {
    let dir = TempDir::new("online-backup");
    let db = sqlite_url(&dir.0);
    let pw = "sebuah kata sandi panjang";
    assert!(add_user(&db, "muba.op", "operator", "16.06").status.success());
    let server = serve(&db, &["--no-demo"]);
    let token = server.token("muba.op", pw).await;
    let (base, acked) = (server.base.clone(), std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0)));
    let writer = {
        let acked = acked.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            for i in 0..200 {
                let body = serde_json::json!({"service": "16.06-ktp-el", "channel": "counter",
                    "applicant": {"name": format!("Pemohon {i}"), "nik": "1606015708900001"},
                    "fields": {"jenis_permohonan": "rekam"}});
                let r =
                    http.post(format!("{base}/api/v1/applications")).bearer_auth(&token).json(&body).send();
                if r.await.is_ok_and(|r| r.status() == 201) {
                    acked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        })
    };
    while acked.load(std::sync::atomic::Ordering::Relaxed) < 30 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let folder = dir.0.join("cadangan");
    let (db2, f2) = (db.clone(), folder.clone());
    let b = tokio::task::spawn_blocking(move || run(&["backup", f2.to_str().unwrap()], &db2, None))
        .await
        .unwrap();
    assert!(b.status.success(), "{}", text(&b));
    writer.await.unwrap();
    drop(server);

    let backup = store::connect(&format!("sqlite://{}", folder.join("layanan.db").display())).await.unwrap();
    let snapshot = backup.row_counts().await.unwrap();
    let cases = snapshot.iter().find(|(t, _)| t == "cases").unwrap().1;
    assert!((30..200).contains(&cases), "taken mid-load: {cases} cases");
    let empty = format!("sqlite://{}", dir.0.join("kosong.db").display());
    let r = run(&["restore", folder.to_str().unwrap()], &empty, None);
    assert!(r.status.success(), "{}", text(&r));
    let restored = store::connect(&empty).await.unwrap();
    assert_eq!(restored.row_counts().await.unwrap(), snapshot);
    assert!(restored.audit_verify().await.unwrap().ok);
}
