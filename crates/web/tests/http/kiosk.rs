//! The village kiosk end to end: the office's admin opens a kiosk account
//! bound to a village (its code from the region data, refused otherwise);
//! the kiosk registers a resident's application on its large-button pages
//! and gets a receipt naming the village; the kiosk sees no office work;
//! the office's report counts its applications per village.

use crate::common::{PASSWORD, TestApp, on_both_backends};
use serde_json::json;

const VILLAGE: &str = "33.20.01.2001";

on_both_backends!(
    a_kiosk_registers_for_its_village_sqlite,
    a_kiosk_registers_for_its_village_postgres,
    kiosk
);

async fn kiosk(app: TestApp) {
    app.add_user("jp.admin", "admin", "33.20", PASSWORD).await;
    let admin = app.token("jp.admin", PASSWORD).await.0;
    let account = |unit: &str| {
        json!({"username": "kios.kedungmalang", "role": "desa", "unit": unit,
        "display_name": "Kios Desa Kedungmalang", "password": "kata sandi kios yang panjang"})
    };
    for bad in ["", "33.20.01", "16.06.01.2001", "33.20.01.9999"] {
        let (s, e) = app.post_json("/api/v1/users", Some(&admin), account(bad)).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("unit")), "{bad}: {e}");
    }
    let (s, u) = app.post_json("/api/v1/users", Some(&admin), account(VILLAGE)).await;
    assert_eq!(s, 201, "{u}");
    let login = app.login("kios.kedungmalang", "kata sandi kios yang panjang").await;
    let cookie =
        login.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    let body: serde_json::Value = login.json().await.unwrap();
    let (token, csrf) =
        (body["token"].as_str().unwrap().to_string(), body["csrf_token"].as_str().unwrap().to_string());

    // The kiosk's home: its office's counter services, large.
    let (s, home) = app.get_text("/kios", Some(&cookie)).await;
    assert_eq!(s, 200);
    assert!(home.contains("href=\"/kios/33.20-legalisir\"") && home.contains("Kedungmalang"), "{home}");
    // A resident's application through the form, and its receipt.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("channel", "counter")
        .text("applicant.name", "Siti Aminah")
        .text("applicant.nik", "3320015708900001")
        .text("fields.dokumen", "Akta kelahiran")
        .text("fields.jumlah_lembar", "2")
        .text("consent", "1");
    let res = app
        .http
        .post(app.url("/kios/33.20-legalisir"))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let receipt = res.text().await.unwrap();
    assert_eq!(status, 200, "{}", receipt.split("role=\"alert\"").nth(1).unwrap_or(&receipt));
    assert!(
        receipt.contains("Kedungmalang")
            && receipt.contains("id=\"tracking-code\"")
            && receipt.contains("class=\"print"),
        "{receipt}"
    );
    let code = receipt.split("id=\"tracking-code\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    let case = app.db.store.case_by_tracking(&code).await.unwrap().unwrap();
    assert_eq!(case.created_by, "kios.kedungmalang");
    // The signed receipt names the village.
    let docs = app.db.store.case_documents(case.id).await.unwrap();
    let content = docs[0].content.clone().unwrap_or_default();
    assert!(content.contains("Didaftarkan melalui kios pelayanan Kedungmalang (33.20.01.2001)"), "{content}");
    // Through the API too; another office's service is not the kiosk's.
    let application = json!({"service": "33.20-legalisir", "channel": "counter",
        "applicant": {"name": "Budi", "nik": "3320010101900003"}, "fields": {"dokumen": "KK", "jumlah_lembar": 1}});
    assert_eq!(app.post_json("/api/v1/applications", Some(&token), &application).await.0, 201);
    let muba = json!({"service": "16.06-ktp-el", "channel": "counter", "applicant": {"name": "Budi", "nik": "1606015708900001"}});
    assert_eq!(app.post_json("/api/v1/applications", Some(&token), &muba).await.0, 403);
    assert_eq!(app.get_text("/kios/16.06-ktp-el", Some(&cookie)).await.0, 404);
    // The kiosk does no office work.
    assert_eq!(app.get_json("/api/v1/worklist", Some(&token)).await.0, 403);
    assert_eq!(app.get_json(&format!("/api/v1/cases/{}", case.id), Some(&token)).await.0, 403);

    // The office's report: two applications from Kedungmalang.
    let (s, report) = app.get_json("/api/v1/reports/kiosks", Some(&admin)).await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(
        report,
        json!([{"village": VILLAGE, "village_name": "Kedungmalang", "service": "legalisir", "applications": 2}])
    );
    assert_eq!(app.get_json("/api/v1/reports/kiosks", Some(&token)).await.0, 403);
}
