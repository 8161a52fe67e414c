//! Data subject rights (UU 27/2022): a citizen asks who read their data and
//! the PPID answers within 3x24 jam; uploads of closed cases are purged
//! after the retention period, with an audit row.

use crate::common::{PASSWORD, TestApp};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

const NIK: &str = "1606015708900001";

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = app.http.post(app.url(path)).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn staff(app: &TestApp, name: &str, role: &str, office: &str) -> String {
    app.add_user(name, role, office, PASSWORD).await;
    app.token(name, PASSWORD).await.0
}

#[tokio::test]
async fn a_citizen_gets_the_access_log_within_three_days() {
    let app = TestApp::sqlite().await;
    let op = staff(&app, "muba.op", "operator", "16.06").await;
    let verif = staff(&app, "muba.verif", "verifikator", "16.06").await;
    let ppid = staff(&app, "muba.ppid", "ppid", "16.06").await;
    let other = staff(&app, "palangka.ppid", "ppid", "62.71").await;
    let auditor = staff(&app, "muba.auditor", "auditor", "16.06").await;
    let application = json!({
        "service": "16.06-ktp-el", "channel": "counter",
        "applicant": {"name": "Siti Aminah", "nik": NIK},
        "fields": {"jenis_permohonan": "rekam"}
    });
    let (_, receipt) = post(&app, "/api/v1/applications", Some(&op), application).await;
    let (id, code) =
        (receipt["id"].as_i64().unwrap(), receipt["tracking_code"].as_str().unwrap().to_string());
    // The verifikator opens the case: a read of personal data.
    assert_eq!(app.get_json(&format!("/api/v1/cases/{id}"), Some(&verif)).await.0, 200);

    let path = format!("/api/v1/track/{code}/access-log");
    assert_eq!(post(&app, &path, None, json!({"nik": "1606015708900002"})).await.0, 403, "another NIK");
    let (s, e) = post(&app, &path, None, json!({"nik": "12"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("nik")));
    let (s, r) = post(&app, &path, None, json!({"nik": NIK})).await;
    assert_eq!(s, 201, "{r}");
    let due = DateTime::parse_from_rfc3339(r["due_at"].as_str().unwrap()).unwrap().with_timezone(&Utc);
    let hours = (due - Utc::now()).num_minutes() as f64 / 60.0;
    assert!((71.9..=72.0).contains(&hours), "3x24 jam is 72 clock hours: {hours}");
    let outbox = app.db.store.case_notifications(id).await.unwrap();
    let told: Vec<&str> =
        outbox.iter().filter(|n| n.channel == "staff").map(|n| n.recipient.as_str()).collect();
    assert_eq!(told, ["muba.ppid"], "the office's PPID is told by name (not Palangka Raya's)");

    // Who may see and answer it.
    assert_eq!(app.get_json("/api/v1/data-requests", Some(&op)).await.0, 403);
    let (s, list) = app.get_json("/api/v1/data-requests", Some(&auditor)).await;
    assert_eq!((s, list[0]["sla"].as_str()), (200, Some("on_time")));
    let request = list[0]["id"].as_i64().unwrap();
    let export = format!("/api/v1/data-requests/{request}/export");
    assert_eq!(post(&app, &export, Some(&auditor), json!({})).await.0, 403, "the auditor reads only");
    assert_eq!(post(&app, &export, Some(&other), json!({})).await.0, 403, "another office's PPID");
    assert_eq!(post(&app, &export, None, json!({})).await.0, 401);

    let (s, answer) = post(&app, &export, Some(&ppid), json!({})).await;
    assert_eq!(s, 200, "{answer}");
    let who: Vec<&str> =
        answer["entries"].as_array().unwrap().iter().map(|e| e["who"].as_str().unwrap()).collect();
    assert_eq!(who, ["muba.verif"], "{answer}");
    assert!(!answer.to_string().contains(NIK), "the log shows the NIK masked only");
    assert_eq!(answer["request"]["sla"], "answered_on_time");
    assert_eq!(answer["request"]["answered_by"], "muba.ppid");
    let audit = app.db.store.audit_entries(0, 1000).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "data_request.create"));
    assert!(audit.iter().any(|a| a.action == "data_request.export" && a.actor == "muba.ppid"));
}

#[tokio::test]
async fn uploads_of_closed_cases_are_purged_after_the_retention_period() {
    let app = TestApp::sqlite().await;
    let op = staff(&app, "muba.op", "operator", "16.06").await;
    let apply = |name: &str| {
        json!({
            "service": "16.06-ktp-el", "channel": "counter",
            "applicant": {"name": name, "nik": NIK},
            "fields": {"jenis_permohonan": "rekam"}
        })
    };
    let (_, closed) = post(&app, "/api/v1/applications", Some(&op), apply("Siti")).await;
    let (_, open) = post(&app, "/api/v1/applications", Some(&op), apply("Budi")).await;
    let (closed_id, open_id) = (closed["id"].as_i64().unwrap(), open["id"].as_i64().unwrap());
    // Two uploads: one only on the case that closes, one on both cases.
    let only = app.app().files.put(b"%PDF-1.4 hanya satu").unwrap();
    let shared = app.app().files.put(b"%PDF-1.4 dipakai dua").unwrap();
    let file = |sha: &str| store::NewCaseFile {
        requirement: "kk".into(),
        filename: "kk.pdf".into(),
        content_type: "application/pdf".into(),
        size: 10,
        sha256: sha.into(),
        uploaded_by: "pemohon".into(),
    };
    for (case, sha) in [(closed_id, &only), (closed_id, &shared), (open_id, &shared)] {
        app.db.store.add_case_file(case, &file(sha)).await.unwrap();
    }
    let code = closed["tracking_code"].as_str().unwrap();
    let withdraw = json!({"action": "withdraw", "nik": NIK, "expected_version": 1});
    let (s, w) = post(&app, &format!("/api/v1/track/{code}/actions"), None, withdraw).await;
    assert_eq!((s, w["status"].as_str()), (200, Some("withdrawn")), "{w}");

    // The daily job, run every few milliseconds here, with a retention of a day.
    let day = chrono::Duration::days(1);
    let every = std::time::Duration::from_millis(20);
    let job = app::cases::retention::spawn(app.app().clone(), day, every);
    tokio::time::sleep(every * 5).await;
    let purged = async || {
        app.db.store.case_files(closed_id).await.unwrap().iter().filter(|f| f.purged_at.is_some()).count()
    };
    assert_eq!(purged().await, 0, "not yet: closed a moment ago");
    app.clock.advance(day + chrono::Duration::minutes(1));
    // Done when both rows are marked and the job has deleted the bytes
    // (it marks first, then deletes).
    for _ in 0..500 {
        if purged().await == 2 && app.app().files.get(&only).is_err() {
            break;
        }
        tokio::time::sleep(every).await;
    }
    job.abort();
    assert!(app.app().files.get(&only).is_err(), "the closed case's own upload is deleted");
    assert!(app.app().files.get(&shared).is_ok(), "bytes still used by an open case stay");
    let files = app.db.store.case_files(closed_id).await.unwrap();
    assert!(files.iter().all(|f| f.purged_at.is_some()), "rows stay, marked purged");
    // A day on, the morning's session has expired: log in again.
    let op = app.token("muba.op", PASSWORD).await.0;
    let gone = app.get_json(&format!("/api/v1/cases/{closed_id}/files/{}", files[0].id), Some(&op)).await;
    assert_eq!((gone.0, gone.1["error"]["code"].as_str()), (410, Some("purged")));
    assert!(app.db.store.case_files(open_id).await.unwrap()[0].purged_at.is_none());
    let audit = app.db.store.audit_entries(0, 1000).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "case.files.purge" && a.object == format!("case:{closed_id}")));
    assert_eq!(
        app::cases::retention::purge_uploads(app.app(), chrono::Duration::zero()).await.unwrap(),
        0,
        "once"
    );
    assert!(app.db.store.audit_verify().await.unwrap().ok);
}

#[tokio::test]
async fn a_person_lists_their_own_applications_with_a_one_time_code_never_by_nik_alone() {
    let app = TestApp::with_config(web::Config { public_per_minute: 1000, ..Default::default() }).await;
    let nik = "7371011203950002";
    let apply = |email: &str| {
        let body = json!({"service": "73-aktivasi-ikd", "channel": "online",
            "applicant": {"name": "Andi Makkasau", "nik": nik, "email": email},
            "fields": {"email": email, "kabkota_asal": "Maros"}});
        let form = reqwest::multipart::Form::new().text("application", body.to_string()).part(
            "file.ktp_el_atau_kk",
            reqwest::multipart::Part::bytes(crate::common::pdf()).file_name("ktp.pdf"),
        );
        app.http.post(app.url("/api/v1/applications")).multipart(form).send()
    };
    for email in ["andi@contoh.id", "andi@contoh.id", "orang.lain@contoh.id"] {
        assert_eq!(apply(email).await.unwrap().status(), 201);
    }
    let codes = || async {
        app.db
            .store
            .notifications("73", 500)
            .await
            .unwrap()
            .into_iter()
            .filter(|n| n.subject.contains("Kode akses"))
            .collect::<Vec<_>>()
    };
    // A contact never given: the same answer, and nothing is sent.
    let (s, answer) =
        post(&app, "/api/v1/my-applications/code", None, json!({"nik": nik, "contact": "tebakan@contoh.id"}))
            .await;
    assert_eq!((s, answer["sent"].as_bool()), (202, Some(true)));
    assert!(codes().await.is_empty());
    let (s, e) =
        post(&app, "/api/v1/my-applications/code", None, json!({"nik": "123", "contact": "x"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("nik")));
    // The contact given: a code through the outbox, to that contact only.
    let (s, _) =
        post(&app, "/api/v1/my-applications/code", None, json!({"nik": nik, "contact": "ANDI@contoh.id"}))
            .await;
    assert_eq!(s, 202);
    let sent = codes().await;
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].channel.as_str(), sent[0].recipient.as_str()), ("email", "ANDI@contoh.id"));
    let code: String = sent[0].body.chars().filter(char::is_ascii_digit).take(6).collect();
    assert_eq!(code.len(), 6, "{}", sent[0].body);
    // Never by NIK alone; a wrong code is refused; the right one lists the
    // applications that gave this contact, once.
    let list = |code: &str| post(&app, "/api/v1/my-applications", None, json!({"nik": nik, "code": code}));
    assert_eq!(list("").await.0, 403);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(list(wrong).await.0, 403);
    let (s, mine) = list(&code).await;
    assert_eq!(s, 200, "{mine}");
    assert_eq!(mine.as_array().unwrap().len(), 2, "only those that gave this contact: {mine}");
    assert!(mine.as_array().unwrap().iter().all(|a| a["service"] == "73-aktivasi-ikd"));
    assert_eq!(list(&code).await.0, 403, "a code is used once");
    // Five wrong tries spend a code.
    post(&app, "/api/v1/my-applications/code", None, json!({"nik": nik, "contact": "andi@contoh.id"})).await;
    let fresh = codes().await.into_iter().map(|n| n.body).find(|b| !b.contains(&code)).unwrap();
    let fresh: String = fresh.chars().filter(char::is_ascii_digit).take(6).collect();
    let wrong = if fresh == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(list(wrong).await.0, 403);
    }
    assert_eq!(list(&fresh).await.0, 403, "the code outlived five wrong tries");
    let rows = app.db.store.audit_entries(0, 10_000).await.unwrap();
    assert!(
        rows.iter().any(|r| r.action == "access_code.use")
            && rows.iter().any(|r| r.action == "access_code.wrong")
    );

    // The access log of one's own application, handed to oneself with a
    // fresh code: every staff read of it, who and why.
    let tracking = mine[0]["tracking_code"].as_str().unwrap().to_string();
    let case = app.db.store.case_by_tracking(&tracking).await.unwrap().unwrap();
    app.add_user("sulsel.verif", "verifikator", "73", PASSWORD).await;
    let (verif, _) = app.token("sulsel.verif", PASSWORD).await;
    assert_eq!(app.get_json(&format!("/api/v1/cases/{}", case.id), Some(&verif)).await.0, 200);
    let new_code = || async {
        post(&app, "/api/v1/my-applications/code", None, json!({"nik": nik, "contact": "andi@contoh.id"}))
            .await;
        let last = codes().await.into_iter().next().unwrap().body;
        last.chars().filter(char::is_ascii_digit).take(6).collect::<String>()
    };
    let ask = |code: String, tracking: String| {
        post(
            &app,
            "/api/v1/my-applications/access-log",
            None,
            json!({"nik": nik, "code": code, "tracking_code": tracking}),
        )
    };
    // Not one's own (the application that gave another contact): refused by field.
    let other = app.db.store.applicant_cases(nik, 10).await.unwrap();
    let elsewhere =
        other.iter().find(|c| c.applicant.email.as_deref() == Some("orang.lain@contoh.id")).unwrap();
    let (s, e) = ask(new_code().await, elsewhere.tracking_code.clone()).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("tracking_code")), "{e}");
    let (s, log) = ask(new_code().await, tracking.clone()).await;
    assert_eq!(s, 200, "{log}");
    let reads = log.as_array().unwrap();
    assert!(reads.iter().any(|r| r["who"] == "sulsel.verif" && r["why"] == "case handling"), "{log}");
    assert!(reads.iter().all(|r| !r["what"].as_str().unwrap().contains(nik)), "the NIK stays masked: {log}");
    assert_eq!(ask(String::new(), tracking).await.0, 403, "never without a code");
    let rows = app.db.store.audit_entries(0, 10_000).await.unwrap();
    assert!(rows.iter().any(|r| r.actor == "pemohon" && r.detail == "the data subject's own access log"));
}
