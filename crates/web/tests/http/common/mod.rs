//! A real app on a random port over a fresh database, driven over HTTP.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use store::testing::{self, TestStore};
use web::{AppState, Config};

pub struct TestApp {
    pub files: store::testing::TempDir,
    pub base: String,
    pub state: AppState,
    /// The app's clock: real time, moved forward by `clock.advance(…)`.
    pub clock: Arc<app::clock::ShiftedClock>,
    pub db: TestStore,
    pub http: reqwest::Client,
}

pub fn standards_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../standards")
}

/// The application settings of most tests: the defaults, but no role
/// needs a second factor, so their admins, heads and auditors log in with
/// a password alone. `second_factor.rs` tests the default (admin, kepala
/// dinas and auditor must enrol) and logs in with codes.
pub fn password_only() -> app::Config {
    app::Config { second_factor_roles: Vec::new(), ..Default::default() }
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::start(testing::sqlite().await, Config::default(), password_only()).await
    }

    pub async fn postgres() -> Option<TestApp> {
        Some(Self::start(testing::postgres().await?, Config::default(), password_only()).await)
    }

    pub async fn with_config(config: Config) -> TestApp {
        Self::start(testing::sqlite().await, config, password_only()).await
    }

    pub async fn with_app_config(config: app::Config) -> TestApp {
        Self::start(testing::sqlite().await, Config::default(), config).await
    }

    pub async fn start(db: TestStore, config: Config, mut app_config: app::Config) -> TestApp {
        let files = store::testing::TempDir::new("layanan-files");
        app_config.files_dir = files.0.clone();
        let store = db.store.clone();
        store::reference::ensure_loaded(store.as_ref()).await.unwrap();
        app::catalog::sync_dir(store.as_ref(), &standards_dir()).await.unwrap();
        let clock = Arc::new(app::clock::ShiftedClock::new());
        let app = app_on(store, app_config, clock.clone()).await;
        app::documents::spawn(app.clone());
        let state = AppState::new(app, config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(web::serve(listener, state.clone()));
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp { files, base: format!("http://{addr}"), state, clock, db, http }
    }

    /// The application layer of this server (services and jobs, no HTTP).
    pub fn app(&self) -> &app::App {
        &self.state.app
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (u16, serde_json::Value) {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn get_text(&self, path: &str, cookie: Option<&str>) -> (u16, String) {
        let mut req = self.http.get(self.url(path));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// Creates a staff account directly in the store.
    pub async fn add_user(&self, username: &str, role: &str, office: &str, password: &str) {
        let hash = app::accounts::hash_password(password).unwrap();
        let u = store::NewUser {
            username: username.into(),
            display_name: username.into(),
            password_hash: hash,
            role: role.parse().unwrap(),
            office: office.into(),
            unit: None,
            nip: None,
        };
        self.db.store.create_user("test", &u).await.unwrap();
    }

    /// POSTs `body` as JSON; the status and the JSON answer (null if none).
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: impl std::borrow::Borrow<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = self.http.post(self.url(path)).json(body.borrow());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/login"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// Logs in and returns (token, csrf).
    pub async fn token(&self, username: &str, password: &str) -> (String, String) {
        let res = self.login(username, password).await;
        assert_eq!(res.status(), 200);
        let v: serde_json::Value = res.json().await.unwrap();
        (v["token"].as_str().unwrap().to_string(), v["csrf_token"].as_str().unwrap().to_string())
    }
}

/// An application context on `store` with the shipped catalogue: what one
/// app instance holds.
pub async fn app_on(
    store: Arc<dyn store::Store>,
    config: app::Config,
    clock: Arc<app::clock::ShiftedClock>,
) -> app::App {
    let catalog = app::Catalog::load(store.as_ref()).await.unwrap().with_templates(&standards_dir()).unwrap();
    app::App::new(store, catalog, config).with_clock(clock)
}

/// A small file that passes the upload checks as a PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n".to_vec()
}

pub const PASSWORD: &str = "sebuah kata sandi panjang";

/// A server on `db` with the login limit lifted (a flow logs many people
/// in); `None` when there is no database (PostgreSQL not configured).
pub async fn start(db: Option<store::testing::TestStore>) -> Option<TestApp> {
    let config = web::Config { login_per_minute: 1000, ..Default::default() };
    Some(TestApp::start(db?, config, password_only()).await)
}

/// A test of `$flow` on SQLite and one on PostgreSQL (which runs when
/// `LAYANAN_TEST_POSTGRES_URL` names a server, as CI does).
macro_rules! on_both_backends {
    ($sqlite:ident, $postgres:ident, $flow:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            $flow(crate::common::start(Some(store::testing::sqlite().await)).await.unwrap()).await;
        }

        #[tokio::test]
        async fn $postgres() {
            let Some(app) = crate::common::start(store::testing::postgres().await).await else { return };
            $flow(app).await;
        }
    };
}
pub(crate) use on_both_backends;

/// The rows of a workbook's `n`th sheet (from 1), each cell as calamine
/// reads and writes it (numbers as `154`, `75.69`).
pub fn xlsx_rows(workbook: &[u8], n: usize) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book =
        calamine::Xlsx::new(std::io::Cursor::new(workbook.to_vec())).expect("a workbook calamine opens");
    let range = book.worksheet_range_at(n - 1).expect("the sheet").expect("a readable sheet");
    range.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect()
}

/// The text of a PDF as `pdftotext` reads it (each run of spaces and line
/// breaks as one space);
/// `None` outside CI when poppler-utils is missing
/// (`scripts/setup-test-deps.sh` installs it).
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let present = std::process::Command::new("pdftotext").arg("-v").output().is_ok();
    assert!(present || std::env::var("CI").is_err(), "pdftotext is missing: run scripts/setup-test-deps.sh");
    if !present {
        return None;
    }
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let dir = store::testing::TempDir::new("layanan-pdf");
    let path = dir.0.join("file.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" "))
}
