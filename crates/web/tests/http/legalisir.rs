//! Jepara's legalisir end to end: the request names its documents and
//! sheets (the receipt shows the count and Rp 0), the verifikator records
//! what each was checked against, the Kabid's signature makes one signed,
//! numbered stamp page per sheet (QR, "sesuai dengan aslinya", the signer's
//! name and NIP, the date), and the legalisation register lists every sheet.

use crate::common::{PASSWORD, TestApp, on_both_backends};
use serde_json::{Value, json};

const NIK: &str = "3320010101900003";

/// A document's PDF as text (empty when pdftotext is missing, outside CI).
async fn pdf_text(app: &TestApp, token: &str, code: &str) -> String {
    let res = app
        .http
        .get(app.url(&format!("/api/v1/documents/{code}/pdf")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let path = app.files.0.join(format!("{code}.pdf"));
    std::fs::write(&path, res.bytes().await.unwrap()).unwrap();
    let Ok(out) = std::process::Command::new("pdftotext").arg(&path).arg("-").output() else {
        assert!(std::env::var("CI").is_err(), "pdftotext missing: run scripts/setup-test-deps.sh");
        return String::new();
    };
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn case_docs(app: &TestApp, id: i64, token: &str) -> Value {
    app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(token)).await.1
}

on_both_backends!(
    three_sheets_give_three_stamp_pages_sqlite,
    three_sheets_give_three_stamp_pages_postgres,
    three_sheets
);

async fn three_sheets(app: TestApp) {
    let mut t = std::collections::HashMap::new();
    for role in ["operator", "verifikator", "kepala_dinas"] {
        app.add_user(&format!("jp.{role}"), role, "33.20", PASSWORD).await;
        t.insert(role, app.token(&format!("jp.{role}"), PASSWORD).await.0);
    }
    let kabid = store::NewUser {
        username: "jp.kabid".into(),
        display_name: "Dra. Sri Wahyuni".into(),
        password_hash: app::accounts::hash_password(PASSWORD).unwrap(),
        role: domain::Role::Validator,
        office: "33.20".into(),
        unit: None,
        nip: Some("19700101 199503 2 001".into()),
    };
    app.db.store.create_user("test", &kabid).await.unwrap();
    t.insert("validator", app.token("jp.kabid", PASSWORD).await.0);
    let op = t["operator"].clone();

    let request = |sheets: Value| {
        json!({"service": "33.20-legalisir", "channel": "counter", "applicant": {"name": "Siti Aminah", "nik": NIK},
            "fields": {"dokumen": "Akta Kelahiran 3320-LT-01011990-0042 (2 lembar), Kartu Keluarga (1 lembar)", "jumlah_lembar": sheets}})
    };
    for bad in [json!(0), json!(51), json!("dua"), json!(1.5)] {
        let (s, r) = app.post_json("/api/v1/applications", Some(&op), request(bad.clone())).await;
        assert_eq!((s, r["error"]["field"].as_str()), (422, Some("fields.jumlah_lembar")), "{bad}: {r}");
    }
    let (s, r) = app.post_json("/api/v1/applications", Some(&op), request(json!(3))).await;
    assert_eq!(s, 201, "{r}");
    let (id, tracking) = (r["id"].as_i64().unwrap(), r["tracking_code"].as_str().unwrap().to_string());
    let receipt = case_docs(&app, id, &op).await[0]["code"].as_str().unwrap().to_string();
    let text = pdf_text(&app, &op, &receipt).await;
    assert!(text.is_empty() || text.contains("Jumlah lembar yang dilegalisir: 3. Biaya: Rp 0"), "{text}");

    let path = format!("/api/v1/cases/{id}");
    loop {
        let (_, c) = app.get_json(&path, Some(&op)).await;
        if c["current_step"] == "7" {
            break;
        }
        let actor = c["current_actor"].as_str().unwrap();
        let v = c["version"].as_i64().unwrap();
        if c["current_step"] == "3" {
            let (s, r) = app.act(&t[actor], id, "advance", v, json!({})).await;
            assert_eq!((s, r["error"]["field"].as_str()), (422, Some("data.cara_pemeriksaan")), "{r}");
        }
        let data = json!({"data": {"cara_pemeriksaan": "dokumen_asli"}});
        let (s, r) = app.act(&t[actor], id, "advance", v, data).await;
        assert_eq!(s, 200, "step {}: {r}", c["current_step"]);
    }
    // Three stamp pages, numbered apart, each verifiable, each saying which sheet.
    let all = case_docs(&app, id, &op).await;
    let mut pages: Vec<&Value> =
        all.as_array().unwrap().iter().filter(|d| d["kind"] == "legalisir").collect();
    // In the order of their numbers (`470/{seq}/…`), which is the sheets' order.
    let seq = |d: &Value| d["number"].as_str().unwrap().split('/').nth(1).unwrap().parse::<i64>().unwrap();
    pages.sort_by_key(|d| seq(d));
    assert_eq!(pages.len(), 3, "{all}");
    let mut numbers: Vec<&str> = pages.iter().map(|d| d["number"].as_str().unwrap()).collect();
    numbers.dedup();
    assert_eq!(numbers.len(), 3, "{numbers:?}");
    for (i, d) in pages.iter().enumerate() {
        let code = d["code"].as_str().unwrap();
        let (_, v) = app.get_json(&format!("/api/v1/documents/{code}/verify"), None).await;
        assert_eq!(v["status"], "valid", "{v}");
        let text = pdf_text(&app, &op, code).await;
        if !text.is_empty() {
            for needle in [
                format!("Lembar {} dari 3 lembar", i + 1),
                "SESUAI DENGAN ASLINYA".into(),
                "dokumen_asli".into(),
                "Dra. Sri Wahyuni".into(),
                "NIP. 19700101 199503 2 001".into(),
                d["number"].as_str().unwrap().into(),
                tracking.clone(),
            ] {
                assert!(text.contains(&needle), "`{needle}` missing in: {text}");
            }
        }
    }
    // The register: one row per sheet, in number order.
    let (s, rows) = app.get_json("/api/v1/legalisations", Some(&op)).await;
    assert_eq!(s, 200, "{rows}");
    let rows = rows.as_array().unwrap();
    let sheets: Vec<(i64, i64)> =
        rows.iter().map(|r| (r["sheet"].as_i64().unwrap(), r["sheets"].as_i64().unwrap())).collect();
    assert_eq!(sheets, [(1, 3), (2, 3), (3, 3)]);
    assert!(
        rows.iter().all(|r| r["tracking_code"] == tracking.as_str() && r["holder"] != "Siti Aminah"),
        "{rows:?}"
    );
    let res =
        app.http.get(app.url("/api/v1/legalisations?format=csv")).bearer_auth(&op).send().await.unwrap();
    let csv = res.text().await.unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    let (_, other) = app.get_json("/api/v1/legalisations?from=2020-01&to=2020-12", Some(&op)).await;
    assert_eq!(other, json!([]));
    let (s, e) = app.get_json("/api/v1/legalisations?from=2026-13", Some(&op)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("from")));
}
