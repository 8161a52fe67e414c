//! Complaints end to end on both backends: an anonymous complaint from the
//! web form about an application, slips and posts staff enter, the answer
//! read on the tracking page and sent to a contact, a SP4N-LAPOR! export
//! imported once (CSV and JSON), a desk question turned into a complaint,
//! the month's recap per unit and channel, and the 5-working-day clock
//! escalating like any case's.

use crate::common::{PASSWORD, TestApp, on_both_backends};
use domain::TimeZone;
use serde_json::{Value, json};

const OFFICE: &str = "33.20";

async fn complain(app: &TestApp, token: Option<&str>, body: Value) -> (u16, Value) {
    app.post_json("/api/v1/complaints", token, body).await
}

async fn advance(app: &TestApp, token: &str, id: i64, data: Value) -> (u16, Value) {
    let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(token)).await;
    app.act(token, id, "advance", c["version"].as_i64().unwrap(), json!({"data": data})).await
}

async fn lapor(app: &TestApp, token: &str, body: &str) -> (u16, Value) {
    let res = app
        .http
        .post(app.url("/api/v1/complaints/lapor"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

on_both_backends!(
    complaints_from_every_channel_sqlite,
    complaints_from_every_channel_postgres,
    every_channel
);

async fn every_channel(app: TestApp) {
    app.add_user("jp.aduan", "complaint_handler", OFFICE, PASSWORD).await;
    app.add_user("jp.op", "operator", OFFICE, PASSWORD).await;
    app.add_user("plk.aduan", "complaint_handler", "62.71", PASSWORD).await;
    let handler = app.token("jp.aduan", PASSWORD).await.0;
    let op = app.token("jp.op", PASSWORD).await.0;
    let elsewhere = app.token("plk.aduan", PASSWORD).await.0;

    // An application to complain about: a question at the desk.
    let question = json!({"service": "33.20-informasi-online", "channel": "online",
        "applicant": {"name": "Siti", "phone": "0812 1111 2222"},
        "fields": {"pertanyaan": "Kapan legalisir saya selesai?"}});
    let (s, q) = app.post_json("/api/v1/applications", None, question.clone()).await;
    assert_eq!(s, 201, "{q}");
    let q_code = q["tracking_code"].as_str().unwrap().to_string();

    // The web form: anonymous, about that application.
    let web = json!({"office": OFFICE, "case": q_code.to_lowercase(), "channel": "web",
        "category": "waktu", "text": "Sudah dua minggu belum ada jawaban."});
    let (s, anon) = complain(&app, None, web.clone()).await;
    assert_eq!(s, 201, "{anon}");
    let anon_code = anon["tracking_code"].as_str().unwrap().to_string();
    let anon_id = anon["id"].as_i64().unwrap();
    let stored = app.db.store.case(anon_id).await.unwrap().unwrap();
    assert_eq!((stored.service.as_str(), stored.channel.as_str()), ("pengaduan", "online"));
    let fields: Value = serde_json::from_str(&stored.fields).unwrap();
    assert_eq!(fields["kode_lacak_permohonan"], q_code.as_str(), "{fields}");
    assert_eq!(fields["layanan"], "33.20-informasi-online", "the service of the application named");
    assert_eq!(fields["unit"], "Bidang Pemanfaatan Data dan Inovasi Pelayanan");
    let cal = app.calendar(TimeZone::Wib).await;
    let received = app::cases::clock::at(stored.service_started_at.unwrap());
    let five_days = cal.add_working_days(received, 5).timestamp_millis();
    assert_eq!(stored.due_at, Some(five_days), "5 working days");

    // A service whose standard names an officer for complaints: Bengkulu's.
    let bengkulu = json!({"office": "17", "service": "17-pemanfaatan-data", "channel": "web",
        "text": "Surat izin kami belum dibalas."});
    let (s, r) = complain(&app, None, bengkulu).await;
    assert_eq!(s, 201, "{r}");
    let c = app.db.store.case(r["id"].as_i64().unwrap()).await.unwrap().unwrap();
    assert!(c.fields.contains("Sepriadi Susanto"), "{}", c.fields);
    assert!(!stored.fields.contains("petugas"), "Jepara's standards name no officer");

    // Bad input names its field; staff channels need the office's staff.
    let bad = |patch: Value| {
        let mut b = web.clone();
        b.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
        b
    };
    for (patch, token, status, field) in [
        (json!({"text": "  "}), None, 422, Some("text")),
        (json!({"channel": null}), None, 422, Some("channel")),
        (json!({"case": "ZZZZ9999"}), None, 422, Some("case")),
        (json!({"case": null, "service": "62.71-pemanfaatan-data"}), None, 422, Some("service")),
        (json!({"category": "marah"}), None, 422, Some("category")),
        (json!({"contact": "bukan-kontak"}), None, 422, Some("contact")),
        (json!({"office": "99.99"}), None, 422, Some("office")),
        (json!({"channel": "kotak_saran"}), None, 401, None),
        (json!({"channel": "kotak_saran"}), Some(elsewhere.as_str()), 403, None),
        (json!({"channel": "media_sosial"}), Some(handler.as_str()), 422, Some("link")),
        (json!({"channel": "lapor"}), Some(handler.as_str()), 422, Some("lapor_number")),
    ] {
        let (s, e) = complain(&app, token, bad(patch.clone())).await;
        assert_eq!((s, e["error"]["field"].as_str()), (status, field), "{patch}: {e}");
    }

    // Entered with a cookie session: only with its CSRF header.
    let (session, csrf) = app.token("jp.aduan", PASSWORD).await;
    let slip = json!({"office": OFFICE, "channel": "kotak_saran", "text": "Toilet kurang bersih."});
    let by_cookie = |csrf: Option<&str>| {
        let mut req = app
            .http
            .post(app.url("/api/v1/complaints"))
            .header("cookie", format!("layanan_session={session}"));
        if let Some(c) = csrf {
            req = req.header("x-csrf-token", c);
        }
        req.json(&slip).send()
    };
    assert_eq!(by_cookie(None).await.unwrap().status(), 403, "no CSRF header");
    assert_eq!(by_cookie(Some(&csrf)).await.unwrap().status(), 201, "with it");

    // Staff enter a suggestion-box slip and an Instagram post.
    let slip = json!({"office": OFFICE, "channel": "kotak_saran", "received_on": "2026-11-30",
        "service": "33.20-legalisir", "category": "sarana", "text": "Kursi ruang tunggu kurang."});
    let (s, r) = complain(&app, Some(&handler), slip).await;
    assert_eq!(s, 201, "{r}");
    let post = json!({"office": OFFICE, "channel": "media_sosial", "link": "https://www.instagram.com/p/Cx1/",
        "name": "@warga", "contact": "warga@example.id", "text": "Petugas ramah, terima kasih.", "category": "saran"});
    let (s, r) = complain(&app, Some(&handler), post).await;
    assert_eq!(s, 201, "{r}");
    let post_id = r["id"].as_i64().unwrap();

    // The complaints officer's worklist has them; the answer reaches the
    // contact and the tracking page.
    let (_, list) = app.get_json("/api/v1/worklist", Some(&handler)).await;
    let ids: Vec<i64> = list["items"].as_array().unwrap().iter().filter_map(|c| c["id"].as_i64()).collect();
    assert!(ids.contains(&anon_id) && ids.contains(&post_id), "{list}");
    assert_eq!(advance(&app, &handler, anon_id, json!({})).await.0, 200, "registered");
    let (s, e) = advance(&app, &handler, anon_id, json!({})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("data.jawaban")), "the answer is required");
    let answer = "Permohonan Anda sudah dijawab hari ini; mohon maaf atas keterlambatan.";
    let (s, done) = advance(&app, &handler, anon_id, json!({"jawaban": answer})).await;
    assert_eq!((s, done["status"].as_str()), (200, Some("completed")), "{done}");
    let (_, tracked) = app.get_json(&format!("/api/v1/track/{anon_code}"), None).await;
    assert_eq!(tracked["answer"], answer, "an anonymous complainant reads the answer: {tracked}");
    let (_, page) = app.get_text(&format!("/track/{anon_code}"), None).await;
    assert!(page.contains("mohon maaf atas keterlambatan"), "{page}");
    assert!(!page.contains("/pengaduan?office="), "no complaint about a complaint");
    let (_, page) = app.get_text(&format!("/track/{q_code}"), None).await;
    assert!(page.contains(&format!("/pengaduan?office=33.20&#38;kasus={q_code}")), "{page}");
    advance(&app, &handler, post_id, json!({})).await;
    advance(&app, &handler, post_id, json!({"jawaban": "Terima kasih atas apresiasinya."})).await;
    let sent = app.db.store.case_notifications(post_id).await.unwrap();
    assert!(
        sent.iter().any(|n| n.recipient == "warga@example.id" && n.body.contains("apresiasinya")),
        "{sent:?}"
    );

    // SP4N-LAPOR!: a CSV export (a text with a line break inside its
    // quotes), a bad row refused by its column, a second import skipped.
    let csv = "id_laporan,tanggal,judul,isi,nama,kontak\n\
        LAP-001,2026-11-28 10:00:00,Antrean,\"Antrean panjang.\nMohon ditambah loket.\",Budi,0813 2222 3333\n\
        LAP-002,2026-11-29,,Blanko habis,,\n\
        LAP-003,2026-11-29,Tanpa isi,,Ani,\n";
    let (s, r) = lapor(&app, &handler, csv).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["imported"].as_array().unwrap().len(), r["skipped"].as_u64()), (2, Some(0)), "{r}");
    assert_eq!(r["refused"], json!([[3, "isi: the report's text is required"]]), "{r}");
    let (_, again) = lapor(&app, &handler, csv).await;
    assert_eq!((again["imported"].as_array().unwrap().len(), again["skipped"].as_u64()), (0, Some(2)));
    let json_export = json!({"data": [{"id_laporan": "LAP-002", "isi": "Blanko habis"},
        {"id_laporan": 4, "isi": "Situs lambat", "kontak": "x@y.id"}]});
    let (_, r) = lapor(&app, &handler, &json_export.to_string()).await;
    assert_eq!((r["imported"].as_array().unwrap().len(), r["skipped"].as_u64()), (1, Some(1)), "{r}");
    assert_eq!(lapor(&app, &elsewhere, csv).await.0, 200, "another office imports into its own");
    assert_eq!(lapor(&app, &op, "{not json").await.0, 422);
    let first = r["imported"][0].as_str().unwrap();
    let imported = app.db.store.case_by_tracking(first).await.unwrap().unwrap();
    assert!(
        imported.fields.contains("\"nomor_lapor\":\"4\"") && imported.fields.contains("\"kanal\":\"lapor\"")
    );

    // A desk question that is really a complaint becomes one.
    let (_, q2) = app.post_json("/api/v1/applications", None, question).await;
    let q2_id = q2["id"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{q2_id}/complaint");
    assert_eq!(app.post_json(&path, Some(&elsewhere), json!({})).await.0, 404, "another office's case");
    let (s, converted) = app.post_json(&path, Some(&op), json!({})).await;
    assert_eq!(s, 201, "{converted}");
    let c = app.db.store.case(converted["id"].as_i64().unwrap()).await.unwrap().unwrap();
    assert!(c.fields.contains(q2["tracking_code"].as_str().unwrap()) && c.fields.contains("Kapan legalisir"));
    assert_eq!(c.applicant.phone.as_deref(), Some("0812 1111 2222"), "the asker is the complainant");
    let journal = app.db.store.journal(q2_id).await.unwrap();
    assert!(journal.iter().any(|j| j.note.as_deref().is_some_and(|n| n.contains(&c.tracking_code))));
    let (s, e) = app.post_json(&format!("/api/v1/cases/{post_id}/complaint"), Some(&op), json!({})).await;
    assert_eq!(s, 422, "only a desk question converts: {e}");

    // The month's recap: per unit, channel and category.
    let month = app.app().today(OFFICE).format("%Y-%m").to_string();
    let (s, recap) = app.get_json(&format!("/api/v1/reports/complaints?month={month}"), Some(&op)).await;
    assert_eq!(s, 200, "{recap}");
    assert_eq!(recap["total"]["received"], 8, "web, 2 slips, post, 3 LAPOR!, converted: {recap}");
    assert_eq!(
        (recap["total"]["answered"].as_u64(), recap["total"]["answered_in_time"].as_u64()),
        (Some(2), Some(2))
    );
    let units = recap["units"].as_array().unwrap();
    let unit =
        |name: &str| units.iter().find(|u| u["unit"] == name).unwrap_or_else(|| panic!("{name}: {recap}"));
    assert_eq!(unit("Bidang Pemanfaatan Data dan Inovasi Pelayanan")["received"], 3, "{recap}");
    assert_eq!(unit("Umum (tanpa layanan)")["received"], 5, "{recap}");
    let channels: Vec<(String, u64)> = serde_json::from_value(recap["channels"].clone()).unwrap();
    let count = |c: &str| channels.iter().find(|(k, _)| k == c).map(|(_, n)| *n);
    assert_eq!((count("lapor"), count("kotak_saran"), count("web")), (Some(3), Some(2), Some(2)), "{recap}");
    let res = app
        .http
        .get(app.url(&format!("/api/v1/reports/complaints?month={month}&format=csv")))
        .bearer_auth(&op)
        .send()
        .await
        .unwrap();
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("Unit,Diterima,Dijawab") && csv.contains("Jumlah,8,2,2,6,0"), "{csv}");
    let (s, _) = app.get_json(&format!("/api/v1/reports/complaints?month={month}"), None).await;
    assert_eq!(s, 401);
    let (s, e) = app.get_json("/api/v1/reports/complaints?month=2026-13", Some(&op)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("month")));

    // Unanswered past 5 working days: escalated like any case.
    let open = app.db.store.case(c.id).await.unwrap().unwrap();
    app.clock.advance(app::cases::clock::at(open.due_at.unwrap() + 60_000) - app.app().now());
    app::cases::sweep::sweep(app.app()).await.unwrap();
    let notes = app.staff_notes(c.id).await;
    assert!(notes.iter().any(|(_, s)| s.starts_with("Waktu layanan")), "{notes:?}");
    // (Sessions lapse over the days the clock moved: a fresh one.)
    let op = app.token("jp.op", PASSWORD).await.0;
    let (_, recap) = app.get_json(&format!("/api/v1/reports/complaints?month={month}"), Some(&op)).await;
    assert_eq!(recap["total"]["overdue"], 6, "every open complaint is late now: {recap}");
}

/// A standard that states its own time for complaints (`[complaints]
/// time`) makes a complaint naming its service due then; a complaint
/// naming no service keeps the office's procedure's 5 working days. No
/// shipped seed states one, so the test adds it to a copy of Bengkulu's.
#[tokio::test]
async fn a_standard_that_states_a_complaint_time_sets_its_complaints_due() {
    let app = TestApp::sqlite().await;
    let dir = store::testing::TempDir::new("standards");
    let copy = std::process::Command::new("cp")
        .arg("-r")
        .arg(crate::common::standards_dir())
        .arg(dir.0.join("standards"))
        .status()
        .unwrap();
    assert!(copy.success());
    let file = dir.0.join("standards/17/pemanfaatan-data.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    // A new version of the standard, as an office publishes one.
    let version = text.lines().find_map(|l| l.strip_prefix("version = ")).unwrap().parse::<u32>().unwrap();
    let text = text
        .replacen(&format!("version = {version}\n"), &format!("version = {}\n", version + 1), 1)
        .replacen("[complaints]\n", "[complaints]\ntime = \"2 hari kerja\"\n", 1);
    assert!(text.contains("time = \"2 hari kerja\""));
    std::fs::write(&file, text).unwrap();
    app::catalog::sync_dir(app.db.store.as_ref(), &dir.0.join("standards")).await.unwrap();
    let stated = crate::common::app_on(app.db.store.clone(), app::Config::default(), app.clock.clone()).await;
    let std = stated.catalog.get("17-pemanfaatan-data").unwrap();
    assert_eq!(
        std.complaints.as_ref().unwrap().time.as_ref().map(ToString::to_string),
        Some("2 hari kerja".into())
    );

    let complain = |service: Option<&str>| app::complaints::NewComplaint {
        office: "17".into(),
        service: service.map(String::from),
        channel: Some(domain::complaint::Channel::Web),
        category: Some("waktu".into()),
        text: "Belum ada jawaban.".into(),
        ..Default::default()
    };
    let named = app::complaints::submit(&stated, &complain(Some("17-pemanfaatan-data")), None).await.unwrap();
    let unnamed = app::complaints::submit(&stated, &complain(None), None).await.unwrap();
    let cal = app.calendar(domain::TimeZone::Wib).await;
    let due = |c: &store::Case, d: &str| {
        let started = app::cases::clock::at(c.service_started_at.unwrap());
        app::cases::clock::case_due(&cal, started, Some(&d.parse().unwrap()))
    };
    assert_eq!(named.due_at, due(&named, "2 hari kerja"), "the service's own time");
    assert_eq!(unnamed.due_at, due(&unnamed, "5 hari kerja"), "the procedure's time");
    assert!(named.due_at < unnamed.due_at);
}
