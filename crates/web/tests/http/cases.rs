//! The case engine end to end over HTTP, on the seeds' own standards.

use crate::common::{PASSWORD, TestApp, pdf};
use chrono::{DateTime, NaiveDate, Utc};
use domain::TimeZone;
use domain::calendar::BusinessCalendar;
use serde_json::{Value, json};

const NIK: &str = "1606015708900001";

impl TestApp {
    /// A multipart application: the JSON and `file.<code>` parts.
    pub(crate) async fn apply_with_files(
        &self,
        token: Option<&str>,
        application: Value,
        files: &[(&str, &str, Vec<u8>)],
    ) -> (u16, Value) {
        let mut form = reqwest::multipart::Form::new().text("application", application.to_string());
        for (code, name, bytes) in files {
            let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string());
            form = form.part(format!("file.{code}"), part);
        }
        let mut req = self.http.post(self.url("/api/v1/applications")).multipart(form);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub(crate) async fn act(
        &self,
        token: &str,
        id: i64,
        action: &str,
        version: i64,
        extra: Value,
    ) -> (u16, Value) {
        let mut body = json!({"action": action, "expected_version": version});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        self.post_json(&format!("/api/v1/cases/{id}/actions"), Some(token), body).await
    }

    /// Applies (as `token`, or as a citizen) and returns the stored case.
    async fn apply(&self, token: Option<&str>, application: Value) -> store::Case {
        let (status, r) = self.post_json("/api/v1/applications", token, application).await;
        assert_eq!(status, 201, "{r}");
        self.db.store.case(r["id"].as_i64().unwrap()).await.unwrap().unwrap()
    }

    /// The staff notifications of a case: (recipient, subject).
    pub(crate) async fn staff_notes(&self, id: i64) -> Vec<(String, String)> {
        let all = self.db.store.case_notifications(id).await.unwrap();
        all.into_iter().filter(|n| n.channel == "staff").map(|n| (n.recipient, n.subject)).collect()
    }

    /// The office's calendar as the server computes it.
    pub(crate) async fn calendar(&self, zone: TimeZone) -> BusinessCalendar {
        let days = self.db.store.holidays("2000-01-01", "9999-12-31").await.unwrap();
        BusinessCalendar::new(
            zone,
            days.iter().map(|h| NaiveDate::parse_from_str(&h.date, "%Y-%m-%d").unwrap()),
        )
    }
}

fn jpeg() -> Vec<u8> {
    vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']
}

fn ts(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap().with_timezone(&Utc)
}

fn ms(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t).unwrap()
}

async fn staff(app: &TestApp, name: &str, role: &str, office: &str) -> String {
    app.add_user(name, role, office, PASSWORD).await;
    app.token(name, PASSWORD).await.0
}

async fn muba_ktp_el_on(app: TestApp) {
    let op = staff(&app, "muba.op", "operator", "16.06").await;
    let verif = staff(&app, "muba.verif", "verifikator", "16.06").await;
    let valid = staff(&app, "muba.kabid", "validator", "16.06").await;
    let kadin = staff(&app, "muba.kadin", "kepala_dinas", "16.06").await;
    let jepara = staff(&app, "jepara.verif", "verifikator", "33.20").await;

    let application = json!({
        "service": "16.06-ktp-el", "channel": "counter",
        "applicant": {"name": "Siti Aminah", "nik": NIK, "phone": "081234567890"},
        "fields": {"jenis_permohonan": "cetak ulang"}
    });
    // A counter application needs an operator's session.
    assert_eq!(app.post_json("/api/v1/applications", None, application.clone()).await.0, 401);
    let (status, receipt) = app.post_json("/api/v1/applications", Some(&op), application).await;
    assert_eq!(status, 201, "{receipt}");
    let id = receipt["id"].as_i64().unwrap();
    let code = receipt["tracking_code"].as_str().unwrap().to_string();
    assert_eq!((code.len(), receipt["status"].as_str()), (10, Some("submitted")));
    assert!(receipt["due_at"].as_str().unwrap().ends_with("+07:00"), "times in WIB: {receipt}");

    // Due times follow the SOP's minutes in WIB office hours.
    let cal = app.calendar(TimeZone::Wib).await;
    let stored = app.db.store.case(id).await.unwrap().unwrap();
    let started = ms(stored.step_started_at.unwrap());
    // (Receipts give whole seconds; inside office hours the due time has
    // the start's milliseconds.)
    let secs = |t: DateTime<Utc>| DateTime::from_timestamp(t.timestamp(), 0).unwrap();
    assert_eq!(ts(&receipt["step_due_at"]), secs(cal.add_working_minutes(started, 5)), "step 2: 5 menit");
    assert_eq!(ts(&receipt["due_at"]), secs(cal.add_working_minutes(started, 30)), "SOP total: 30 menit");

    // Another office's verifikator sees nothing of it: not even that it is there.
    assert_eq!(app.get_json(&format!("/api/v1/cases/{id}"), Some(&jepara)).await.0, 404);
    assert_eq!(app.act(&jepara, id, "advance", 1, json!({})).await.0, 404);
    // The verifikator may not do the operator's step.
    assert_eq!(app.act(&verif, id, "advance", 1, json!({})).await.0, 403);

    let (s, after) = app.act(&op, id, "advance", 1, json!({})).await;
    assert_eq!((s, after["current_step"].as_str(), after["version"].as_i64()), (200, Some("3"), Some(2)));
    // A stale version is refused with 409.
    let (s, err) = app.act(&verif, id, "advance", 1, json!({})).await;
    assert_eq!((s, err["error"]["code"].as_str()), (409, Some("stale_version")));
    // Step 3 may not reject; a return needs its reason.
    assert_eq!(app.act(&verif, id, "reject", 2, json!({"note": "x"})).await.0, 422);
    let (s, err) = app.act(&verif, id, "return", 2, json!({})).await;
    assert_eq!((s, err["error"]["field"].as_str()), (422, Some("note")));
    let (s, returned) = app.act(&verif, id, "return", 2, json!({"note": "Pas foto belum sesuai"})).await;
    assert_eq!(
        (s, returned["status"].as_str(), returned["sla"].as_str()),
        (200, Some("returned"), Some("paused"))
    );
    let paused = app.db.store.case(id).await.unwrap().unwrap();
    assert!(paused.paused_at.is_some() && paused.step_left_ms.is_some());

    // The public tracking page says what is missing, with a masked name only.
    let (s, track) = app.get_json(&format!("/api/v1/track/{code}"), None).await;
    assert_eq!(
        (s, track["status"].as_str(), track["missing"].as_str()),
        (200, Some("returned"), Some("Pas foto belum sesuai"))
    );
    assert_eq!(track["applicant"], "S*** A*****");
    assert!(!track.to_string().contains(NIK) && !track.to_string().contains("Siti"));

    // The applicant resubmits with the tracking code and their NIK.
    let wrong = json!({"action": "resubmit", "nik": "1606015708900002", "expected_version": 3});
    assert_eq!(app.post_json(&format!("/api/v1/track/{code}/actions"), None, wrong).await.0, 403);
    let ok = json!({"action": "resubmit", "nik": NIK, "expected_version": 3});
    let (s, back) = app.post_json(&format!("/api/v1/track/{code}/actions"), None, ok).await;
    assert_eq!(
        (s, back["status"].as_str(), back["current_step"].as_str()),
        (200, Some("in_progress"), Some("3"))
    );

    assert_eq!(app.act(&verif, id, "advance", 4, json!({})).await.0, 200);
    assert_eq!(app.act(&valid, id, "advance", 5, json!({})).await.0, 200);
    assert_eq!(app.act(&kadin, id, "advance", 6, json!({})).await.0, 200);
    // The operator issues the KTP-el (step 6), then hands it over for the applicant (step 7).
    let (_, at7) = app.act(&op, id, "advance", 7, json!({})).await;
    assert_eq!(at7["current_step"], "7");
    let (s, done) = app.act(&op, id, "advance", 8, json!({"note": "KTP-el diserahkan"})).await;
    assert_eq!((s, done["status"].as_str()), (200, Some("completed")));
    assert_eq!(app.act(&op, id, "advance", 9, json!({})).await.0, 422);

    // The timeline has every action, in order, with who did it.
    let (_, timeline) = app.get_json(&format!("/api/v1/cases/{id}/timeline"), Some(&kadin)).await;
    let steps: Vec<(String, String)> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|j| (j["action"].as_str().unwrap().into(), j["actor"].as_str().unwrap().into()))
        .collect();
    let expected = [
        ("submit", "muba.op"),
        ("advance", "muba.op"),
        ("return", "muba.verif"),
        ("resubmit", "pemohon"),
        ("advance", "muba.verif"),
        ("advance", "muba.kabid"),
        ("advance", "muba.kadin"),
        ("advance", "muba.op"),
        ("advance", "muba.op"),
    ];
    assert_eq!(steps, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    assert_eq!(timeline[8]["on_behalf"], true, "the hand-over of step 7 was done for the applicant");

    // Reading the case is logged with the NIK masked; the applicant was told thrice.
    let (_, detail) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&op)).await;
    assert_eq!(detail["applicant"]["nik"], NIK);
    let audit = app.db.store.audit_entries(0, 10_000).await.unwrap();
    let access = audit.iter().find(|a| a.kind == "access" && a.object.starts_with("case:")).unwrap();
    assert!(access.object.contains("1606••••••••0001") && !access.object.contains(NIK));
    let sent: Vec<_> =
        app.db.store.case_notifications(id).await.unwrap().into_iter().map(|n| n.subject).collect();
    assert_eq!(sent, ["Permohonan diterima", "Permohonan perlu dilengkapi", "Permohonan selesai"]);

    // The other reads that show personal data are logged too: the
    // timeline, the worklist, the outbox and a staff PDF download, each
    // by its reader and purpose.
    let (_, docs) = app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&op)).await;
    let doc = docs[0]["code"].as_str().unwrap().to_string();
    for path in [
        format!("/api/v1/cases/{id}/timeline"),
        "/api/v1/worklist".into(),
        "/api/v1/notifications".into(),
        format!("/api/v1/documents/{doc}/pdf"),
    ] {
        let res = app.http.get(app.url(&path)).bearer_auth(&verif).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
    let audit = app.db.store.audit_entries(0, 10_000).await.unwrap();
    let read = |object: &str, purpose: &str| {
        audit.iter().any(|a| {
            a.kind == "access" && a.actor == "muba.verif" && a.object == object && a.detail == purpose
        })
    };
    assert!(read(&format!("case:{id} 1606••••••••0001"), "timeline"), "timeline read not logged");
    assert!(read("worklist:16.06", "worklist"), "worklist read not logged");
    assert!(read("notifications:16.06", "outbox"), "outbox read not logged");
    assert!(read(&format!("case:{id} document:{doc}"), "document download"), "download not logged");
    assert!(app.db.store.audit_verify().await.unwrap().ok);
}

#[tokio::test]
async fn muba_ktp_el_end_to_end_sqlite() {
    muba_ktp_el_on(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn muba_ktp_el_end_to_end_postgres() {
    let Some(app) = TestApp::postgres().await else { return };
    muba_ktp_el_on(app).await;
}

#[tokio::test]
async fn ikd_online_runs_on_a_3x24_hour_clock() {
    let app = TestApp::sqlite().await;
    let body = json!({
        "service": "73-aktivasi-ikd", "channel": "online",
        "applicant": {"name": "Andi", "nik": "7371011203950002", "email": "andi@example.id"},
        "fields": {"email": "andi@example.id", "kabkota_asal": "Kota Makassar"}
    });
    // The photo of the KTP-el is required online.
    let (s, e) = app.post_json("/api/v1/applications", None, body.clone()).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("files.ktp_el_atau_kk")), "{e}");
    let (s, r) = app.apply_with_files(None, body, &[("ktp_el_atau_kk", "ktp.jpg", jpeg())]).await;
    assert_eq!(s, 201, "{r}");
    let c = app.db.store.case(r["id"].as_i64().unwrap()).await.unwrap().unwrap();
    let files = app.db.store.case_files(c.id).await.unwrap();
    assert_eq!((files.len(), files[0].content_type.as_str()), (1, "image/jpeg"));
    assert_eq!(c.current_step.as_deref(), Some("b3"), "registration and form are the applicant's submission");
    assert_eq!(c.due_at.unwrap() - c.created_at, 72 * 3_600_000, "3x24 jam is 72 clock hours");
    assert!(r["due_at"].as_str().unwrap().ends_with("+08:00"), "Makassar is WITA");
    assert_eq!(c.current_actor.as_deref(), Some("operator"));
}

#[tokio::test]
async fn jepara_online_register_search_runs_on_working_days() {
    let app = TestApp::sqlite().await;
    let body = json!({
        "service": "33.20-register-akta-online", "channel": "online",
        "applicant": {"name": "Budi", "nik": "3320010101900003"},
        "fields": {"nomor_akta": "3320-LT-01012020-0001", "keperluan": "surat keterangan keabsahan"}
    });
    let files = [("akta", "akta.pdf", pdf()), ("ktp_el", "ktp.pdf", pdf()), ("kk", "kk.pdf", pdf())];
    let (s, r) = app.apply_with_files(None, body, &files).await;
    assert_eq!(s, 201, "{r}");
    let c = app.db.store.case(r["id"].as_i64().unwrap()).await.unwrap().unwrap();
    let cal = app.calendar(TimeZone::Wib).await;
    assert_eq!(ms(c.due_at.unwrap()), cal.add_working_days(ms(c.created_at), 1), "1 hari kerja");
    // The verifikator's worklist does not have it yet: the operator receives first.
    let verif = staff(&app, "jepara.verif", "verifikator", "33.20").await;
    let (_, wl) = app.get_json("/api/v1/worklist", Some(&verif)).await;
    assert_eq!(wl["total"], 0);
    let op = staff(&app, "jepara.op", "operator", "33.20").await;
    let (_, wl) = app.get_json("/api/v1/worklist?service=33.20-register-akta-online", Some(&op)).await;
    assert_eq!(
        (wl["total"].as_i64(), wl["items"][0]["tracking_code"].as_str()),
        (Some(1), r["tracking_code"].as_str())
    );
    assert_eq!(wl["per_service"]["33.20-register-akta-online"], 1);
}

#[tokio::test]
async fn bad_applications_name_the_field() {
    let app = TestApp::sqlite().await;
    let base = json!({
        "service": "33.20-register-akta-online", "channel": "online",
        "applicant": {"name": "Budi", "nik": "3320010101900003"},
        "fields": {"nomor_akta": "X", "keperluan": "Y"}
    });
    let with = |path: &[&str], v: Value| {
        let mut b = base.clone();
        let mut cur = &mut b;
        for p in &path[..path.len() - 1] {
            cur = &mut cur[*p];
        }
        cur[path[path.len() - 1]] = v;
        b
    };
    let cases = [
        (with(&["applicant", "nik"], json!("3320013501900003")), "applicant.nik"),
        (with(&["applicant", "name"], json!(" ")), "applicant.name"),
        (with(&["service"], json!("33.20-nope")), "service"),
        (with(&["channel"], json!("kiosk")), "channel"),
        (with(&["fields"], json!({"nomor_akta": "X"})), "fields.keperluan"),
        (with(&["fields", "extra"], json!("?")), "fields.extra"),
        (with(&["applicant", "email"], json!("nope")), "applicant.email"),
    ];
    for (body, field) in cases {
        let (s, e) = app.post_json("/api/v1/applications", None, body).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some(field)), "{e}");
    }
    let (s, _) = app.post_json("/api/v1/applications", None, json!({"service": 1})).await;
    assert_eq!(s, 422);
    let kios = json!({"service": "33.20-kios-desa", "channel": "kiosk", "applicant": {"name": "A", "nik": "3320010101900003"}});
    let op = staff(&app, "jepara.op", "operator", "33.20").await;
    let (s, e) = app.post_json("/api/v1/applications", Some(&op), kios).await;
    assert_eq!((s, e["error"]["code"].as_str()), (422, Some("not_allowed")));
    assert_eq!(app.get_json("/api/v1/track/NOPE", None).await.0, 404);
}

/// The sweeper jobs run as the server runs them (every few milliseconds
/// here); the test only moves the clock a month on and waits.
async fn sweeps_escalate_once_on(app: TestApp, second: Option<app::App>) {
    let op = staff(&app, "muba.op", "operator", "16.06").await;
    // The people the escalations reach by name (Muba has no validator:
    // its role's address stands in).
    app.add_user("muba.verif", "verifikator", "16.06", PASSWORD).await;
    app.add_user("muba.verif2", "verifikator", "16.06", PASSWORD).await;
    let body = json!({"service": "16.06-ktp-el", "channel": "counter", "applicant": {"name": "A", "nik": NIK}, "fields": {"jenis_permohonan": "rekam"}});
    let (_, r) = app.post_json("/api/v1/applications", Some(&op), body).await;
    let id = r["id"].as_i64().unwrap();
    let every = std::time::Duration::from_millis(20);
    // Two instances sweep side by side; each level fires exactly once.
    let jobs: Vec<_> = std::iter::once(app.app().clone())
        .chain(second)
        .map(|a| app::cases::sweep::spawn(a, every))
        .collect();
    // Read from the store: a month on, the operator's session has expired.
    let escalations =
        async || app.db.store.journal(id).await.unwrap().iter().filter(|j| j.action == "escalate").count();
    tokio::time::sleep(every * 5).await;
    assert_eq!(escalations().await, 0, "nothing is due yet");
    app.clock.advance(chrono::Duration::days(30));
    for _ in 0..500 {
        if escalations().await >= 3 {
            break;
        }
        tokio::time::sleep(every).await;
    }
    // A few more runs of both sweepers: nothing fires twice. Two clocks
    // run: step 2's 5 menit and the service's 30 menit; each fires its
    // three levels once.
    tokio::time::sleep(every * 10).await;
    jobs.iter().for_each(tokio::task::JoinHandle::abort);
    let mut fired: Vec<(String, i64)> = app
        .db
        .store
        .journal(id)
        .await
        .unwrap()
        .iter()
        .filter(|j| j.action == "escalate")
        .map(|j| {
            let d: Value = serde_json::from_str(j.data.as_deref().unwrap()).unwrap();
            (d["clock"].as_str().unwrap().to_string(), d["level"].as_i64().unwrap())
        })
        .collect();
    fired.sort();
    let expected: Vec<(String, i64)> =
        ["2", store::SERVICE_CLOCK].iter().flat_map(|c| (1..=3).map(|l| (c.to_string(), l))).collect();
    assert_eq!(fired, expected);
    let mut staff_notes: Vec<_> = app.staff_notes(id).await.into_iter().map(|(to, _)| to).collect();
    staff_notes.sort();
    staff_notes.dedup();
    assert_eq!(staff_notes, ["muba.op", "muba.verif", "muba.verif2", "validator@16.06"]);
    // Each person finds theirs on their worklist page.
    let (verif, _) = app.token("muba.verif", PASSWORD).await;
    let (_, page) = app.get_text("/staff", Some(&format!("layanan_session={verif}"))).await;
    assert!(page.contains("Pemberitahuan untuk Anda") && page.contains("melewati batas waktu"), "{page}");
}

/// Jepara's online information service promises 15 menit for the whole
/// service and gives its steps no time: the service clock alone escalates
/// a question nobody answers, level by level, once each.
#[tokio::test]
async fn an_unanswered_jepara_question_escalates_on_the_service_clock() {
    let app = TestApp::sqlite().await;
    let body = json!({"service": "33.20-informasi-online", "channel": "online",
        "applicant": {"name": "Dewi", "nik": "3320024505920004"},
        "fields": {"pertanyaan": "Bagaimana cara mengurus KIA?"}});
    let (status, r) = app.post_json("/api/v1/applications", None, body).await;
    assert_eq!(status, 201, "{r}");
    let id = r["id"].as_i64().unwrap();
    let case = app.db.store.case(id).await.unwrap().unwrap();
    assert!(case.step_due_at.is_none(), "its steps are untimed");
    let cal = app.calendar(TimeZone::Wib).await;
    let start = ms(case.service_started_at.unwrap());
    assert_eq!(
        case.due_at,
        Some(cal.add_working_minutes(start, 15).timestamp_millis()),
        "15 working minutes"
    );

    let sweep = async || app::cases::sweep::sweep(app.app()).await.unwrap().fired;
    assert_eq!(sweep().await, 0, "nothing is due yet");
    // Just past due on the office calendar: levels 1 and 2.
    let late = cal.add_working_minutes(start, 16);
    app.clock.advance(late - app.app().now());
    assert_eq!(sweep().await, 2);
    assert_eq!(sweep().await, 0, "each level once");
    app.clock.advance(chrono::Duration::days(30));
    assert_eq!(sweep().await, 1, "twice the time: level 3");
    let notes = app.staff_notes(id).await;
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes.iter().all(|(_, s)| s.starts_with("Waktu layanan")), "{notes:?}");
    let (_, page) = app.get_text(&format!("/track/{}", r["tracking_code"].as_str().unwrap()), None).await;
    assert!(!page.contains("@service"), "the clock key is not shown to citizens");
    assert!(page.contains("terlambat 30 hari"), "the tracking page says how late: {page}");
}

#[tokio::test]
async fn sweeps_escalate_once_sqlite() {
    sweeps_escalate_once_on(TestApp::sqlite().await, None).await;
}

#[tokio::test]
async fn two_instances_on_one_postgres_escalate_once() {
    let Some(app) = TestApp::postgres().await else { return };
    // A second app instance: its own pool on the same database.
    let other = store::PgStore::connect(&app.db.url).await.unwrap();
    let other: std::sync::Arc<dyn store::Store> = std::sync::Arc::new(other);
    let second = crate::common::app_on(other, app::Config::default(), app.clock.clone()).await;
    sweeps_escalate_once_on(app, Some(second)).await;
}

/// The form promises files up to 5 MB: a 4.9 MB scan is taken, a 5.1 MB
/// one refused by its field (not by the server's body limit); one document
/// takes at most ten files.
#[tokio::test]
async fn an_upload_up_to_the_promised_five_megabytes_is_taken() {
    let app = TestApp::sqlite().await;
    let body = json!({
        "service": "33.20-register-akta-online", "channel": "online",
        "applicant": {"name": "Budi", "nik": "3320010101900003"},
        "fields": {"nomor_akta": "X", "keperluan": "Y"}
    });
    let sized = |mb: f64| [pdf(), vec![b' '; (mb * 1024.0 * 1024.0) as usize]].concat();
    let files =
        |kk: Vec<u8>| vec![("akta", "a.pdf", pdf()), ("ktp_el", "k.pdf", pdf()), ("kk", "kk.pdf", kk)];
    let (s, e) = app.apply_with_files(None, body.clone(), &files(sized(5.1))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("files.kk")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("5 MB"), "{e}");
    let (s, r) = app.apply_with_files(None, body.clone(), &files(sized(4.9))).await;
    assert_eq!(s, 201, "{r}");
    // Not forty files for one document: ten at most.
    let mut many = files(pdf());
    many.extend((0..10).map(|_| ("kk", "kk.pdf", pdf())));
    let (s, e) = app.apply_with_files(None, body, &many).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("files.kk")), "{e}");
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_size_and_served_to_staff_only() {
    let app = TestApp::with_app_config(app::Config { max_upload_bytes: 1024, ..Default::default() }).await;
    let body = json!({
        "service": "33.20-register-akta-online", "channel": "online",
        "applicant": {"name": "Budi", "nik": "3320010101900003"},
        "fields": {"nomor_akta": "X", "keperluan": "Y"}
    });
    let good = |code: &'static str| (code, "x.pdf", pdf());
    let html = (("kk", "kk.pdf", b"<html><script>".to_vec()), "files.kk");
    let big = (("kk", "kk.pdf", [pdf(), vec![b' '; 2048]].concat()), "files.kk");
    let unknown = (("paspor", "p.pdf", pdf()), "files.paspor");
    for (bad, field) in [html, big, unknown] {
        let (s, e) = app.apply_with_files(None, body.clone(), &[good("akta"), good("ktp_el"), bad]).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some(field)), "{e}");
    }
    let (s, r) = app.apply_with_files(None, body, &[good("akta"), good("ktp_el"), good("kk")]).await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_i64().unwrap();
    let file = app.db.store.case_files(id).await.unwrap()[0].clone();
    let path = format!("/api/v1/cases/{id}/files/{}", file.id);
    let op = staff(&app, "jepara.op", "operator", "33.20").await;
    let other = staff(&app, "pky.op", "operator", "62.71").await;
    assert_eq!(app.http.get(app.url(&path)).send().await.unwrap().status(), 401);
    assert_eq!(app.http.get(app.url(&path)).bearer_auth(&other).send().await.unwrap().status(), 404);
    let res = app.http.get(app.url(&path)).bearer_auth(&op).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf());
}

#[tokio::test]
async fn the_admins_office_hours_drive_the_clocks() {
    let app = TestApp::sqlite().await;
    let admin = staff(&app, "muba.admin", "admin", "16.06").await;
    let op = staff(&app, "muba.op", "operator", "16.06").await;
    let put = |hours: &'static str| {
        app.http
            .put(app.url("/api/v1/offices/16.06/settings"))
            .bearer_auth(&admin)
            .json(&json!({ "hours": hours }))
            .send()
    };
    let bad = put("mon-fri 16:00-08:00").await.unwrap();
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["error"]["field"], "hours");
    let ok: Value = put("MON-fri 10:00-11:00").await.unwrap().json().await.unwrap();
    assert_eq!(ok["hours"], "mon-fri 10:00-11:00", "stored in its normal form");

    let body = json!({"service": "16.06-ktp-el", "channel": "counter", "applicant": {"name": "A", "nik": NIK}, "fields": {"jenis_permohonan": "rekam"}});
    let (_, r) = app.post_json("/api/v1/applications", Some(&op), body).await;
    let c = app.db.store.case(r["id"].as_i64().unwrap()).await.unwrap().unwrap();
    let mut cal = app.calendar(TimeZone::Wib).await;
    cal.hours = domain::calendar::WeekHours::parse("mon-fri 10:00-11:00").unwrap();
    assert_eq!(ms(c.due_at.unwrap()), cal.add_working_minutes(ms(c.created_at), 30));
    // With one open hour a day, the 30 minutes end between 10:00 and 11:00 WIB.
    let local = ms(c.due_at.unwrap()).with_timezone(&TimeZone::Wib.offset());
    assert!(
        local.format("%H").to_string() == "10" || local.format("%H:%M").to_string() == "11:00",
        "{local}"
    );
}

#[tokio::test]
async fn a_case_is_assigned_to_a_named_holder_of_the_steps_role() {
    let app = TestApp::sqlite().await;
    let op = staff(&app, "jepara.op", "operator", "33.20").await;
    let kadin = staff(&app, "jepara.kadin", "kepala_dinas", "33.20").await;
    let op2 = staff(&app, "jepara.op2", "operator", "33.20").await;
    staff(&app, "jepara.verif", "verifikator", "33.20").await;
    let body = json!({"service": "33.20-legalisir", "channel": "counter", "applicant": {"name": "A", "nik": "3320010101900003"}, "fields": {"dokumen": "Akta kelahiran", "jumlah_lembar": 2}});
    let (s, r) = app.post_json("/api/v1/applications", Some(&op), body).await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_i64().unwrap();
    // Step 2 is the operator's: it cannot go to a verifikator, nor to nobody.
    let (s, e) = app.act(&kadin, id, "assign", 1, json!({"assignee": "jepara.verif"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("assignee")));
    assert_eq!(app.act(&kadin, id, "assign", 1, json!({"assignee": "ghost"})).await.0, 422);
    let (s, a) =
        app.act(&kadin, id, "assign", 1, json!({"assignee": "jepara.op2", "note": "disposisi"})).await;
    assert_eq!((s, a["assignee"].as_str()), (200, Some("jepara.op2")));
    let (_, wl) = app.get_json("/api/v1/worklist", Some(&op2)).await;
    assert_eq!(wl["items"][0]["assignee"], "jepara.op2");
}

#[tokio::test]
async fn tracking_lookups_are_rate_limited_per_client() {
    let app = TestApp::with_config(web::Config { public_per_minute: 3, ..Default::default() }).await;
    for _ in 0..3 {
        assert_eq!(app.get_json("/api/v1/track/AAAAAAAAAA", None).await.0, 404);
    }
    let (status, e) = app.get_json("/api/v1/track/AAAAAAAAAA", None).await;
    assert_eq!((status, e["error"]["code"].as_str()), (429, Some("rate_limited")));
}

/// Fifty staff act on one case at once, all at the version they read:
/// each round exactly one wins, the other 49 get 409, and no update is lost.
async fn fifty_actors_on_one_case(app: TestApp) {
    let op = staff(&app, "muba.op", "operator", "16.06").await;
    let application = json!({
        "service": "16.06-ktp-el", "channel": "counter",
        "applicant": {"name": "Siti Aminah", "nik": NIK},
        "fields": {"jenis_permohonan": "rekam"}
    });
    let (_, receipt) = app.post_json("/api/v1/applications", Some(&op), application).await;
    let id = receipt["id"].as_i64().unwrap();
    let app = std::sync::Arc::new(app);
    for version in 1..=3 {
        let mut tasks = Vec::new();
        for i in 0..50 {
            let (app, op) = (app.clone(), op.clone());
            tasks.push(tokio::spawn(async move {
                app.act(&op, id, "note", version, json!({"note": format!("catatan {i}")})).await.0
            }));
        }
        let mut codes = Vec::new();
        for t in tasks {
            codes.push(t.await.unwrap());
        }
        assert_eq!(codes.iter().filter(|&&c| c == 200).count(), 1, "round {version}: {codes:?}");
        assert_eq!(codes.iter().filter(|&&c| c == 409).count(), 49, "round {version}: {codes:?}");
    }
    let case = app.db.store.case(id).await.unwrap().unwrap();
    assert_eq!(case.version, 4);
    let notes = app.db.store.journal(id).await.unwrap().into_iter().filter(|j| j.action == "note").count();
    assert_eq!(notes, 3, "one journal row per winning action");
    assert!(app.db.store.audit_verify().await.unwrap().ok);
}

#[tokio::test]
async fn fifty_actors_on_one_case_sqlite() {
    fifty_actors_on_one_case(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn fifty_actors_on_one_case_postgres() {
    let Some(app) = TestApp::postgres().await else { return };
    fifty_actors_on_one_case(app).await;
}

/// A kepala dinas signs, so reads the applicant's name but not their NIK
/// or contacts; the operator who registers them reads all. Both see the
/// step's clock in working time, then its lateness.
#[tokio::test]
async fn the_case_view_masks_what_a_role_does_not_need_and_reads_its_clock() {
    let app = TestApp::sqlite().await;
    let op = staff(&app, "muba.op", "operator", "16.06").await;
    let kadin = staff(&app, "muba.kadin", "kepala_dinas", "16.06").await;
    let application = json!({
        "service": "16.06-ktp-el", "channel": "counter",
        "applicant": {"name": "Siti Aminah", "nik": NIK, "phone": "081234567890", "email": "siti@contoh.id"},
        "fields": {"jenis_permohonan": "cetak ulang"}
    });
    let (_, receipt) = app.post_json("/api/v1/applications", Some(&op), application).await;
    let id = receipt["id"].as_i64().unwrap();

    let (_, full) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&op)).await;
    assert_eq!((full["applicant"]["nik"].as_str(), full["masked"].as_bool()), (Some(NIK), Some(false)));
    // Step 2 has 5 working minutes (fewer once some have passed in office hours).
    let left = &full["remaining"];
    assert_eq!((left["late"].as_bool(), left["unit"].as_str()), (Some(false), Some("minutes")), "{full}");
    assert!((4..=5).contains(&left["amount"].as_i64().unwrap()), "{left}");

    let (_, masked) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&kadin)).await;
    let a = &masked["applicant"];
    assert_eq!(
        (a["name"].as_str(), a["nik"].as_str(), a["phone"].as_str(), a["email"].as_str()),
        (Some("Siti Aminah"), Some("1606••••••••0001"), Some("•••890"), Some("s•••@contoh.id"))
    );
    assert_eq!(masked["masked"], true);
    let (_, page) =
        app.get_text(&format!("/staff/cases/{id}"), Some(&format!("layanan_session={kadin}"))).await;
    assert!(
        !page.contains(NIK) && page.contains("disamarkan"),
        "the case page shows the NIK to a kepala dinas"
    );
    let rows = app.db.store.audit_entries(0, 10_000).await.unwrap();
    assert!(
        rows.iter().any(|r| r.actor == "muba.kadin" && r.detail.contains("masked")),
        "masked reads are logged as such"
    );

    app.clock.advance(chrono::Duration::days(10));
    // (The session has expired meanwhile.)
    let op = app.token("muba.op", PASSWORD).await.0;
    let (_, list) = app.get_json("/api/v1/worklist", Some(&op)).await;
    let late = &list["items"][0]["remaining"];
    assert_eq!((late["late"].as_bool(), late["unit"].as_str()), (Some(true), Some("days")), "{list}");
    // Ten days on, late by the days since it was due (due later when it
    // was submitted before a weekend or a holiday).
    // The worklist shows the nearest clock: the step's or the service's.
    let c = app.db.store.case(id).await.unwrap().unwrap();
    let days: Vec<i64> = [c.step_due_at, c.due_at]
        .into_iter()
        .flatten()
        .map(|d| (app.app().now() - ms(d)).num_days())
        .collect();
    let amount = late["amount"].as_i64().unwrap();
    assert!((1..=10).contains(&amount) && days.contains(&amount), "{late}, {days:?}");
    let (_, page) = app.get_text("/staff", Some(&format!("layanan_session={op}"))).await;
    assert!(page.contains(&format!("terlambat {} hari", late["amount"])), "the worklist says how late");
    assert!(page.contains("/api/v1/worklist?service=&#38;status=") && page.contains("format=csv"), "{page}");

    // The whole filtered list as CSV and as a workbook; the read is logged.
    let res = app
        .http
        .get(app.url("/api/v1/worklist?format=csv&status=submitted"))
        .bearer_auth(&op)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("Kode lacak,Layanan,Kanal,Status"), "{csv}");
    assert_eq!(lines.len(), 1 + list["total"].as_u64().unwrap() as usize, "{csv}");
    assert!(
        lines[1].starts_with(list["items"][0]["tracking_code"].as_str().unwrap())
            && lines[1].ends_with(",overdue"),
        "{csv}"
    );
    let res = app.http.get(app.url("/api/v1/worklist?format=xlsx")).bearer_auth(&op).send().await.unwrap();
    let rows = crate::common::xlsx_rows(&res.bytes().await.unwrap(), 1);
    assert_eq!(rows[1][0], list["items"][0]["tracking_code"].as_str().unwrap(), "{rows:?}");
    let rows = app.db.store.audit_entries(0, 10_000).await.unwrap();
    assert!(
        rows.iter().any(|r| r.actor == "muba.op" && r.object == "worklist:16.06" && r.detail == "export"),
        "the export is logged"
    );
    let (s, e) = app.get_json("/api/v1/worklist?format=pdf", Some(&op)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("format")), "{e}");
}

/// Palangka Raya's data requests go to the Walikota first (2 hari of their
/// own). Late, the Walikota's delay escalates nobody in the office: the
/// operator who chases them is reminded, once, and the case page shows the
/// lateness as the Walikota's.
#[tokio::test]
async fn a_walikota_late_by_a_day_reminds_the_chaser_and_escalates_nobody() {
    let app = TestApp::sqlite().await;
    let op = staff(&app, "pky.op", "operator", "62.71").await;
    let body = json!({"service": "62.71-pemanfaatan-data", "channel": "counter",
        "applicant": {"name": "Dinas Pendidikan", "organisation": {"name": "Dinas Pendidikan", "kind": "opd"}},
        "fields": {"elemen_data": "NIK, nama, tanggal lahir"}});
    let case = app.apply(Some(&op), body).await;
    let id = case.id;
    assert_eq!(case.current_actor.as_deref(), Some("external"), "it waits on the Walikota");
    let cal = app.calendar(TimeZone::Wib).await;
    let due = ms(case.step_due_at.unwrap());
    assert_eq!(due, cal.add_working_days(ms(case.step_started_at.unwrap()), 2), "the Walikota's 2 hari");

    let sweep = async || app::cases::sweep::sweep(app.app()).await.unwrap().fired;
    assert_eq!(sweep().await, 0);
    app.clock.advance(due + chrono::Duration::hours(25) - app.app().now());
    assert_eq!(sweep().await, 1, "one reminder");
    app.clock.advance(chrono::Duration::days(30));
    assert_eq!(sweep().await, 0, "once, however late");
    let journal = app.db.store.journal(id).await.unwrap();
    assert!(!journal.iter().any(|j| j.action == "escalate"), "nobody in the office is escalated");
    assert_eq!(journal.iter().filter(|j| j.action == "remind").count(), 1);
    let notes = app.staff_notes(id).await;
    assert_eq!(notes, [("pky.op".to_string(), "Pengingat: Walikota melewati batas waktunya".to_string())]);
    // (The session has expired meanwhile.)
    let op = app.token("pky.op", PASSWORD).await.0;
    let (_, page) = app.get_text(&format!("/staff/cases/{id}"), Some(&format!("layanan_session={op}"))).await;
    assert!(page.contains("Walikota (2 hari kerja): terlambat"), "the lateness is the Walikota's");
}

/// Muba's 30 menit hold "*jika jaringan normal". While the admin's declared
/// SIAK outage lasts, its cases' clocks stand still (also one made during
/// it): a month on nothing is overdue or escalated; the history, the
/// tracking page and the audit log show the outage; when it ends the
/// clocks count on with the time they had left.
#[tokio::test]
async fn a_muba_case_during_a_declared_outage_is_not_overdue() {
    let app = TestApp::sqlite().await;
    let op = staff(&app, "muba.op", "operator", "16.06").await;
    let admin = staff(&app, "muba.admin", "admin", "16.06").await;
    let apply = async || {
        let body = json!({"service": "16.06-ktp-el", "channel": "counter",
            "applicant": {"name": "Siti", "nik": NIK}, "fields": {"jenis_permohonan": "rekam"}});
        let (status, r) = app.post_json("/api/v1/applications", Some(&op), body).await;
        assert_eq!(status, 201, "{r}");
        (r["id"].as_i64().unwrap(), r["tracking_code"].as_str().unwrap().to_string())
    };
    let (first, code) = apply().await;

    // Only the admin declares, with a reason, one at a time.
    let outage = |reason: &str| json!({"reason": reason});
    assert_eq!(app.post_json("/api/v1/outages", Some(&op), outage("SIAK down")).await.0, 403);
    let (s, e) = app.post_json("/api/v1/outages", Some(&admin), outage("  ")).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("reason")));
    // Noticed ten minutes late: declared since then; never in the future.
    let since = app.app().now() - chrono::Duration::minutes(10);
    for bad in [(app.app().now() + chrono::Duration::hours(1)).to_rfc3339(), "kemarin".into()] {
        let (s, e) =
            app.post_json("/api/v1/outages", Some(&admin), json!({"reason": "x", "starts_at": bad})).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("starts_at")), "{e}");
    }
    let body = json!({"reason": "SIAK pusat tidak dapat diakses", "starts_at": since.to_rfc3339()});
    let (s, declared) = app.post_json("/api/v1/outages", Some(&admin), body).await;
    assert_eq!((s, declared["cases"].as_i64()), (201, Some(1)), "{declared}");
    assert_eq!(declared["outage"]["starts_at"].as_i64(), Some(since.timestamp_millis()));
    assert_eq!(app.post_json("/api/v1/outages", Some(&admin), outage("again")).await.0, 409);
    let (second, _) = apply().await;
    for id in [first, second] {
        let c = app.db.store.case(id).await.unwrap().unwrap();
        assert!(c.paused_at.is_some() && c.status.is_active(), "case {id} is not held");
    }

    app.clock.advance(chrono::Duration::days(30));
    assert_eq!(app::cases::sweep::sweep(app.app()).await.unwrap().fired, 0, "a held clock never escalates");
    let op = app.token("muba.op", PASSWORD).await.0;
    let (_, list) = app.get_json("/api/v1/worklist", Some(&op)).await;
    assert!(list["items"].as_array().unwrap().iter().all(|c| c["sla"] == "paused"), "{list}");
    let (_, page) = app.get_text("/staff", Some(&format!("layanan_session={op}"))).await;
    assert!(page.contains("Dihentikan (gangguan)") && !page.contains("Terlambat"), "{page}");
    let (_, case_page) =
        app.get_text(&format!("/staff/cases/{first}"), Some(&format!("layanan_session={op}"))).await;
    assert!(case_page.contains("Dihentikan (gangguan) sejak"), "the case page says since when");
    let (_, track) = app.get_text(&format!("/track/{code}"), None).await;
    assert!(
        track.contains("dihentikan sementara karena gangguan") && track.contains("SIAK pusat"),
        "{track}"
    );
    let history: Vec<_> = app.db.store.journal(first).await.unwrap().into_iter().map(|j| j.action).collect();
    assert!(history.contains(&"outage_hold".to_string()), "{history:?}");

    let admin = app.token("muba.admin", PASSWORD).await.0;
    let id = declared["outage"]["id"].as_i64().unwrap();
    let before = json!({"ends_at": (since - chrono::Duration::minutes(1)).to_rfc3339()});
    let (s, e) = app.post_json(&format!("/api/v1/outages/{id}/end"), Some(&admin), before).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("ends_at")), "{e}");
    let (s, ended) = app.post_json(&format!("/api/v1/outages/{id}/end"), Some(&admin), json!({})).await;
    assert_eq!((s, ended["cases"].as_i64()), (200, Some(2)), "{ended}");
    assert_eq!(app.post_json(&format!("/api/v1/outages/{id}/end"), Some(&admin), json!({})).await.0, 404);
    // Counting on from now with what was left: step 2's 5 working minutes.
    let cal = app.calendar(TimeZone::Wib).await;
    let c = app.db.store.case(second).await.unwrap().unwrap();
    assert_eq!(c.paused_at, None);
    // (What was left is kept in whole working minutes: 4 or 5 of them.)
    let now = app.app().now();
    let (lo, hi) = (cal.add_working_minutes(now, 4), cal.add_working_minutes(now, 5));
    assert!(
        (lo..=hi).contains(&ms(c.step_due_at.unwrap())),
        "step due {:?} not 4-5 working minutes after {now}",
        c.step_due_at
    );
    let (_, list) = app.get_json("/api/v1/worklist", Some(&op)).await;
    assert!(list["items"].as_array().unwrap().iter().all(|c| c["sla"] == "on_time"), "{list}");
    let actions: Vec<_> =
        app.db.store.audit_entries(0, 10_000).await.unwrap().into_iter().map(|a| a.action).collect();
    assert!(actions.contains(&"outage.declare".into()) && actions.contains(&"outage.end".into()));
}

/// Sulawesi Selatan's PPID promises 30 menit online "sejak permintaan
/// dikonfirmasi oleh petugas PPID": the clock starts when the PPID
/// confirms (step 2), not when the request arrives.
#[tokio::test]
async fn a_ppid_online_request_is_due_thirty_minutes_after_confirmation() {
    let app = TestApp::sqlite().await;
    staff(&app, "sulsel.ppid", "ppid", "73").await;
    let body = json!({"service": "73-penyediaan-data-informasi", "channel": "online",
        "applicant": {"name": "Andi", "nik": "7371011203950002"},
        "fields": {"data_diminta": "Jumlah penduduk per kecamatan", "maksud_tujuan": "Penelitian",
            "jenis_data": "agregat", "mencantumkan_sumber": "bersedia"}});
    let files = [("surat_permohonan", "surat.pdf", pdf()), ("ktp", "ktp.pdf", pdf())];
    let (s, r) = app.apply_with_files(None, body, &files).await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_i64().unwrap();
    let c = app.db.store.case(id).await.unwrap().unwrap();
    assert_eq!((c.due_at, c.service_started_at), (None, None), "no clock before the PPID confirms");
    assert_eq!(c.current_step.as_deref(), Some("2"));

    // Confirmed a day later (by a fresh session).
    app.clock.advance(chrono::Duration::days(1));
    let ppid_token = app.token("sulsel.ppid", PASSWORD).await.0;
    let (s, after) = app.act(&ppid_token, id, "advance", c.version, json!({})).await;
    assert_eq!(s, 200, "{after}");
    let c = app.db.store.case(id).await.unwrap().unwrap();
    let cal = app.calendar(TimeZone::Wita).await;
    let confirmed = ms(c.service_started_at.unwrap());
    assert!((confirmed - app.app().now()).num_seconds().abs() < 5, "it starts at the confirmation");
    assert_eq!(c.due_at, Some(cal.add_working_minutes(confirmed, 30).timestamp_millis()));

    // Answered 25 working minutes after the confirmation (a day and more
    // after it arrived): on time, and never escalated as late.
    let answer_at = cal.add_working_minutes(confirmed, 25);
    app.clock.advance(answer_at - app.app().now());
    let ppid_token = app.token("sulsel.ppid", PASSWORD).await.0;
    let decision = json!({"data": {"diputuskan_oleh": "PPID Pelaksana", "alasan": "Data agregat tersedia."}});
    let (s, answered) = app.act(&ppid_token, id, "advance", c.version, decision).await;
    assert_eq!((s, answered["current_step"].as_str()), (200, Some("4")), "{answered}");
    let answered_at = app.db.store.journal(id).await.unwrap().last().unwrap().at;
    assert!(answered_at <= c.due_at.unwrap(), "within the 30 minutes from the confirmation");
    assert!(answered_at - c.created_at > 30 * 60_000, "though not within 30 minutes of arriving");
    app::cases::sweep::sweep(app.app()).await.unwrap();
    // (At 80 % of its time the holder was warned, level 1; never past due.)
    let late =
        app.db.store.journal(id).await.unwrap().into_iter().filter(|j| {
            j.action == "escalate" && !j.data.as_deref().unwrap_or_default().contains("\"level\":1")
        });
    assert_eq!(late.count(), 0, "no escalation as late for a request answered on time");
}

/// IKD jemput bola: 3x24 jam "sejak dinas dukcapil menerima surat dari
/// instansi". Keyed in a day after the letter arrived, the case is due 72
/// hours after the office opened on the letter's day; the date is required
/// for that channel and cannot lie ahead.
#[tokio::test]
async fn a_jemput_bola_case_is_due_three_days_after_the_letter_arrived() {
    let app = TestApp::sqlite().await;
    let op = staff(&app, "sulsel.op", "operator", "73").await;
    let cal = app.calendar(TimeZone::Wita).await;
    let today = app.app().now().with_timezone(&TimeZone::Wita.offset()).date_naive();
    let body = |date: Option<chrono::NaiveDate>| {
        let mut fields = json!({"email": "dinas@contoh.id"});
        if let Some(d) = date {
            fields["tanggal_surat_diterima"] = json!(d.format("%Y-%m-%d").to_string());
        }
        json!({"service": "73-aktivasi-ikd", "channel": "jemput_bola",
            "applicant": {"name": "Dinas Sosial", "nik": "7371011203950002"}, "fields": fields})
    };
    let field = Some("fields.tanggal_surat_diterima");
    let (s, e) = app.post_json("/api/v1/applications", Some(&op), body(None)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, field), "{e}");
    let (s, e) = app.post_json("/api/v1/applications", Some(&op), body(today.succ_opt())).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, field), "{e}");

    let letter = today.pred_opt().unwrap();
    let (s, r) = app.post_json("/api/v1/applications", Some(&op), body(Some(letter))).await;
    assert_eq!(s, 201, "{r}");
    let c = app.db.store.case(r["id"].as_i64().unwrap()).await.unwrap().unwrap();
    let start = cal.opening_on(letter).min(ms(c.created_at));
    assert_eq!(c.service_started_at, Some(start.timestamp_millis()));
    assert_eq!(c.due_at, Some(start.timestamp_millis() + 72 * 3_600_000), "3x24 jam after the letter");
}

/// Sulawesi Selatan's Verval: the confirmation comes "minimal 1 jam" after
/// the applicant's visit. Sooner it is refused with a 422 that names the
/// earliest moment; an hour of office time later it goes through.
#[tokio::test]
async fn a_verval_confirmation_before_its_hour_is_refused_naming_when() {
    let app = TestApp::sqlite().await;
    let op = staff(&app, "sulsel.op", "operator", "73").await;
    let kadin = staff(&app, "sulsel.kadin", "kepala_dinas", "73").await;
    let body = json!({"service": "73-verval-data", "channel": "counter",
        "applicant": {"name": "Dinas Sosial", "nik": "7371011203950002"},
        "fields": {"data_diverifikasi": "Data penerima bantuan", "maksud_tujuan": "Pemadanan"}});
    let c = app.apply(Some(&op), body).await;
    let (id, mut version) = (c.id, c.version);
    // Letter received (2), approved (3), the applicant came in person (4).
    for token in [&op, &kadin, &op] {
        let (s, c) = app.act(token, id, "advance", version, json!({})).await;
        assert_eq!(s, 200, "{c}");
        version = c["version"].as_i64().unwrap();
    }
    let c = app.db.store.case(id).await.unwrap().unwrap();
    assert_eq!(c.current_step.as_deref(), Some("5"), "the confirmation");
    let (s, e) = app.act(&op, id, "advance", version, json!({})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str(), e["error"]["field"].as_str()),
        (422, Some("too_early"), Some("action")),
        "{e}"
    );
    let cal = app.calendar(TimeZone::Wita).await;
    let earliest = cal.add_working_minutes(ms(c.step_started_at.unwrap()), 60);
    let when = app::clock::human(Some(earliest.timestamp_millis()), TimeZone::Wita);
    assert!(e["error"]["message"].as_str().unwrap().contains(&when), "names {when}: {e}");

    app.clock.advance(earliest - app.app().now() + chrono::Duration::minutes(1));
    let op = app.token("sulsel.op", PASSWORD).await.0;
    let (s, c) = app.act(&op, id, "advance", version, json!({})).await;
    assert_eq!((s, c["current_step"].as_str()), (200, Some("6")), "{c}");
}

/// The PPID counter's "1 jam" is for the reply letter (step 3): once the
/// letter is out the service clock is done, and later steps never escalate
/// against it.
#[tokio::test]
async fn the_ppid_counters_hour_covers_the_reply_letter_only() {
    let app = TestApp::sqlite().await;
    let op = staff(&app, "sulsel.op", "operator", "73").await;
    let ppid = staff(&app, "sulsel.ppid", "ppid", "73").await;
    let body = json!({"service": "73-penyediaan-data-informasi", "channel": "counter",
        "applicant": {"name": "Andi", "nik": "7371011203950002"},
        "fields": {"data_diminta": "Jumlah penduduk", "maksud_tujuan": "Penelitian",
            "jenis_data": "agregat", "mencantumkan_sumber": "bersedia"}});
    let c = app.apply(Some(&op), body).await;
    assert!(c.due_at.is_some(), "the hour runs from the letter");
    let (id, mut version) = (c.id, c.version);
    for step in ["2", "3"] {
        let data = match step {
            "3" => json!({"data": {"diputuskan_oleh": "Kepala Dinas", "alasan": "data agregat tersedia"}}),
            _ => json!({}),
        };
        let (s, c) = app.act(&ppid, id, "advance", version, data).await;
        assert_eq!(s, 200, "{c}");
        version = c["version"].as_i64().unwrap();
    }
    let c = app.db.store.case(id).await.unwrap().unwrap();
    assert_eq!((c.current_step.as_deref(), c.due_at, c.service_started_at), (Some("4"), None, None));
    app.clock.advance(chrono::Duration::days(30));
    assert_eq!(
        app::cases::sweep::sweep(app.app()).await.unwrap().fired,
        0,
        "step 4 is outside the hour's span"
    );
}

#[tokio::test]
async fn an_applicant_completes_their_own_step_on_the_tracking_page_at_the_version_read() {
    let app = TestApp::with_config(web::Config { public_per_minute: 1000, ..Default::default() }).await;
    let op = staff(&app, "sulsel.op", "operator", "73").await;
    let nik = "7371011203950002";
    let application = json!({"service": "73-aktivasi-ikd", "channel": "online",
        "applicant": {"name": "Andi Makkasau", "nik": nik, "email": "andi@contoh.id"},
        "fields": {"email": "andi@contoh.id", "kabkota_asal": "Maros"}});
    let (s, r) = app.apply_with_files(None, application, &[("ktp_el_atau_kk", "ktp.pdf", pdf())]).await;
    assert_eq!(s, 201, "{r}");
    let (id, code) = (r["id"].as_i64().unwrap(), r["tracking_code"].as_str().unwrap().to_string());
    // The operator calls and schedules (b3, b4: a slot booked); then it is
    // the applicant's turn (b5).
    for step in ["b3", "b4"] {
        if step == "b4" {
            let starts = (app.app().now() + chrono::Duration::days(1)).to_rfc3339();
            let slot = json!({"service": "73-aktivasi-ikd", "starts_at": starts, "minutes": 30, "capacity": 5,
                "meeting_link": "https://zoom.us/j/7302"});
            let (s, slot) = app.post_json("/api/v1/slots", Some(&op), slot).await;
            assert_eq!(s, 201, "{slot}");
            let booking = json!({"slot_id": slot["id"]});
            assert_eq!(
                app.post_json(&format!("/api/v1/cases/{id}/booking"), Some(&op), booking).await.0,
                201
            );
        }
        let c = app.db.store.case(id).await.unwrap().unwrap();
        assert_eq!(app.act(&op, id, "advance", c.version, json!({})).await.0, 200);
    }
    let (_, track) = app.get_json(&format!("/api/v1/track/{code}"), None).await;
    assert_eq!(
        (track["current_step"].as_str(), track["your_turn"].as_bool()),
        (Some("b5"), Some(true)),
        "{track}"
    );
    let version = track["version"].as_i64().unwrap();
    let own = |nik: &str, version: i64| {
        let body = json!({"action": "advance", "nik": nik, "expected_version": version, "note": "Aplikasi IKD sudah terpasang"});
        let (app, path) = (&app, format!("/api/v1/track/{code}/actions"));
        async move { app.post_json(&path, None, body).await }
    };
    assert_eq!(own("7371011203950009", version).await.0, 403, "another NIK");
    assert_eq!(own(nik, version - 1).await.0, 409, "a stale page");
    let (s, after) = own(nik, version).await;
    assert_eq!(
        (s, after["current_step"].as_str(), after["your_turn"].as_bool()),
        (200, Some("b6"), Some(false)),
        "{after}"
    );
    let journal = app.db.store.journal(id).await.unwrap();
    assert_eq!(journal.last().unwrap().actor, "pemohon");
    // Not the applicant's turn: refused.
    assert_eq!(own(nik, after["version"].as_i64().unwrap()).await.0, 403);
    // The page offers the step when it is theirs, and not otherwise.
    let (_, page) = app.get_text(&format!("/track/{code}"), None).await;
    assert!(!page.contains("name=\"action\" value=\"advance\""), "offered out of turn");
}

/// Jepara's register search hands the applicant on to Capil at step 8: the
/// step opens a linked case at `revisi-akta` with the applicant, the
/// uploads it lists and a receipt of its own; each case shows the other,
/// to staff and on the tracking page. Passing over step 8 hands nothing on.
#[tokio::test]
async fn a_register_search_hands_the_applicant_on_to_capil_and_each_case_shows_the_other() {
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    let mut tokens = std::collections::HashMap::new();
    for role in ["operator", "verifikator", "validator", "kepala_dinas"] {
        app.add_user(&format!("jp.{role}"), role, "33.20", PASSWORD).await;
        tokens.insert(role.to_string(), app.token(&format!("jp.{role}"), PASSWORD).await.0);
    }
    let op = tokens["operator"].clone();
    let entry = crate::register::one_entry(&app, "33.20").await;
    const JEPARA_NIK: &str = "3320010101900003";
    let application = json!({"service": "33.20-register-akta-offline", "channel": "counter",
        "applicant": {"name": "Budi Santoso", "nik": JEPARA_NIK},
        "fields": {"nomor_akta": "3320-LT-01011990-0042", "keperluan": "revisi akta"}});
    let files = [("akta", "akta.pdf", pdf()), ("ktp_el", "ktp.pdf", pdf()), ("kk", "kk.pdf", pdf())];
    let start = |application: Value| {
        let (app, op, files) = (&app, &op, &files);
        async move {
            let (status, r) = app.apply_with_files(Some(op), application, files).await;
            assert_eq!(status, 201, "{r}");
            (r["id"].as_i64().unwrap(), r["tracking_code"].as_str().unwrap().to_string())
        }
    };
    // Each step by its actor, recording what it asks for, up to `until`.
    let walk = |id: i64, until: &'static str, extra: Value| {
        let (app, tokens) = (&app, &tokens);
        async move {
            loop {
                let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&tokens["operator"])).await;
                if c["current_step"] == until {
                    return c;
                }
                let mut body = json!({"data": {"hasil_pencarian": "ditemukan", "register": entry}});
                if c["current_step"] == "6" {
                    body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
                }
                let actor = c["current_actor"].as_str().unwrap();
                let (s, r) =
                    app.act(&tokens[actor], id, "advance", c["version"].as_i64().unwrap(), body).await;
                assert_eq!(s, 200, "step {}: {r}", c["current_step"]);
            }
        }
    };

    let (id, code) = start(application.clone()).await;
    let c = walk(id, "8", json!({})).await;
    let (s, after) = app.act(&op, id, "advance", c["version"].as_i64().unwrap(), json!({})).await;
    assert_eq!((s, after["current_step"].as_str()), (200, Some("9")), "{after}");

    let (_, source) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&op)).await;
    let links = source["links"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{source}");
    assert_eq!(
        (links[0]["relation"].as_str(), links[0]["service"].as_str(), links[0]["status"].as_str()),
        (Some("to"), Some("33.20-revisi-akta"), Some("submitted"))
    );
    let (linked_id, linked_code) =
        (links[0]["id"].as_i64().unwrap(), links[0]["tracking_code"].as_str().unwrap().to_string());
    assert_ne!(linked_code, code);

    // The linked case: the same applicant, at Capil's first step, with the
    // search's uploads, its own receipt, and the case it came from.
    let (_, linked) = app.get_json(&format!("/api/v1/cases/{linked_id}"), Some(&op)).await;
    assert_eq!(linked["applicant"]["nik"], JEPARA_NIK, "{linked}");
    assert_eq!((linked["current_step"].as_str(), linked["channel"].as_str()), (Some("1"), Some("counter")));
    let mut uploaded: Vec<_> =
        linked["files"].as_array().unwrap().iter().map(|f| f["requirement"].as_str().unwrap()).collect();
    uploaded.sort_unstable();
    assert_eq!(uploaded, ["akta", "kk", "ktp_el"]);
    let back = &linked["links"][0];
    assert_eq!(
        (back["relation"].as_str(), back["tracking_code"].as_str()),
        (Some("from"), Some(code.as_str()))
    );
    let (_, docs) = app.get_json(&format!("/api/v1/cases/{linked_id}/documents"), Some(&op)).await;
    let kinds: Vec<_> = docs.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["tanda_terima"]);
    // Step 8's journal row names the case it opened.
    let (_, timeline) = app.get_json(&format!("/api/v1/cases/{id}/timeline"), Some(&op)).await;
    let step8 = timeline.as_array().unwrap().iter().find(|t| t["from_step"] == "8").unwrap();
    assert_eq!(step8["data"]["linked_case"], linked_code.as_str(), "{step8}");
    // Capil works its case like any other.
    let (s, _) = app.act(&op, linked_id, "advance", linked["version"].as_i64().unwrap(), json!({})).await;
    assert_eq!(s, 200);

    // The applicant sees both on the tracking page and its API.
    let (_, track) = app.get_json(&format!("/api/v1/track/{code}"), None).await;
    assert_eq!(track["links"][0]["tracking_code"], linked_code.as_str(), "{track}");
    let (_, page) = app.get_text(&format!("/track/{linked_code}"), None).await;
    assert!(
        page.contains("Diteruskan dari") && page.contains(&code),
        "the tracking page names the source:\n{page}"
    );

    // Passing over steps 7 and 8 at step 6 hands nothing on.
    let (id2, _) = start(application).await;
    let c = walk(id2, "6", json!({})).await;
    let body = json!({"to_step": "9"});
    let (s, r) = app.act(&tokens["validator"], id2, "advance", c["version"].as_i64().unwrap(), body).await;
    assert_eq!((s, r["current_step"].as_str()), (200, Some("9")), "{r}");
    let (_, c2) = app.get_json(&format!("/api/v1/cases/{id2}"), Some(&op)).await;
    assert_eq!(c2["links"], json!([]));
}

/// Sulawesi Selatan's PPID: the website's form asks for no letter or KTP
/// copy (the counter does); the applicant must agree to cite the source;
/// the Dinas gives aggregate data only, so a request for individual records
/// cannot be granted at step 3 and its refusal letter states UU 24/2013
/// Pasal 79.
#[tokio::test]
async fn a_ppid_request_for_individual_records_is_refused_with_pasal_79() {
    let app = TestApp::sqlite().await;
    let ppid = staff(&app, "sulsel.ppid", "ppid", "73").await;
    let (_, form) = app.get_text("/services/73-penyediaan-data-informasi/apply", None).await;
    assert!(!form.contains("file.surat_permohonan") && !form.contains("file.ktp"), "no upload online");
    assert!(form.contains("mencantumkan_sumber"), "the duty to cite the source is asked");
    let mut body = json!({"service": "73-penyediaan-data-informasi", "channel": "online",
        "applicant": {"name": "Andi", "nik": "7371011203950002"},
        "fields": {"data_diminta": "Nama dan alamat penduduk Kecamatan Mariso", "maksud_tujuan": "Pemasaran",
            "jenis_data": "data_perseorangan"}});
    let (s, e) = app.post_json("/api/v1/applications", None, &body).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("fields.mencantumkan_sumber")), "{e}");
    body["fields"]["mencantumkan_sumber"] = json!("bersedia");
    let (s, r) = app.post_json("/api/v1/applications", None, &body).await;
    assert_eq!(s, 201, "no upload is needed online: {r}");
    let (id, code) = (r["id"].as_i64().unwrap(), r["tracking_code"].as_str().unwrap().to_string());
    let c = app.db.store.case(id).await.unwrap().unwrap();
    let (s, c) = app.act(&ppid, id, "advance", c.version, json!({})).await;
    assert_eq!(s, 200, "{c}");
    let version = c["version"].as_i64().unwrap();
    let grant = json!({"data": {"diputuskan_oleh": "Kepala Dinas", "alasan": "-"}});
    let (s, e) = app.act(&ppid, id, "advance", version, grant).await;
    assert_eq!((s, e["error"]["code"].as_str()), (422, Some("not_allowed")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("Pasal 79"), "{e}");
    let refuse = json!({"note": "Data perseorangan tidak dapat diberikan."});
    let (s, c) = app.act(&ppid, id, "reject", version, refuse).await;
    assert_eq!((s, c["status"].as_str()), (200, Some("rejected")), "{c}");
    let (_, docs) = app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&ppid)).await;
    let letter =
        docs.as_array().unwrap().iter().find(|d| d["kind"] == "surat_penolakan").expect("a refusal letter");
    let doc = letter["code"].as_str().unwrap();
    let res = app
        .http
        .post(app.url(&format!("/api/v1/track/{code}/documents/{doc}")))
        .json(&json!({"nik": "7371011203950002"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    if let Some(text) = crate::common::pdf_text(&res.bytes().await.unwrap()) {
        assert!(
            text.contains("Pasal 79") && text.contains("Data perseorangan tidak dapat diberikan"),
            "{text}"
        );
    }

    // The refusal can be objected to (UU 14/2008 Pasal 35-36): the tracking
    // page links to the objection's form with the tracking code filled in.
    let (_, page) = app.get_text(&format!("/track/{code}"), None).await;
    let href = format!("/services/73-keberatan-informasi/apply?kode_lacak_permohonan={code}");
    assert!(page.contains(&href), "{page}");
    let (_, form) = app.get_text(&href, None).await;
    assert!(form.contains(&format!("value=\"{code}\"")), "the form carries the code");
    let objection = |nik: &str, tracking: &str| {
        json!({"service": "73-keberatan-informasi", "channel": "online",
            "applicant": {"name": "Andi", "nik": nik},
            "fields": {"kode_lacak_permohonan": tracking, "alasan_keberatan": "penolakan_permohonan",
                "uraian": "Data dibutuhkan untuk penelitian."}})
    };
    let (s, e) = app.post_json("/api/v1/applications", None, &objection("7371011203950003", &code)).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("applicant.nik")),
        "someone else's refusal: {e}"
    );
    let (s, e) =
        app.post_json("/api/v1/applications", None, &objection("7371011203950002", "TIDAKADA99")).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("fields.kode_lacak_permohonan")), "{e}");
    let (s, r) = app.post_json("/api/v1/applications", None, &objection("7371011203950002", &code)).await;
    assert_eq!(s, 201, "{r}");
    let objection_code = r["tracking_code"].as_str().unwrap().to_string();
    let (_, refused) = app.get_json(&format!("/api/v1/track/{code}"), None).await;
    assert_eq!(
        refused["links"][0]["tracking_code"],
        objection_code.as_str(),
        "each shows the other: {refused}"
    );
    let (_, filed) = app.get_json(&format!("/api/v1/track/{objection_code}"), None).await;
    assert_eq!(
        (filed["links"][0]["relation"].as_str(), filed["links"][0]["tracking_code"].as_str()),
        (Some("from"), Some(code.as_str()))
    );
    assert!(filed["due_at"].is_string(), "the superior's 30 working days run: {filed}");
}

/// IKD online, step d: the operator books a video-verification slot within
/// the 3x24 jam (not after it, never beyond the slot's capacity), the time
/// and the Zoom link go to the applicant by WhatsApp and e-mail, and the
/// step is done only once booked.
#[tokio::test]
async fn an_ikd_website_case_books_a_slot_within_its_window() {
    let app = TestApp::sqlite().await;
    let op = staff(&app, "sulsel.op", "operator", "73").await;
    let apply = |nik: &'static str| {
        let body = json!({"service": "73-aktivasi-ikd", "channel": "online",
            "applicant": {"name": "Andi", "nik": nik, "phone": "081234567890", "email": "andi@example.id"},
            "fields": {"email": "andi@example.id", "kabkota_asal": "Kota Makassar"}});
        let app = &app;
        async move {
            let (s, r) = app.apply_with_files(None, body, &[("ktp_el_atau_kk", "ktp.jpg", jpeg())]).await;
            assert_eq!(s, 201, "{r}");
            r["id"].as_i64().unwrap()
        }
    };
    let (id, other) = (apply("7371011203950002").await, apply("7371015506880005").await);
    for case in [id, other] {
        let c = app.db.store.case(case).await.unwrap().unwrap();
        let (s, r) = app.act(&op, case, "advance", c.version, json!({})).await;
        assert_eq!((s, r["current_step"].as_str()), (200, Some("b4")), "{r}");
    }
    let c = app.db.store.case(id).await.unwrap().unwrap();
    let (s, e) = app.act(&op, id, "advance", c.version, json!({})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("slot_id")), "book first: {e}");

    let offer = |days: i64, capacity: i64| {
        let starts = (app.app().now() + chrono::Duration::days(days)).to_rfc3339();
        json!({"service": "73-aktivasi-ikd", "starts_at": starts, "minutes": 30, "capacity": capacity,
            "meeting_link": "https://zoom.us/j/7301"})
    };
    let (s, late) = app.post_json("/api/v1/slots", Some(&op), offer(5, 5)).await;
    assert_eq!(s, 201, "{late}");
    let (s, e) = app.post_json("/api/v1/slots", Some(&op), json!({"service": "73-aktivasi-ikd", "starts_at": "2020-01-01T09:00", "minutes": 30, "capacity": 1, "meeting_link": "https://zoom.us/j/1"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("starts_at")), "{e}");
    let (s, slot) = app.post_json("/api/v1/slots", Some(&op), offer(1, 1)).await;
    assert_eq!(s, 201, "{slot}");
    let book = |case: i64, slot: &Value| {
        let app = &app;
        let (op, body) = (op.clone(), json!({"slot_id": slot["id"]}));
        async move { app.post_json(&format!("/api/v1/cases/{case}/booking"), Some(&op), body).await }
    };
    let (s, e) = book(id, &late).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("slot_id")), "after the 3x24 jam: {e}");
    let (s, b) = book(id, &slot).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(book(other, &slot).await.0, 409, "a slot of one is full");
    let (_, roomy) = app.post_json("/api/v1/slots", Some(&op), offer(2, 5)).await;
    assert_eq!(book(id, &roomy).await.0, 409, "a case holds one booking");
    let sent = app.db.store.notifications("73", 50).await.unwrap();
    for (channel, to) in [("whatsapp", "081234567890"), ("email", "andi@example.id")] {
        assert!(
            sent.iter().any(|n| n.channel == channel
                && n.recipient == to
                && n.body.contains("https://zoom.us/j/7301")),
            "{channel}: {sent:?}"
        );
    }
    let c = app.db.store.case(id).await.unwrap().unwrap();
    let (s, r) = app.act(&op, id, "advance", c.version, json!({})).await;
    assert_eq!((s, r["current_step"].as_str()), (200, Some("b5")), "{r}");
}

/// IKD results: a failed activation is refused with its reason (required),
/// and the report counts activations and failures by reason per channel,
/// kab/kota of origin and month, with the median time to activation.
#[tokio::test]
async fn the_ikd_report_counts_activations_and_failures_by_reason_sqlite() {
    ikd_report(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn the_ikd_report_counts_activations_and_failures_by_reason_postgres() {
    let Some(app) = TestApp::postgres().await else { return };
    ikd_report(app).await;
}

async fn ikd_report(app: TestApp) {
    let op = staff(&app, "sulsel.op", "operator", "73").await;
    let counter = |nik: &'static str| {
        json!({"service": "73-aktivasi-ikd", "channel": "counter",
            "applicant": {"name": "Rina", "nik": nik, "email": "rina@example.id"},
            "fields": {"email": "rina@example.id"}})
    };
    let activated = app.apply(Some(&op), counter("7371015506880005")).await;
    let mut c = activated;
    while c.status != domain::Status::Completed {
        // The operator marks the QR Code shown at step d.
        let data = if c.current_step.as_deref() == Some("a4") {
            let (s, e) = app.act(&op, c.id, "advance", c.version, json!({})).await;
            assert_eq!((s, e["error"]["field"].as_str()), (422, Some("data.qr_ditunjukkan")), "{e}");
            json!({"data": {"qr_ditunjukkan": "ya"}})
        } else {
            json!({})
        };
        let (s, r) = app.act(&op, c.id, "advance", c.version, data).await;
        assert_eq!(s, 200, "{r}");
        c = app.db.store.case(c.id).await.unwrap().unwrap();
    }
    let failed = app.apply(Some(&op), counter("7371011203950002")).await;
    let mut c = failed;
    while c.current_step.as_deref() != Some("a3") {
        app.act(&op, c.id, "advance", c.version, json!({})).await;
        c = app.db.store.case(c.id).await.unwrap().unwrap();
    }
    let refuse = |reason: Option<&str>| {
        let mut body = json!({"note": "Aktivasi tidak dapat dilanjutkan"});
        if let Some(r) = reason {
            body["data"] = json!({"alasan_gagal": r});
        }
        body
    };
    let (s, e) = app.act(&op, c.id, "reject", c.version, refuse(None)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("data.alasan_gagal")), "{e}");
    let (s, r) = app.act(&op, c.id, "reject", c.version, refuse(Some("perangkat_tidak_mendukung"))).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("rejected")), "{r}");
    let online = json!({"service": "73-aktivasi-ikd", "channel": "online",
        "applicant": {"name": "Andi", "nik": "7371010101900003", "email": "andi@example.id"},
        "fields": {"email": "andi@example.id", "kabkota_asal": "Kota Makassar"}});
    let (s, r) = app.apply_with_files(None, online, &[("ktp_el_atau_kk", "ktp.jpg", jpeg())]).await;
    assert_eq!(s, 201, "{r}");
    let c = app.db.store.case(r["id"].as_i64().unwrap()).await.unwrap().unwrap();
    let (s, r) = app.act(&op, c.id, "reject", c.version, refuse(Some("tidak_memiliki_email"))).await;
    assert_eq!(s, 200, "{r}");

    let month = app.app().today("73").format("%Y-%m").to_string();
    let (s, lines) = app.get_json(&format!("/api/v1/reports/ikd?from={month}&to={month}"), Some(&op)).await;
    assert_eq!(s, 200, "{lines}");
    let lines = lines.as_array().unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let (counter_line, online_line) = (&lines[0], &lines[1]);
    assert_eq!(
        (
            counter_line["channel"].as_str(),
            counter_line["kab_kota"].as_str(),
            counter_line["activated"].as_i64(),
            counter_line["failed"].as_i64()
        ),
        (Some("counter"), Some("-"), Some(1), Some(1))
    );
    assert_eq!(counter_line["failures"], json!({"perangkat_tidak_mendukung": 1}));
    assert!(counter_line["median_minutes"].as_i64().is_some());
    assert_eq!(
        (online_line["kab_kota"].as_str(), online_line["activated"].as_i64()),
        (Some("Kota Makassar"), Some(0))
    );
    assert_eq!(online_line["failures"], json!({"tidak_memiliki_email": 1}));
    let (s, csv) = app
        .get_text(
            &format!("/api/v1/reports/ikd?from={month}&to={month}&format=csv"),
            Some(&format!("layanan_session={op}")),
        )
        .await;
    assert_eq!(s, 200);
    assert!(
        csv.starts_with("channel,kab_kota,month,activated,failed,failures,median_minutes\ncounter,-,"),
        "{csv}"
    );
    let (s, e) = app.get_json("/api/v1/reports/ikd?from=2026-13&to=2026-12", Some(&op)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("from")), "{e}");
}
