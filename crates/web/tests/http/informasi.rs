//! Jepara's information desk end to end: a question from the web form with
//! a name and a WhatsApp number (no NIK), drafted with a canned answer,
//! corrected by the atasan and sent to the asker (an unanswered question
//! escalating after 15 working minutes is `cases::an_unanswered_jepara_
//! question_escalates_on_the_service_clock`); WhatsApp messages come in through
//! the Cloud API webhook only with a valid signature, and answers go out
//! through the Cloud API (a local server standing in for Meta's).

use crate::common::{PASSWORD, TestApp};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const DESK: &str = "33.20-informasi-online";

fn question(applicant: Value) -> Value {
    json!({"service": DESK, "channel": "online", "applicant": applicant,
        "fields": {"pertanyaan": "Apa syarat legalisir akta kelahiran?"}})
}

async fn staff(app: &TestApp, role: &str) -> String {
    app.add_user(&format!("jp.{role}"), role, "33.20", PASSWORD).await;
    app.token(&format!("jp.{role}"), PASSWORD).await.0
}

#[tokio::test]
async fn a_question_without_nik_is_answered_with_the_atasans_correction() {
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    let (op, verif) = (staff(&app, "operator").await, staff(&app, "verifikator").await);

    // The web form asks a name and a contact, no NIK.
    let (_, form) = app.get_text(&format!("/services/{DESK}/apply"), None).await;
    assert!(!form.contains("name=\"applicant.nik\"") && form.contains("Tidak perlu NIK"), "{form}");
    let (s, e) = app.post_json("/api/v1/applications", None, question(json!({"name": "Siti"}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("applicant.phone")), "{e}");
    let (s, e) = app
        .post_json(
            "/api/v1/applications",
            None,
            json!({"service": "33.20-legalisir", "channel": "counter",
        "applicant": {"name": "Siti", "phone": "0812"}, "fields": {}}),
        )
        .await;
    assert_eq!(s, 401, "other services still need an operator and a NIK: {e}");
    let (s, r) = app
        .post_json("/api/v1/applications", None, question(json!({"name": "Siti", "phone": "0812-3456-7890"})))
        .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_i64().unwrap();

    // Canned answers from the office's own standards, for its staff only.
    assert_eq!(app.get_json("/api/v1/canned-answers", None).await.0, 401);
    let (_, canned) = app.get_json("/api/v1/canned-answers", Some(&op)).await;
    let legalisir = canned.as_array().unwrap().iter().find(|c| c["service"] == "33.20-legalisir").unwrap();
    let text = legalisir["text"].as_str().unwrap();
    assert!(text.contains("Akta Catatan Sipil") && text.contains("25 Menit"), "{text}");

    let act = |token: &str, data: Value| {
        let (app, token) = (&app, token.to_string());
        async move {
            let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&token)).await;
            app.act(&token, id, "advance", c["version"].as_i64().unwrap(), json!({"data": data})).await
        }
    };
    assert_eq!(act(&op, json!({})).await.0, 200, "step 2: received");
    // The staff page offers the canned answers beside the draft.
    let (_, page) = app.get_text(&format!("/staff/cases/{id}"), Some(&format!("layanan_session={op}"))).await;
    assert!(page.contains("data-target=\"rec-jawaban\"") && page.contains("/static/canned.js"), "{page}");
    let (s, e) = act(&op, json!({})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("data.jawaban")), "the draft is required");
    assert_eq!(act(&op, json!({"jawaban": format!("Draf: {text}")})).await.0, 200, "step 3: drafted");
    assert_eq!(act(&op, json!({})).await.0, 200, "step 4: the officer cannot answer; to the atasan");
    let corrected = "Legalisir tidak dipungut biaya; bawa akta asli dan KTP-el ke loket.";
    assert_eq!(act(&verif, json!({"jawaban": corrected})).await.0, 200, "step 5: corrected");
    let code = r["tracking_code"].as_str().unwrap();
    let (_, before) = app.get_json(&format!("/api/v1/track/{code}"), None).await;
    assert_eq!(before["answer"], serde_json::Value::Null, "not before it is sent");
    let (s, sent) = act(&op, json!({})).await;
    assert_eq!((s, sent["current_step"].as_str()), (200, Some("7")), "{sent}");
    let (_, after) = app.get_json(&format!("/api/v1/track/{code}"), None).await;
    assert_eq!(after["answer"], corrected, "the asker reads the answer sent: {after}");

    // The corrected answer goes to the asker's WhatsApp, from the outbox.
    let notes = app.db.store.case_notifications(id).await.unwrap();
    let answer =
        notes.iter().find(|n| n.subject == "Jawaban atas pertanyaan Anda").expect("the answer is sent");
    assert_eq!((answer.channel.as_str(), answer.recipient.as_str()), ("whatsapp", "0812-3456-7890"));
    assert!(answer.body.contains(corrected) && !answer.body.contains("Draf"), "{}", answer.body);
    let (_, docs) = app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&op)).await;
    assert!(docs.as_array().unwrap().iter().any(|d| d["kind"] == "jawaban_informasi"), "{docs}");
}

/// A local server standing in for the Cloud API: it keeps what it is sent.
async fn cloud_api() -> (String, Arc<Mutex<Vec<(String, Value)>>>) {
    let seen: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let keep = seen.clone();
    let router = axum::Router::new().route(
        "/v21.0/{phone}/messages",
        axum::routing::post(move |headers: axum::http::HeaderMap, axum::Json(body): axum::Json<Value>| {
            let keep = keep.clone();
            async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                keep.lock().unwrap().push((auth, body));
                axum::Json(json!({"messages": [{"id": "wamid.keluar"}]}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v21.0", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, seen)
}

#[tokio::test]
async fn whatsapp_messages_come_in_signed_and_answers_go_out_through_the_cloud_api() {
    // Off by default: the webhook is not there.
    let off = TestApp::sqlite().await;
    let res = off.http.post(off.url("/api/v1/whatsapp/webhook")).body("{}").send().await.unwrap();
    assert_eq!(res.status(), 404);

    let (api_url, seen) = cloud_api().await;
    let settings = app::whatsapp::Settings {
        api_url,
        phone_number_id: "1098765".into(),
        access_token: "token-rahasia".into(),
        app_secret: "app-secret".into(),
        verify_token: "verifikasi".into(),
        office: "33.20".into(),
    };
    let app =
        TestApp::with_app_config(app::Config { whatsapp: Some(settings.clone()), ..Default::default() })
            .await;
    let hook = |query: &str| app.http.get(app.url(&format!("/api/v1/whatsapp/webhook?{query}"))).send();
    let ok = hook("hub.mode=subscribe&hub.verify_token=verifikasi&hub.challenge=12345").await.unwrap();
    assert_eq!((ok.status().as_u16(), ok.text().await.unwrap()), (200, "12345".to_string()));
    assert_eq!(
        hook("hub.mode=subscribe&hub.verify_token=salah&hub.challenge=1").await.unwrap().status(),
        403
    );

    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "contacts": [{"wa_id": "6281234567890", "profile": {"name": "Rina"}}],
        "messages": [{"id": "wamid.masuk", "from": "6281234567890", "timestamp": "1", "type": "text", "text": {"body": "Jam buka loket?"}}]}}]}]})
    .to_string();
    let post = |signature: Option<String>| {
        let mut req = app
            .http
            .post(app.url("/api/v1/whatsapp/webhook"))
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(s) = signature {
            req = req.header("x-hub-signature-256", s);
        }
        req.send()
    };
    let forged = app::whatsapp::sign("bukan-rahasianya", body.as_bytes());
    for bad in [None, Some(forged), Some("sha256=00".to_string())] {
        let res = post(bad.clone()).await.unwrap();
        assert_eq!(res.status(), 401, "{bad:?}");
    }
    let op = staff(&app, "operator").await;
    let listed = |app: &TestApp| {
        let op = op.clone();
        let path = format!("/api/v1/worklist?service={DESK}");
        let http = app.http.clone();
        let url = app.url(&path);
        async move {
            let v: Value = http.get(url).bearer_auth(op).send().await.unwrap().json().await.unwrap();
            v["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(&app).await, Vec::<i64>::new(), "a refused message opens nothing");
    let res = post(Some(app::whatsapp::sign("app-secret", body.as_bytes()))).await.unwrap();
    assert_eq!(res.status(), 200);
    let got: Value = res.json().await.unwrap();
    let code = got["questions"][0].as_str().unwrap().to_string();
    let (_, track) = app.get_json(&format!("/api/v1/track/{code}"), None).await;
    assert_eq!(track["service"]["id"].as_str().or(track["service"].as_str()), Some(DESK), "{track}");
    let ids = listed(&app).await;
    assert_eq!(ids.len(), 1);
    let id = ids[0];
    let case = app.db.store.case(id).await.unwrap().unwrap();
    assert_eq!((case.channel.as_str(), case.applicant.phone.as_deref()), ("whatsapp", Some("6281234567890")));

    // Answered without the atasan (steps 4 and 5 passed over), the answer
    // goes out through the Cloud API with the receipt before it.
    for extra in [
        json!({}),
        json!({"data": {"jawaban": "Loket buka Senin-Jumat 08.00-15.00."}, "to_step": "6"}),
        json!({}),
    ] {
        let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&op)).await;
        let (s, r) = app.act(&op, id, "advance", c["version"].as_i64().unwrap(), extra).await;
        assert_eq!(s, 200, "{r}");
    }
    let adapter = app::whatsapp::CloudApi::new(settings).unwrap();
    let sent = app::outbox::dispatch(app.app(), &[Box::new(adapter) as Box<dyn app::outbox::Adapter>]).await;
    assert_eq!(sent, 2, "the receipt and the answer");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    let (auth, answer) = &seen[1];
    assert_eq!(auth, "Bearer token-rahasia");
    assert_eq!(
        (answer["to"].as_str(), answer["type"].as_str()),
        (Some("6281234567890"), Some("text")),
        "{answer}"
    );
    assert!(answer["text"]["body"].as_str().unwrap().contains("Loket buka Senin-Jumat"), "{answer}");
    // Sent once: nothing is left for the adapter.
    let adapter = app::whatsapp::CloudApi::new(app.app().config.whatsapp.clone().unwrap()).unwrap();
    assert_eq!(
        app::outbox::dispatch(app.app(), &[Box::new(adapter) as Box<dyn app::outbox::Adapter>]).await,
        0
    );
}
