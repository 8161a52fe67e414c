//! The browser suite: people's flows through the real pages in headless
//! Chromium (Debian's `chromium` and `chromedriver`, installed by
//! `scripts/setup-test-deps.sh`), each on a fresh server started from the
//! `layanan` binary with its demo data. Every page visited is checked with
//! axe-core (no serious or critical violation) and for sideways scrolling,
//! and saved as a screenshot under `test-artifacts/browser/<flow>/`.
//!
//! Without chromedriver the suite is skipped with a message, except in CI
//! (`CI=true`), where that is a failure.

mod support;

use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use support::webdriver::{ARROW_DOWN, Browser, Driver, ENTER, TAB};
use support::{Server, TempDir};

/// The most Tab presses a flow allows to reach one element: a page with
/// more stops before its main control is a page to fix.
const TABS: usize = 150;

/// A flow's browser on its own server.
struct Flow {
    server: Server,
    _driver: Driver,
    b: Browser,
    downloads: TempDir,
    pages: usize,
}

fn axe_source() -> Option<String> {
    let path = std::env::var("LAYANAN_AXE_JS").unwrap_or_else(|_| "/var/tmp/layanan-axe/axe.min.js".into());
    std::fs::read_to_string(path).ok()
}

/// Starts a flow, or `None` (skipped) where the browser is not installed
/// and this is not CI.
async fn flow(name: &str, width: u32) -> Option<Flow> {
    flow_on(name, width, Server::start_demo).await
}

/// A flow on a server `start` starts (the demo as shipped, for one).
async fn flow_on(name: &str, width: u32, start: fn() -> Server) -> Option<Flow> {
    let have = std::process::Command::new("chromedriver").arg("--version").output().is_ok()
        && axe_source().is_some();
    if !have {
        assert!(
            std::env::var("CI").is_err(),
            "chromedriver, chromium or axe-core missing: run scripts/setup-test-deps.sh"
        );
        eprintln!("skipped: no chromedriver/axe-core here (scripts/setup-test-deps.sh installs them)");
        return None;
    }
    let server = start();
    let driver = Driver::start().await;
    let downloads = TempDir::new("browser-downloads");
    let mut b = driver.session(width, &downloads.0).await;
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-artifacts/browser")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    b.shots = Some(dir);
    Some(Flow { server, _driver: driver, b, downloads, pages: 0 })
}

impl Flow {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url)
    }

    async fn open(&mut self, path: &str, name: &str) {
        self.b.goto(&self.url(path)).await;
        self.check(name).await;
    }

    /// The checks every page gets: a screenshot, axe-core with no serious
    /// or critical violation, and no sideways scrolling.
    async fn check(&mut self, name: &str) {
        self.pages += 1;
        self.b.shot(&format!("{:02}-{name}", self.pages)).await;
        let src = axe_source().unwrap();
        self.b.script(&format!("{src}\nreturn true;"), json!([])).await;
        let found = self
            .b
            .script_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations
                   .filter(v => v.impact === 'serious' || v.impact === 'critical')
                   .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                 .catch(e => done(['axe failed: ' + e]));",
                json!([]),
            )
            .await;
        let url = self.b.url().await;
        assert_eq!(found, json!([]), "axe on {name} ({url})");
        let sideways = self
            .b
            .script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                json!([]),
            )
            .await;
        assert!(sideways.as_i64().unwrap() <= 0, "{name} ({url}) scrolls sideways by {sideways} px");
    }

    /// Logs in through the form by keyboard alone: Tab to the username,
    /// type, Tab, type, Enter.
    async fn login(&mut self, username: &str) {
        let password = self.server.password(username);
        self.b.goto(&self.url("/login")).await;
        self.b.tab_to("#username", 20).await;
        self.b.keys(&format!("{username}{TAB}{password}{ENTER}")).await;
        self.wait_for(|t| t.contains(username)).await;
    }

    /// Logs out by keyboard: Tab to the button, Enter.
    async fn logout(&mut self) {
        self.b.tab_to("form[action='/logout'] button", 30).await;
        self.b.keys(ENTER).await;
        // Signed out when the "log out" button is gone: a page may say
        // "Masuk" before (a letter's "tanggal masuk"), and a navigation
        // begun before the logout lands would be undone by it.
        self.wait_for(|t| {
            (t.contains("Masuk") || t.contains("Log in")) && !t.contains("Keluar") && !t.contains("Log out")
        })
        .await;
    }

    /// Types `text` into the field `css`, reached by Tab.
    async fn type_into(&self, css: &str, text: &str) {
        self.b.tab_to(css, TABS).await;
        self.b.keys(text).await;
    }

    /// Fills the form's required standard fields (`f-…`) by keyboard, each
    /// with a value its type accepts.
    async fn fill_required_fields(&self, text: &str) {
        let js = "return [...document.querySelectorAll('input[id^=\"f-\"][required], textarea[id^=\"f-\"][required]')].map(e => [e.id, e.type])";
        for field in self.b.script(js, json!([])).await.as_array().unwrap() {
            let (id, kind) = (field[0].as_str().unwrap(), field[1].as_str().unwrap_or_default());
            let value = match kind {
                "date" => "01012026",
                "number" => "2",
                "email" => "dewi@contoh.id",
                _ => text,
            };
            self.type_into(&format!("#{id}"), value).await;
        }
    }

    /// Follows a link by keyboard: Tab to it, Enter, then the page checks.
    async fn follow(&mut self, link: &str, name: &str) {
        let before = self.b.url().await;
        self.b.tab_to(link, TABS).await;
        self.b.keys(ENTER).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.b.url().await == before {
            assert!(Instant::now() < deadline, "Enter on `{link}` did not leave {before}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.check(name).await;
    }

    /// Prints the page as the browser would (A4) and returns its text.
    async fn printed(&self, name: &str) -> String {
        let pdf = self.b.print_pdf().await;
        let path = self.downloads.0.join(format!("{name}.pdf"));
        std::fs::write(&path, pdf).unwrap();
        support::pdf_text(&path)
    }

    /// Waits up to 10 s for the page text to satisfy `ok`.
    async fn wait_for(&self, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let t = self.b.text().await;
            if ok(&t) {
                return t;
            }
            assert!(Instant::now() < deadline, "page did not change as expected: {t}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A one-page PDF to upload.
fn upload_file(dir: &TempDir, name: &str) -> String {
    let path = dir.0.join(name);
    std::fs::write(&path, support::PDF).unwrap();
    path.display().to_string()
}

/// A citizen reads a standard, applies online with an upload, gets the
/// receipt PDF, tracks the case, and answers a return by uploading the
/// missing document.
#[tokio::test]
async fn a_citizen_applies_online_and_answers_a_return() {
    let Some(mut f) = flow("citizen", 1280).await else { return };
    f.open("/", "portal").await;
    f.follow("a[href='/offices/33.20']", "office-jepara").await;
    f.follow("a[href='/services/33.20-register-akta-online']", "standard").await;
    let text = f.b.text().await;
    assert!(text.contains("Persyaratan") && text.contains("Jangka Waktu"), "{text}");
    f.follow("a[href='/services/33.20-register-akta-online/apply']", "apply-form").await;
    let files = TempDir::new("browser-uploads");
    f.type_into("#name", "Dewi Lestari").await;
    f.type_into("#nik", support::NIK).await;
    f.type_into("#phone", "081234567890").await;
    f.fill_required_fields("3320-LT-01011990-0042").await;
    // A file picker is the operating system's dialog, out of a page's
    // reach: the file is handed to the input as WebDriver allows.
    for input in f.b.find_all("input[type=file]").await {
        input.send(&upload_file(&files, "ktp.pdf")).await;
    }
    f.b.tab_to("input[name=consent]", TABS).await;
    f.b.keys(" ").await;
    f.b.tab_to("form[enctype='multipart/form-data'] button[type=submit]", TABS).await;
    f.b.keys(ENTER).await;
    let text = f.wait_for(|t| t.contains("telah diterima")).await;
    f.check("tracking-fresh").await;
    let code = f.b.find(".receipt .code").await.text().await;
    assert_eq!(code.len(), 10, "tracking code `{code}` in {text}");
    // The tracking page prints: the code and the steps, no menus, forms or footer.
    let printed = f.printed("tracking").await;
    assert!(printed.contains(&code) && !printed.contains("PermenPANRB"), "printed tracking page: {printed}");

    // The receipt: downloaded with the NIK, a real PDF naming the code.
    f.type_into("input[id^='nik-']", &format!("{}{ENTER}", support::NIK)).await;
    let pdf = wait_download(&f.downloads).await;
    let text = support::pdf_text(&pdf);
    assert!(text.contains(&code), "receipt PDF names the tracking code: {text}");

    // Staff return it for a missing document (through the API).
    let case = f.server.api_get(&format!("/api/v1/track/{code}"), None).await;
    let actor =
        step_actor(&f.server, "33.20-register-akta-online", case["current_step"].as_str().unwrap()).await;
    let token = f.server.token(&format!("jepara.{actor}")).await;
    let id = case_id(&f.server, &token, &code).await;
    let r = f
        .server
        .api_post(
            &format!("/api/v1/cases/{id}/actions"),
            &token,
            json!({"action": "return", "expected_version": case["version"], "note": "Scan KTP tidak terbaca"}),
        )
        .await;
    assert_eq!(r["status"], "returned", "{r}");

    // The citizen sees what is missing and answers with the document.
    f.open(&format!("/track/{code}"), "tracking-returned").await;
    let text = f.b.text().await;
    assert!(text.contains("Scan KTP tidak terbaca"), "{text}");
    f.type_into("#nik", support::NIK).await;
    for input in f.b.find_all("form input[type=file]").await {
        input.send(&upload_file(&files, "ktp-baru.pdf")).await;
    }
    f.b.tab_to("form:has(input[name=action][value=resubmit]) button[type=submit]", TABS).await;
    f.b.keys(ENTER).await;
    let text = f.wait_for(|t| t.contains("Diproses") || t.contains("diproses")).await;
    assert!(!text.contains("Scan KTP tidak terbaca") || text.contains("Riwayat"), "{text}");
    f.check("tracking-resubmitted").await;
    let after = f.server.api_get(&format!("/api/v1/track/{code}"), None).await;
    assert_eq!(after["status"], "in_progress", "{after}");
    f.b.quit().await;
}

/// A village kiosk by keyboard on a phone-sized screen: its operator picks
/// a service on the large-button page, registers a resident's application
/// and prints the receipt, which names the village.
/// What a QR code signs is checked in the browser against the published
/// office keys: a genuine code shows its signed fields, an altered payload
/// is refused, a genuine payload under another document's code is flagged,
/// and a receipt's QR on the tracking page is checked the same way.
#[tokio::test]
async fn the_verify_page_checks_what_the_qr_code_signs() {
    use base64::Engine;
    let Some(mut f) = flow("verify", 412).await else { return };
    let mut db =
        <sqlx::SqliteConnection as sqlx::Connection>::connect(&f.server.database_url()).await.unwrap();
    let docs: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT d.code, d.number, d.payload, c.tracking_code FROM documents d JOIN cases c ON c.id = d.case_id \
         WHERE d.doc_type = 'tanda_terima' ORDER BY d.issued_at, d.code LIMIT 2",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    let [(a_code, a_number, a_payload, a_tracking), (_, b_number, b_payload, _)] = &docs[..] else {
        panic!("two demo receipts: {docs:?}")
    };
    // Genuine: the signed fields are shown.
    f.open(&format!("/verify/{a_code}#{a_payload}"), "verify-genuine").await;
    assert_eq!(qr_result(&f.b).await, "valid");
    assert_eq!(&signed_field(&f.b, "number").await, a_number);
    assert!(f.b.text().await.contains("sah"), "{}", f.b.text().await);

    // The payload altered (another number, the signature kept): refused.
    let parts: Vec<&str> = a_payload.split('.').collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let body = String::from_utf8(b64.decode(parts[1]).unwrap()).unwrap();
    let forged = body.replacen(a_number.as_str(), b_number, 1);
    assert_ne!(forged, body);
    let altered = format!("v1.{}.{}", b64.encode(forged), parts[2]);
    f.open(&format!("/verify/{a_code}#{altered}"), "verify-altered").await;
    assert_eq!(qr_result(&f.b).await, "invalid");
    assert!(f.b.text().await.contains("TIDAK SAH"));

    // A genuine payload copied under another document's code: flagged.
    f.open(&format!("/verify/{a_code}#{b_payload}"), "verify-copied").await;
    assert_eq!(qr_result(&f.b).await, "mismatch");
    assert_eq!(
        &signed_field(&f.b, "number").await,
        b_number,
        "the copied letter's own signed number is shown"
    );

    // A receipt's QR leads to its tracking page, which checks it too.
    f.open(&format!("/track/{a_tracking}#{a_payload}"), "track-receipt-qr").await;
    assert_eq!(qr_result(&f.b).await, "valid");

    // Without JavaScript the page says it shows the database only.
    let html = reqwest::get(f.url(&format!("/verify/{a_code}"))).await.unwrap().text().await.unwrap();
    assert!(html.contains("<noscript>") && html.contains("hanya menampilkan catatan kantor"), "{html}");
    f.b.quit().await;
}

/// What the verify script concluded (`data-result`), once it has.
async fn qr_result(b: &Browser) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let js = "return document.getElementById('signed-payload').getAttribute('data-result')";
        if let Some(r) = b.script(js, json!([])).await.as_str() {
            return r.to_string();
        }
        assert!(Instant::now() < deadline, "the QR check gave no result");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A field the verify script showed from the signed payload.
async fn signed_field(b: &Browser, field: &str) -> String {
    let js = format!("const e = document.querySelector('[data-field={field}]'); return e && e.textContent");
    b.script(&js, json!([])).await.as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_village_kiosk_registers_an_application_and_prints_its_receipt() {
    let Some(mut f) = flow("kiosk", 412).await else { return };
    f.login("jepara.desa").await;
    f.open("/kios", "kiosk-home").await;
    f.follow("a[href='/kios/33.20-legalisir']", "kiosk-form").await;
    f.type_into("#name", "Siti Aminah").await;
    f.type_into("#nik", support::NIK).await;
    f.fill_required_fields("Akta kelahiran dan Kartu Keluarga").await;
    f.b.tab_to("input[name=consent]", TABS).await;
    f.b.keys(" ").await;
    f.b.tab_to("form[enctype='multipart/form-data'] button[type=submit]", TABS).await;
    f.b.keys(ENTER).await;
    let text = f.wait_for(|t| t.contains("Kedungmalang") && t.contains("Cetak")).await;
    f.check("kiosk-receipt").await;
    let code = f.b.find("#tracking-code").await.text().await;
    assert_eq!(code.len(), 10, "tracking code `{code}` in {text}");
    let printed = f.printed("kiosk-receipt").await;
    assert!(
        printed.contains(&code)
            && printed.contains("Kedungmalang")
            && !printed.contains("Daftarkan permohonan lain"),
        "the printed receipt: {printed}"
    );
    let case = f.server.api_get(&format!("/api/v1/track/{code}"), None).await;
    assert_eq!(case["status"], "submitted", "{case}");
    f.b.quit().await;
}

/// The dashboard draws its charts on the server: the Kepala Dinas of Muba
/// sees the demo's applications by status as SVG bars, a table under each
/// chart with one row per bar, readable without JavaScript.
#[tokio::test]
async fn the_dashboard_renders_its_charts() {
    let Some(mut f) = flow("dashboard", 1280).await else { return };
    f.login("muba.kepala_dinas").await;
    f.open("/dasbor?from=2000-01-01&to=2100-12-31", "dashboard").await;
    let bars = f.b.find_all("#chart-status svg rect[fill='#1F5FA8']").await.len();
    let rows = f.b.find_all("#chart-status + .table-wrap tbody tr").await.len();
    assert!(bars > 0 && bars == rows, "{bars} bars, {rows} rows");
    let scripts =
        f.b.script("return document.querySelectorAll('#chart-status script').length;", json!([])).await;
    assert_eq!(scripts, 0, "drawn on the server");
    let text = f.b.text().await;
    assert!(text.contains("Per langkah dan kebutuhan petugas") && text.contains("Erlang C"), "{text}");
    f.b.quit().await;
}

/// Paper SKM questionnaires entered by keyboard alone: the first answer has
/// the focus, digits and Tab fill U1–U9, a letter or digit picks each
/// profile answer, Enter on the button saves and opens the next with the
/// service kept; a batch of 100 is entered in minutes and the published IKM
/// counts them.
#[tokio::test]
async fn paper_skm_questionnaires_are_entered_by_keyboard_alone() {
    let Some(mut f) = flow("skm", 1280).await else { return };
    f.login("muba.operator").await;
    f.open("/survei/kertas?layanan=16.06-ktp-el", "paper-entry").await;
    let focused = f.b.script("return document.activeElement.id;", json!([])).await;
    assert_eq!(focused, "U1", "the first answer has the focus");
    // Two questionnaires: all 4s from a woman of 31-40 with SMA, a
    // wirausaha; all 3s from a man of 21-30 with S1, a PNS.
    let questionnaires = [("4", "p", "3", "sma", "w"), ("3", "l", "2", "s1", "pn")];
    for (n, (answer, sex, age, education, occupation)) in questionnaires.into_iter().enumerate() {
        let answers = [answer; 9].join(TAB);
        f.b.keys(&format!("{answers}{TAB}{sex}{TAB}{age}{TAB}{education}{TAB}{occupation}{TAB}{TAB}{ENTER}"))
            .await;
        f.wait_for(|t| t.contains("Tersimpan")).await;
        f.check(&format!("paper-saved-{n}")).await;
        let focused = f.b.script("return document.activeElement.id;", json!([])).await;
        assert_eq!(focused, "U1", "the next questionnaire starts at U1");
        let service = f.b.script("return document.getElementById('service').value;", json!([])).await;
        assert_eq!(service, "16.06-ktp-el", "the service is kept");
    }
    // The rest of a batch of 100, timed: 14 keystrokes and one page load
    // each, alternately all 4s and all 3s.
    let started = Instant::now();
    for n in 2..100 {
        let answers = [if n % 2 == 0 { "4" } else { "3" }; 9].join(TAB);
        f.b.script("window.batchMark = 1; return 0;", json!([])).await;
        f.b.keys(&format!("{answers}{TAB}p{TAB}3{TAB}sma{TAB}w{TAB}{TAB}{ENTER}")).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        let next = "return typeof window.batchMark === 'undefined' && document.activeElement.id === 'U1';";
        while f.b.script(next, json!([])).await != json!(true) {
            assert!(Instant::now() < deadline, "questionnaire {n} was not saved");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let took = started.elapsed();
    eprintln!("paper SKM: 98 questionnaires entered by keyboard in {took:?}");
    assert!(took < Duration::from_secs(300), "a batch of 100 takes minutes, not more: {took:?}");
    let ikm = f.server.api_get("/api/v1/reports/ikm?office=16.06&service=16.06-ktp-el", None).await;
    assert_eq!(ikm["respondents"], 100, "{ikm}");
    // 50 × 36 + 50 × 27 over 100 respondents: 25 × 3150 / 900 = 87.5, mutu B.
    assert_eq!((ikm["ikm"].as_f64(), ikm["mutu"].as_str()), (Some(87.5), Some("B")), "{ikm}");
    f.b.quit().await;
}

/// The counter queue by keyboard on a phone-sized screen: a resident takes
/// a regular number, another a priority number (lansia) after it, and the
/// operator's first call at the counter is the priority number, which
/// opens the intake form of its service; the ticket prints on its own.
#[tokio::test]
async fn the_queue_caller_calls_a_priority_number_first() {
    let Some(mut f) = flow("queue", 412).await else { return };
    let take = async |f: &mut Flow, priority: bool, name: &str| {
        f.open("/antrian/33.20", &format!("{name}-entrance")).await;
        if priority {
            // A radio group is one Tab stop; the arrow picks the next group.
            f.b.tab_to("input[name=priority][value='']", TABS).await;
            f.b.keys(ARROW_DOWN).await;
        }
        f.b.tab_to("button[value='33.20-legalisir']", TABS).await;
        f.b.keys(ENTER).await;
        f.wait_for(|t| t.contains("Nomor antrean Anda")).await;
        f.check(&format!("{name}-ticket")).await;
        f.b.find(".ticket-number").await.text().await
    };
    let regular = take(&mut f, false, "regular").await;
    let printed = f.printed("ticket").await;
    assert!(
        printed.contains(&regular) && !printed.contains("Ambil nomor lain"),
        "the ticket prints alone: {printed}"
    );
    let priority = take(&mut f, true, "priority").await;
    assert!(priority.starts_with("LP-") && regular.starts_with("L-"), "{regular} then {priority}");

    f.login("jepara.operator").await;
    f.open("/antrian/panggil", "caller").await;
    f.b.tab_to("#call-next", TABS).await;
    f.b.keys(ENTER).await;
    f.wait_for(|t| t.contains("Dipanggil sekarang")).await;
    f.check("called").await;
    assert_eq!(f.b.find("#called-number").await.text().await, priority, "the priority number first");
    f.follow("#open-intake", "intake").await;
    assert!(f.b.url().await.ends_with("/staff/intake/33.20-legalisir"), "{}", f.b.url().await);
    f.open("/antrian/33.20/layar", "display").await;
    let board = f.b.text().await;
    assert!(board.contains(&priority) && board.contains(&regular), "{board}");
    f.b.quit().await;
}

/// Staff log in, take a walk-in application at the counter, find it on
/// the worklist (sorted by due time), advance it through every step of
/// Muba's KTP-el SOP, each by the step's own role; the citizen then sees it
/// completed.
#[tokio::test]
async fn staff_run_a_muba_case_through_every_step() {
    let Some(mut f) = flow("staff", 1280).await else { return };
    f.login("muba.operator").await;
    f.follow("header a[href='/staff']", "worklist-start").await;
    f.follow("a[href='/staff/intake']", "intake").await;
    f.follow("a[href='/staff/intake/16.06-ktp-el']", "intake-form").await;
    let files = TempDir::new("browser-uploads");
    f.type_into("#name", "Rahmat Hidayat").await;
    f.type_into("#nik", support::NIK).await;
    f.fill_required_fields("Cetak ulang karena rusak").await;
    for input in f.b.find_all("input[type=file]").await {
        input.send(&upload_file(&files, "f102.pdf")).await;
    }
    f.b.tab_to("input[name=consent]", TABS).await;
    f.b.keys(" ").await;
    f.b.tab_to("form[enctype='multipart/form-data'] button[type=submit]", TABS).await;
    f.b.keys(ENTER).await;
    f.wait_for(|t| t.contains("Tanda terima") || t.contains("Kode")).await;
    f.check("counter-receipt").await;
    let code = f.b.find(".code").await.text().await;
    // The counter receipt prints: the code on paper, no menus or footer.
    let printed = f.printed("counter-receipt").await;
    assert!(printed.contains(&code) && !printed.contains("PermenPANRB"), "printed receipt: {printed}");

    // The worklist: due times ascending, our case on it.
    f.open("/staff", "worklist").await;
    let due: Vec<String> = f
        .b
        .script("return [...document.querySelectorAll('tbody tr')].map(r => r.dataset.due || '')", json!([]))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(due.windows(2).all(|w| w[0] <= w[1] || w[1].is_empty()), "worklist not by due time: {due:?}");
    f.follow(&format!("a[data-code='{code}']"), "case-first-step").await;

    let std = f.server.api_get("/api/v1/services/16.06-ktp-el", None).await;
    let steps = std["steps"].as_array().unwrap().len();
    let mut user = "muba.operator".to_string();
    for n in 1..=steps {
        let track = f.server.api_get(&format!("/api/v1/track/{code}"), None).await;
        if track["status"] == "completed" {
            break;
        }
        let step = track["current_step"].as_str().unwrap().to_string();
        let actor = step_actor(&f.server, "16.06-ktp-el", &step).await;
        // The applicant's counter steps are recorded by the operator.
        let role = if actor == "pemohon" { "operator".to_string() } else { actor };
        let next = format!("muba.{role}");
        if next != user {
            f.logout().await;
            f.login(&next).await;
            user = next;
        }
        f.open("/staff", &format!("worklist-{role}")).await;
        if f.b.try_find(&format!("a[data-code='{code}']")).await.is_none() {
            let token = f.server.token(&user).await;
            let api = f.server.api_get("/api/v1/worklist", Some(&token)).await;
            panic!("{code} is not on {user}'s worklist at step {step}: {}\nAPI: {api}", f.b.text().await);
        }
        f.follow(&format!("a[data-code='{code}']"), &format!("case-step-{n}")).await;
        // The one action panel, by keyboard: Tab to it, choose "Selesaikan
        // langkah" (advance) by its first letter, Tab to the button, Enter.
        f.b.tab_to("#action", 80).await;
        f.b.keys("s").await;
        let chosen = f.b.script("return document.querySelector('#action').value", json!([])).await;
        assert_eq!(chosen, "advance", "advance is not offered to {user} on step {step}");
        f.b.tab_to("form.actions button[type=submit]", 10).await;
        f.b.keys(ENTER).await;
        // Done when the case has moved on (its version grew), not before.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let now = f.server.api_get(&format!("/api/v1/track/{code}"), None).await;
            if now["version"].as_i64() > track["version"].as_i64() {
                break;
            }
            assert!(Instant::now() < deadline, "step {step} was not advanced: {}", f.b.text().await);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        f.wait_for(|t| t.contains(&code)).await;
    }
    let track = f.server.api_get(&format!("/api/v1/track/{code}"), None).await;
    assert_eq!(track["status"], "completed", "{track}");
    f.logout().await;

    // The citizen sees it completed.
    f.open(&format!("/track/{code}"), "tracking-completed").await;
    let text = f.b.text().await;
    assert!(text.contains("Selesai"), "{text}");
    f.b.quit().await;
}

/// At 360 px (a small phone) every page fits without sideways scrolling
/// and passes axe; every demo role finds work on its worklist.
#[tokio::test]
async fn pages_fit_a_phone_and_every_demo_role_has_work() {
    let Some(mut f) = flow("phone", 360).await else { return };
    for (path, name) in [
        ("/", "portal"),
        ("/offices/73", "office-province"),
        ("/offices/16.06", "office-muba"),
        ("/services/16.06-ktp-el", "standard"),
        ("/services/33.20-informasi-online/apply", "apply"),
        ("/track", "track"),
        ("/login", "login"),
        ("/lembaga/daftar", "institution-register"),
    ] {
        f.open(path, name).await;
    }
    let province = f.server.api_get("/api/v1/services?office=73", None).await;
    assert!(!province.as_array().unwrap().is_empty());
    let accounts: Vec<String> = f.server.accounts.keys().cloned().collect();
    let mut empty = Vec::new();
    for username in accounts {
        let token = f.server.token(&username).await;
        let list = f.server.api_get("/api/v1/worklist", Some(&token)).await;
        // Admins and auditors act on no step of any standard; complaint
        // handling is not a case yet; a village kiosk registers applications
        // and works none (its flow is `a_village_kiosk_registers_…`).
        let no_steps =
            [".admin", ".auditor", ".complaint_handler", ".desa"].iter().any(|r| username.ends_with(r));
        if list["total"].as_i64().unwrap_or(0) == 0 && !no_steps {
            empty.push(username);
        }
    }
    assert!(empty.is_empty(), "demo roles with an empty worklist: {empty:?}");
    f.login("sulsel.verifikator").await;
    for (path, name) in
        [("/staff", "worklist"), ("/staff/outbox", "outbox"), ("/staff/supervisor", "supervisor")]
    {
        if path == "/staff/supervisor" {
            f.logout().await;
            f.login("sulsel.kepala_dinas").await;
        }
        f.open(path, name).await;
    }
    f.open("/staff", "worklist-kepala-dinas").await;
    let first = f.b.find("tbody a[data-code]").await.attr("href").await.unwrap();
    f.open(&first, "case").await;
    // The agreement register (the demo's completed PKS facilitation made
    // one), an agreement's page and the compliance board.
    let token = f.server.token("sulsel.kepala_dinas").await;
    let register = f.server.api_get("/api/v1/agreements", Some(&token)).await;
    assert!(!register.as_array().unwrap().is_empty(), "the demo has an agreement: {register}");
    f.open("/perjanjian", "agreements").await;
    let one = f.b.find("tbody a[href^='/perjanjian/']").await.attr("href").await.unwrap();
    f.open(&one, "agreement").await;
    f.open("/perjanjian/kepatuhan", "compliance").await;
    // The blanko stock: the demo's completed hand-overs moved blanks from
    // the province to a kab/kota; the province's page lists its 24 offices.
    let stock = f.server.api_get("/api/v1/stock?office=73", Some(&token)).await;
    let moves = stock["movements"].as_array().unwrap();
    let out = moves.iter().find(|m| m["kind"] == "transfer_out").expect("a demo hand-over moved stock");
    let to = out["counterpart"].as_str().unwrap().to_string();
    f.open("/stok", "stock-province").await;
    assert_eq!(f.b.find_all("table").await.len(), 2, "the kab/kota offices and the movements");
    f.open(&format!("/stok?office={to}"), "stock-kabkota").await;
    f.b.quit().await;
}

async fn step_actor(server: &Server, service: &str, step: &str) -> String {
    let std = server.api_get(&format!("/api/v1/services/{service}"), None).await;
    let s = std["steps"].as_array().unwrap().iter().find(|s| s["id"] == step).unwrap();
    s["actor"].as_str().unwrap().to_string()
}

async fn case_id(server: &Server, token: &str, code: &str) -> i64 {
    let list = server.api_get("/api/v1/worklist?per_page=100", Some(token)).await;
    list["items"].as_array().unwrap().iter().find(|c| c["tracking_code"] == code).unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn wait_download(dir: &TempDir) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let done: Vec<PathBuf> = std::fs::read_dir(&dir.0)
            .unwrap()
            .map_while(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        if let Some(p) = done.into_iter().next() {
            return p;
        }
        assert!(Instant::now() < deadline, "no PDF downloaded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An admin manages accounts, then a supervisor opens the monitoring page,
/// switching the language and logging out on the way: all by keyboard
/// alone (Tab, typing, Enter), each page checked.
#[tokio::test]
async fn an_admin_manages_accounts_and_a_supervisor_watches_by_keyboard() {
    let Some(mut f) = flow("admin", 1280).await else { return };
    f.login("muba.admin").await;
    f.follow("a[href='/admin/users']", "accounts").await;
    assert!(f.b.text().await.contains("muba.verifikator"), "the office's accounts are listed");

    // A new verifikator: typed field by field, the role chosen by typing
    // its first letter in the select.
    let password = "kata sandi petugas baru";
    f.b.tab_to("#new-username", 60).await;
    f.b.keys(&format!("petugas.baru{TAB}Petugas Baru{TAB}v{TAB}{TAB}{password}{ENTER}")).await;
    let text = f.wait_for(|t| t.contains("Akun dibuat")).await;
    f.check("account-created").await;
    let row = f.b.find("tr[data-username='petugas.baru']").await.text().await;
    assert!(row.contains("Verifikator") && row.contains("aktif"), "{row} / {text}");
    assert_eq!(login_status(&f.server, "petugas.baru", password).await, 200);

    // A taken username is refused with the field named, the page kept.
    f.b.tab_to("#new-username", 60).await;
    f.b.keys(&format!("muba.operator{TAB}{TAB}{TAB}{TAB}{password}{ENTER}")).await;
    f.wait_for(|t| t.contains("already exists")).await;
    f.check("account-refused").await;
    let invalid = f.b.find("#new-username").await.attr("aria-invalid").await;
    assert_eq!(invalid.as_deref(), Some("true"));

    // Turned off: it shows as nonaktif and can no longer log in.
    f.b.tab_to("tr[data-username='petugas.baru'] button", 80).await;
    f.b.keys(ENTER).await;
    f.wait_for(|t| t.contains("Akun diubah")).await;
    f.check("account-deactivated").await;
    let row = f.b.find("tr[data-username='petugas.baru']").await.text().await;
    assert!(row.contains("nonaktif"), "{row}");
    assert_eq!(login_status(&f.server, "petugas.baru", password).await, 401);

    // Back on, and its password reset: the temporary one is shown once.
    f.b.tab_to("tr[data-username='petugas.baru'] button", 80).await;
    f.b.keys(ENTER).await;
    f.wait_for(|t| t.contains("Akun diubah")).await;
    f.b.tab_to("tr[data-username='petugas.baru'] summary", 100).await;
    f.b.keys(ENTER).await;
    f.b.tab_to("tr[data-username='petugas.baru'] input[value='reset'] + button", 30).await;
    f.b.keys(ENTER).await;
    f.wait_for(|t| t.contains("Kata sandi sementara")).await;
    f.check("password-reset").await;
    let temporary = f.b.find("#temporary-password code").await.text().await;
    assert_eq!(temporary.trim().len(), 20, "{temporary}");
    f.logout().await;

    // Its holder logs in with it and is sent to choose their own first.
    f.b.goto(&f.url("/login")).await;
    f.b.tab_to("#username", 20).await;
    f.b.keys(&format!("petugas.baru{TAB}{}{ENTER}", temporary.trim())).await;
    f.wait_for(|t| t.contains("Kata sandi Anda sementara")).await;
    f.check("own-password").await;
    f.type_into("#current", temporary.trim()).await;
    f.type_into("#password", &format!("{password} yang baru{ENTER}")).await;
    f.wait_for(|t| t.contains("Kata sandi diganti")).await;
    assert_eq!(login_status(&f.server, "petugas.baru", &format!("{password} yang baru")).await, 200);
    f.login("muba.admin").await;
    f.b.goto(&f.url("/admin/users")).await;

    // English, kept on the next page, then log out.
    f.follow("a[hreflang='en']", "accounts-english").await;
    assert!(f.b.text().await.contains("Staff accounts"));
    f.follow("a[href='/staff']", "worklist-english").await;
    assert!(f.b.text().await.contains("Worklist"), "the language switch was not kept");
    f.logout().await;

    // The head of office watches the clocks of every open case.
    f.login("muba.kepala_dinas").await;
    f.follow("header a[href='/staff']", "worklist-head").await;
    f.follow("a[href='/staff/supervisor']", "supervisor").await;
    let text = f.b.text().await;
    assert!(text.contains("KTP-el") && text.contains("Overdue"), "{text}");
    let overdue: i64 = f
        .b
        .script("return [...document.querySelectorAll('tbody tr')].reduce((n, r) => n + Number(r.cells[4].innerText), 0)", json!([]))
        .await
        .as_i64()
        .unwrap();
    assert!(overdue > 0, "the demo has overdue cases to watch");
    f.logout().await;
    f.b.quit().await;
}

/// The demo as shipped: the head of office must set up a second factor at
/// the first login — the QR code's key typed into an "app" (the code
/// computed here), ten recovery codes shown once —, logs in with a
/// recovery code, and the admin (enrolled the same way) resets it from the
/// accounts page for a lost phone. By keyboard alone, each page checked.
#[tokio::test]
async fn an_official_sets_up_a_second_factor_and_an_admin_resets_it() {
    let Some(mut f) = flow_on("second-factor", 390, Server::start_demo_as_shipped).await else { return };
    let recovery = f.enrol("muba.kepala_dinas").await;
    f.logout().await;
    // Back with a recovery code instead of the app's code.
    let password = f.server.password("muba.kepala_dinas");
    f.b.goto(&f.url("/login")).await;
    f.b.tab_to("#username", 20).await;
    f.b.keys(&format!("muba.kepala_dinas{TAB}{password}{TAB}{}{ENTER}", recovery[3])).await;
    f.wait_for(|t| t.contains("muba.kepala_dinas") && !t.contains("Kode verifikasi")).await;
    f.follow("a[href='/akun/faktor']", "factor-on").await;
    assert!(f.b.text().await.contains("Kode pemulihan tersisa: 9"), "one recovery code used");
    f.logout().await;
    // The password alone is not enough any more: the form asks for the code.
    f.b.goto(&f.url("/login")).await;
    f.b.tab_to("#username", 20).await;
    f.b.keys(&format!("muba.kepala_dinas{TAB}{password}{ENTER}")).await;
    f.wait_for(|t| t.contains("memakai verifikasi dua langkah")).await;
    f.check("login-asks-code").await;

    // The admin enrols too, then resets the head's factor.
    f.enrol("muba.admin").await;
    f.b.goto(&f.url("/admin/users")).await;
    let row = "tr[data-username='muba.kepala_dinas']";
    assert!(f.b.find(row).await.text().await.contains("2 langkah aktif"));
    f.b.tab_to(&format!("{row} summary"), 120).await;
    f.b.keys(ENTER).await;
    f.b.tab_to(&format!("{row} input[value='second_factor_reset'] + button"), 40).await;
    f.b.keys(ENTER).await;
    f.wait_for(|t| t.contains("Akun diubah")).await;
    f.check("factor-reset").await;
    assert!(f.b.find(row).await.text().await.contains("belum diaktifkan (wajib)"));
    f.logout().await;
    // Its holder is asked to enrol again at the next login.
    f.login("muba.kepala_dinas").await;
    f.wait_for(|t| t.contains("wajib memakai verifikasi dua langkah")).await;
    f.b.quit().await;
}

impl Flow {
    /// Logs `username` in for the first time, is sent to set up the second
    /// factor, scans (reads the typed key) and confirms with the app's
    /// code; the recovery codes shown.
    async fn enrol(&mut self, username: &str) -> Vec<String> {
        self.login(username).await;
        self.wait_for(|t| t.contains("wajib memakai verifikasi dua langkah")).await;
        self.check("enrol-required").await;
        self.b.tab_to("form[action='/akun/faktor'] button", TABS).await;
        self.b.keys(ENTER).await;
        self.wait_for(|t| t.contains("Pindai kode QR")).await;
        self.check("enrol-qr").await;
        let key = self.b.find("#secret").await.text().await.replace(' ', "");
        let secret = domain::totp::base32_decode(&key).expect("the key is base32");
        let code = domain::totp::code_at(&secret, chrono::Utc::now().timestamp_millis());
        self.type_into("#code", &format!("{code}{ENTER}")).await;
        let text = self.wait_for(|t| t.contains("Kode pemulihan")).await;
        self.check("recovery-codes").await;
        assert!(text.contains("Verifikasi dua langkah aktif"), "{text}");
        let codes = self
            .b
            .script(
                "return [...document.querySelectorAll('.recovery-codes code')].map(c => c.innerText)",
                json!([]),
            )
            .await;
        let codes: Vec<String> =
            codes.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
        assert_eq!(codes.len(), 10, "{codes:?}");
        codes
    }
}

async fn login_status(server: &Server, username: &str, password: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/api/v1/login", server.url))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
