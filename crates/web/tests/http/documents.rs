//! Documents over HTTP: every application gets a signed receipt; its PDF
//! reads back with `pdftotext`, its seal catches one altered byte offline,
//! the public page says valid, and after revocation says revoked and why.

use crate::common::{PASSWORD, TestApp};
use serde_json::{Value, json};

const NIK: &str = "1606015708900001";

fn has(tool: &str) -> bool {
    let ok = std::process::Command::new(tool).arg("-v").output().is_ok();
    assert!(ok || std::env::var("CI").is_err(), "{tool} missing: run scripts/setup-test-deps.sh");
    ok
}

#[tokio::test]
async fn a_receipt_is_issued_signed_verifiable_and_revocable() {
    let app = TestApp::sqlite().await;
    let op_user = store::NewUser {
        username: "muba.op".into(),
        display_name: "Rahmat Hidayat".into(),
        password_hash: app::accounts::hash_password(PASSWORD).unwrap(),
        role: domain::Role::Operator,
        office: "16.06".into(),
        unit: None,
        nip: Some("19800101 200501 1 001".into()),
    };
    app.db.store.create_user("test", &op_user).await.unwrap();
    app.add_user("muba.kadin", "kepala_dinas", "16.06", PASSWORD).await;
    app.add_user("jepara.op", "operator", "33.20", PASSWORD).await;
    let (op, _) = app.token("muba.op", PASSWORD).await;
    let (kadin, _) = app.token("muba.kadin", PASSWORD).await;
    let (jepara, _) = app.token("jepara.op", PASSWORD).await;
    let body = json!({"service": "16.06-ktp-el", "channel": "counter", "applicant": {"name": "Siti Aminah", "nik": NIK}, "fields": {"jenis_permohonan": "rekam"}});
    let res =
        app.http.post(app.url("/api/v1/applications")).bearer_auth(&op).json(&body).send().await.unwrap();
    let receipt: Value = res.json().await.unwrap();
    let id = receipt["id"].as_i64().unwrap();
    let tracking = receipt["tracking_code"].as_str().unwrap().to_string();

    let (status, docs) = app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&op)).await;
    assert_eq!(status, 200);
    let doc = &docs[0];
    assert_eq!(doc["kind"], "tanda_terima");
    let number = doc["number"].as_str().unwrap().to_string();
    assert!(number.starts_with("470/1/Disdukcapil/TT/"), "{number}");
    let code = doc["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 16);
    assert_eq!(app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&jepara)).await.0, 403);

    // The PDF, for staff of the office only.
    let url = app.url(&format!("/api/v1/documents/{code}/pdf"));
    assert_eq!(app.http.get(&url).bearer_auth(&jepara).send().await.unwrap().status(), 403);
    let res = app.http.get(&url).bearer_auth(&op).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap().to_vec();

    // Offline: the seal checks against the office's public keys; one byte changed fails.
    let keys = app::documents::verifying_keys(app.app()).await.unwrap();
    let sealed = documents::seal::check(&pdf, &keys).unwrap();
    assert_eq!(sealed.number, number);
    let mut tampered = pdf.clone();
    tampered[200] ^= 0x20;
    assert_eq!(documents::seal::check(&tampered, &keys), Err(documents::seal::SealError::Altered));

    if has("pdftotext") {
        let path = app.files.0.join("receipt.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for needle in [
            "TANDA TERIMA PERMOHONAN",
            &number,
            &tracking,
            "S*** A*****",
            "Musi Banyuasin",
            "Rahmat Hidayat",
            "NIP. 19800101 200501 1 001",
        ] {
            assert!(text.contains(needle), "`{needle}` missing in:\n{text}");
        }
        assert!(!text.contains(NIK), "no NIK on a receipt");
    }

    // The applicant's own copy: tracking code and NIK in the body.
    let own = |nik: &str| {
        app.http
            .post(app.url(&format!("/api/v1/track/{tracking}/documents/{code}")))
            .json(&json!({ "nik": nik }))
            .send()
    };
    assert_eq!(own("1606015708900002").await.unwrap().status(), 403);
    let mine = own(NIK).await.unwrap();
    assert_eq!(mine.status(), 200);
    assert_eq!(mine.bytes().await.unwrap().to_vec(), pdf);
    // Staff see it on the case page; officials get a revoke form.
    let (_, page) =
        app.get_text(&format!("/staff/cases/{id}"), Some(&format!("layanan_session={kadin}"))).await;
    assert!(page.contains(&number) && page.contains(&format!("/staff/documents/{code}/revoke")));
    let (_, op_page) =
        app.get_text(&format!("/staff/cases/{id}"), Some(&format!("layanan_session={op}"))).await;
    assert!(op_page.contains(&number) && !op_page.contains("/revoke"));

    // Public verification.
    let (_, v) = app.get_json(&format!("/api/v1/documents/{code}/verify"), None).await;
    assert_eq!((v["status"].as_str(), v["number"].as_str()), (Some("valid"), Some(number.as_str())));
    assert!(!v.to_string().contains("Siti"));
    let (_, page) = app.get_text(&format!("/verify/{code}"), None).await;
    assert!(page.contains("SAH"));
    let (_, unknown) = app.get_json("/api/v1/documents/ZZZZZZZZZZZZZZZZ/verify", None).await;
    assert_eq!(unknown["status"], "unknown");

    // Revocation: by the office's officials, with a reason.
    let revoke = |t: &str, reason: &str| {
        app.http
            .post(app.url(&format!("/api/v1/documents/{code}/revoke")))
            .bearer_auth(t.to_string())
            .json(&json!({"reason": reason}))
            .send()
    };
    assert_eq!(revoke(&op, "x").await.unwrap().status(), 403);
    assert_eq!(revoke(&kadin, " ").await.unwrap().status(), 422);
    let r: Value = revoke(&kadin, "Salah penulisan nama").await.unwrap().json().await.unwrap();
    assert_eq!(
        (r["status"].as_str(), r["revoke_reason"].as_str()),
        (Some("revoked"), Some("Salah penulisan nama"))
    );
    let (_, page) = app.get_text(&format!("/verify/{code}"), None).await;
    assert!(page.contains("DICABUT") && page.contains("Salah penulisan nama"));
}
