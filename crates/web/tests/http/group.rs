//! Group cases: an institution's letter asking for IKD jemput bola, with 30
//! participants entered as CSV at the visit, opens 30 cases with 30
//! receipts, each on the letter's clock; the parent lists their progress.

use crate::common::{PASSWORD, TestApp};
use serde_json::{Value, json};

fn csv(n: usize) -> String {
    let mut text = String::from("nama;nik;telepon\n");
    for i in 0..n {
        text += &format!("Peserta {i};73710112039{:05};0811{i:06}\n", i + 1);
    }
    text
}

#[tokio::test]
async fn a_jemput_bola_letter_with_30_participants_opens_30_cases_with_30_receipts() {
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    app.add_user("sulsel.op", "operator", "73", PASSWORD).await;
    app.add_user("sulsel.kadin", "kepala_dinas", "73", PASSWORD).await;
    app.add_user("jepara.op", "operator", "33.20", PASSWORD).await;
    let (op, _) = app.token("sulsel.op", PASSWORD).await;
    let (kadin, _) = app.token("sulsel.kadin", PASSWORD).await;
    let (jepara, _) = app.token("jepara.op", PASSWORD).await;
    let letter = json!({"service": "73-aktivasi-ikd", "channel": "jemput_bola",
        "applicant": {"name": "Dinas Pendidikan Kota Makassar", "organisation": {"name": "Dinas Pendidikan Kota Makassar", "kind": "opd"}},
        "fields": {"email": "disdik@makassar.example", "tanggal_surat_diterima": chrono::Utc::now().format("%Y-%m-%d").to_string()}});
    let (s, receipt) = app.post_json("/api/v1/applications", Some(&op), &letter).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt["id"].as_i64().unwrap();
    let advance = |token: String, data: Value| {
        let app = &app;
        async move {
            let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&token)).await;
            let body = json!({"action": "advance", "expected_version": c["version"], "data": data});
            app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(&token), &body).await
        }
    };
    let send_csv = |token: &str, text: String| {
        app.http
            .post(app.url(&format!("/api/v1/cases/{id}/participants")))
            .bearer_auth(token.to_string())
            .header("content-type", "text/csv")
            .body(text)
            .send()
    };
    // Not before the visit; the Kepala Dinas's disposition sets its date.
    assert_eq!(send_csv(&op, csv(2)).await.unwrap().status(), 422);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let (s, e) = advance(kadin.clone(), json!({})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("data.jadwal_pelaksanaan")), "{e}");
    assert_eq!(advance(kadin.clone(), json!({"jadwal_pelaksanaan": today})).await.0, 200);
    // The visit records its place, date and team, and cannot be finished
    // without its participants.
    let visit = json!({"tempat": "Dinas Pendidikan Kota Makassar, Jl. Ahmad Yani", "tanggal_kunjungan": today,
        "tim": "Andi (operator), Rina (operator)"});
    let (s, e) = advance(op.clone(), visit.clone()).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("participants")), "{e}");
    // A bad line is named, and nothing is opened; another office may not add.
    let bad = csv(3).replace("7371011203900002", "12345");
    let res = send_csv(&op, bad).await.unwrap();
    assert_eq!(res.status(), 422);
    let e: Value = res.json().await.unwrap();
    assert_eq!(e["error"]["field"], "participants[1].nik", "{e}");
    assert_eq!(send_csv(&jepara, csv(2)).await.unwrap().status(), 404, "another office's case");
    assert!(app.db.store.child_cases(id).await.unwrap().is_empty());

    let res = send_csv(&op, csv(30)).await.unwrap();
    assert_eq!(res.status(), 201);
    let children: Value = res.json().await.unwrap();
    assert_eq!(children.as_array().unwrap().len(), 30);
    // Each its own case from step 4, on the letter's clock, with its own receipt.
    let parent = app.db.store.case(id).await.unwrap().unwrap();
    let mut receipts = std::collections::HashSet::new();
    for c in children.as_array().unwrap() {
        let child = app.db.store.case(c["id"].as_i64().unwrap()).await.unwrap().unwrap();
        assert_eq!((child.parent_id, child.current_step.as_deref()), (Some(id), Some("c4")));
        assert_eq!((child.service_started_at, child.due_at), (parent.service_started_at, parent.due_at));
        assert!(child.applicant.nik.is_some());
        let docs = app.db.store.case_documents(child.id).await.unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].doc_type, "tanda_terima");
        receipts.insert(docs[0].number.clone());
    }
    assert_eq!(receipts.len(), 30, "30 distinct receipt numbers");
    // The same NIK twice is refused.
    let again = send_csv(&op, csv(1)).await.unwrap();
    assert_eq!(again.status(), 422);
    // The visit is done: the letter's own case ends; the participants go on.
    let (s, done) = advance(op.clone(), visit.clone()).await;
    assert_eq!((s, done["status"].as_str()), (200, Some("completed")), "{done}");
    let (_, list) = app.get_json(&format!("/api/v1/cases/{id}/participants"), Some(&op)).await;
    assert_eq!(list.as_array().unwrap().len(), 30);
    assert!(list.as_array().unwrap().iter().all(|c| c["status"] == "in_progress"), "{list}");
    assert_eq!(list[0]["name"], "P****** 0", "names are masked");
    assert_eq!(app.get_json(&format!("/api/v1/cases/{id}/participants"), Some(&jepara)).await.0, 404);
    // The case pages link both ways.
    let cookie = format!("layanan_session={op}");
    let (_, page) = app.get_text(&format!("/staff/cases/{id}"), Some(&cookie)).await;
    assert!(page.contains("Peserta (30)"), "{page}");
    let first = children[0]["id"].as_i64().unwrap();
    let (_, child_page) = app.get_text(&format!("/staff/cases/{first}"), Some(&cookie)).await;
    assert!(child_page.contains(&format!("href=\"/staff/cases/{id}\"")), "{child_page}");
}
