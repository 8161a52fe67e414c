//! Data-access agreements end to end: a bank applies to Palangka Raya by
//! letter, the case runs the SOP's 12 rows with their roles (the Walikota
//! and the Dinas Provinsi as outside parties), the PKS signed at row 5
//! makes an agreement in the register, the Juknis and the User IDs follow,
//! warnings come 90 and 30 days before it ends, a renewal opens a new case,
//! and the ministry's letters suspend a User ID and revoke the agreement.
//! Who may see it: the office's staff and the bank, nobody else.

use crate::common::{PASSWORD, TestApp};
use crate::institutions::bank;
use serde_json::json;

async fn start(db: Option<store::testing::TestStore>) -> Option<TestApp> {
    let config = web::Config { login_per_minute: 1000, ..Default::default() };
    Some(TestApp::start(db?, config, app::Config::default()).await)
}

#[tokio::test]
async fn palangka_raya_agreement_sqlite() {
    palangka_raya_agreement(start(Some(store::testing::sqlite().await)).await.unwrap()).await;
}

#[tokio::test]
async fn palangka_raya_agreement_postgres() {
    let Some(app) = start(store::testing::postgres().await).await else { return };
    palangka_raya_agreement(app).await;
}

/// The date `days` from the app's today, as the API takes it.
fn day(app: &TestApp, days: i64) -> String {
    (app.app().now() + chrono::Duration::days(days)).format("%Y-%m-%d").to_string()
}

async fn palangka_raya_agreement(app: TestApp) {
    let staff = [
        ("pky.op", "operator"),
        ("pky.verif", "verifikator"),
        ("pky.kabid", "validator"),
        ("pky.kadin", "kepala_dinas"),
    ];
    for (name, role) in staff {
        app.add_user(name, role, "62.71", PASSWORD).await;
    }
    app.add_user("jpr.verif", "verifikator", "33.20", PASSWORD).await;
    let mut tokens = std::collections::HashMap::new();
    for (name, role) in staff {
        tokens.insert(role, app.token(name, PASSWORD).await.0);
    }
    let bank_token = app.verified_institution(bank("bank.kalteng"), &tokens["verifikator"]).await;
    let mut other = bank("bank.lain");
    other["name"] = json!("PT Bank Lain");
    let other_bank = app.verified_institution(other, &tokens["verifikator"]).await;

    let application = json!({"service": "62.71-pemanfaatan-data", "channel": "counter",
        "fields": {"elemen_data": "NIK, nama lengkap, tanggal lahir"},
        "letter": {"number": "500/77/BKS-KEP/XI/2026", "date": day(&app, 0)}});
    let (s, receipt) = app.post_json("/api/v1/applications", Some(&bank_token), &application).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt["id"].as_i64().unwrap();

    // The SOP's 12 rows in order, each by its column's role (the Walikota's
    // and the Dinas Provinsi's as outside parties); the bank does its own
    // rows, staff record the outside parties' answers.
    // Row 1 is the bank's letter itself: submitting it completes the row.
    let journal = app.db.store.journal(id).await.unwrap();
    assert!(journal[0].data.as_deref().unwrap().contains("\"completed_steps\":[\"1\"]"), "{journal:?}");
    let rows = [
        ("2", "external"),
        ("3", "kepala_dinas"),
        ("4a", "verifikator"),
        ("4b", "external"),
        ("5", "validator"),
        ("6", "verifikator"),
        ("7", "verifikator"),
        ("8", "pemohon"),
        ("9", "pemohon"),
        ("10", "pemohon"),
        ("11", "verifikator"),
    ];
    let mut agreement = None;
    for (step, actor) in rows {
        let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&tokens["operator"])).await;
        assert_eq!(
            (c["current_step"].as_str(), c["current_actor"].as_str()),
            (Some(step), Some(actor)),
            "{c}"
        );
        // Each row is timed as the SOP times it; "Tentatif" (row 9) is not,
        // and "6 bulan sekali" (row 11) is the monev's rhythm, not a deadline.
        assert_eq!(c["step_due_at"].is_string(), !matches!(step, "9" | "11"), "row {step}: {c}");
        let version = c["version"].as_i64().unwrap();
        let mut body = json!({"action": "advance", "expected_version": version});
        match step {
            "5" => {
                // Someone else's step is refused; the agreement's validity is required and checked.
                let (s, _) = app
                    .post_json(&format!("/api/v1/cases/{id}/actions"), Some(&tokens["verifikator"]), &body)
                    .await;
                assert_eq!(s, 403);
                body["data"] = json!({"berlaku_mulai": day(&app, 0), "berlaku_sampai": day(&app, -1), "mode_akses": "web_service"});
                let (s, e) = app
                    .post_json(&format!("/api/v1/cases/{id}/actions"), Some(&tokens["validator"]), &body)
                    .await;
                assert_eq!((s, e["error"]["field"].as_str()), (422, Some("data.berlaku_sampai")), "{e}");
                body["data"]["berlaku_sampai"] = json!(day(&app, 100));
            }
            "6" => body["data"] = json!({"nomor_juknis": "JUKNIS/062/2026", "tanggal_juknis": day(&app, 0)}),
            _ => {}
        }
        let (s, r) = match actor {
            "pemohon" => {
                app.post_json(&format!("/api/v1/my/cases/{id}/actions"), Some(&bank_token), &body).await
            }
            "external" => {
                app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(&tokens["operator"]), &body).await
            }
            role => app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(&tokens[role]), &body).await,
        };
        assert_eq!(s, 200, "row {step}: {r}");
        if step == "5" {
            let (_, list) = app.get_json("/api/v1/agreements", Some(&tokens["operator"])).await;
            assert_eq!(list.as_array().unwrap().len(), 1, "row 5 signs the agreement: {list}");
            agreement = list[0]["id"].as_i64();
        }
        // User IDs as the Ditjen issues them, after the bank asks (rows 8 and 10).
        let agreement = agreement.unwrap_or_default();
        let user_ids = format!("/api/v1/agreements/{agreement}/user-ids");
        if step == "8" {
            let dev = json!({"user_id": "BKS-DEV-01", "environment": "development", "issued_on": day(&app, 0), "endpoint": "10.62.1.15"});
            let (s, e) = app.post_json(&user_ids, Some(&tokens["verifikator"]), &dev).await;
            assert_eq!(s, 201, "{e}");
            assert_eq!(app.post_json(&user_ids, Some(&tokens["verifikator"]), &dev).await.0, 409, "twice");
            let mut password = dev.clone();
            password["password"] = json!("rahasia");
            assert_eq!(app.post_json(&user_ids, Some(&tokens["verifikator"]), &password).await.0, 422);
        }
        if step == "10" {
            let mut prod = json!({"user_id": "BKS-PROD-01", "environment": "production", "issued_on": day(&app, 0), "endpoint": "vpn.bankkalteng.example"});
            let (s, e) = app.post_json(&user_ids, Some(&tokens["verifikator"]), &prod).await;
            assert_eq!((s, e["error"]["field"].as_str()), (422, Some("test_result")), "PoC first: {e}");
            prod["test_result"] = json!("lulus");
            assert_eq!(
                app.post_json(&user_ids, Some(&tokens["operator"]), &prod).await.0,
                403,
                "an operator"
            );
            assert_eq!(app.post_json(&user_ids, Some(&tokens["verifikator"]), &prod).await.0, 201);
        }
    }
    let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&tokens["operator"])).await;
    assert_eq!(c["status"], "completed", "{c}");

    // The agreement: the PKS letter's number, the Juknis, both User IDs, its timeline.
    let agreement = agreement.unwrap();
    let path = format!("/api/v1/agreements/{agreement}");
    let (s, a) = app.get_json(&path, Some(&bank_token)).await;
    assert_eq!(s, 200, "{a}");
    let (_, docs) = app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&tokens["operator"])).await;
    let pks = docs.as_array().unwrap().iter().find(|d| d["kind"] == "pks").unwrap();
    assert_eq!(a["pks_number"], pks["number"], "{a}");
    assert_eq!(
        (a["party"].as_str(), a["access_mode"].as_str(), a["status"].as_str()),
        (Some("PT Bank Kalteng Sejahtera"), Some("web_service"), Some("active"))
    );
    assert_eq!(
        (a["juknis_number"].as_str(), a["data_elements"].as_str()),
        (Some("JUKNIS/062/2026"), Some("NIK, nama lengkap, tanggal lahir"))
    );
    assert!(a["legal_basis"].as_str().unwrap().contains("OJK"), "the institution's legal basis: {a}");
    assert!(a["signed_by"].as_str().unwrap().contains("Kepala Bidang"), "{a}");
    let ids: Vec<_> =
        a["user_ids"].as_array().unwrap().iter().map(|u| u["user_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["BKS-DEV-01", "BKS-PROD-01"]);
    let kinds: Vec<_> = a["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds[0], "created");
    assert!(kinds.contains(&"user_id") && kinds.contains(&"step"), "{kinds:?}");

    // Nobody else sees it: another office's staff, another bank, nobody signed in.
    let (jpr, _) = app.token("jpr.verif", PASSWORD).await;
    assert_eq!(app.get_json(&path, Some(&jpr)).await.0, 404);
    assert_eq!(app.get_json(&path, Some(&other_bank)).await.0, 404);
    assert_eq!(app.get_json(&path, None).await.0, 401);
    assert_eq!(app.get_json("/api/v1/agreements?office=62.71", Some(&jpr)).await.0, 403);
    let (_, theirs) = app.get_json("/api/v1/agreements", Some(&other_bank)).await;
    assert_eq!(theirs, json!([]));
    let (s, page) =
        app.get_text(&format!("/perjanjian/{agreement}"), Some(&cookie(&app, "pky.verif").await)).await;
    assert_eq!(s, 200);
    assert!(page.contains("BKS-PROD-01") && page.contains("JUKNIS/062/2026"), "{page}");

    // Renewal, by the bank's letter: one at a time.
    let renewal = format!("{path}/renewal");
    let letter = json!({"number": "500/99/BKS-KEP/XII/2026", "date": day(&app, 0)});
    let (s, r) = app.post_json(&renewal, Some(&bank_token), &letter).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(app.post_json(&renewal, Some(&bank_token), &letter).await.0, 409);
    let (_, a) = app.get_json(&path, Some(&bank_token)).await;
    assert_eq!(a["renewal_case"], r["tracking_code"]);

    // Warnings at 90 and 30 days before the end, each once, to the bank.
    assert_eq!(app::agreements::warn(app.app()).await.unwrap(), 0);
    app.clock.advance(chrono::Duration::days(11));
    assert_eq!(app::agreements::warn(app.app()).await.unwrap(), 1);
    assert_eq!(app::agreements::warn(app.app()).await.unwrap(), 0, "once");
    app.clock.advance(chrono::Duration::days(60));
    assert_eq!(app::agreements::warn(app.app()).await.unwrap(), 1);
    let outbox = app.db.store.notifications("62.71", 100).await.unwrap();
    let warned = outbox
        .iter()
        .filter(|n| n.recipient == "kepatuhan@bankkalteng.example" && n.body.contains("hari lagi"));
    assert_eq!(warned.count(), 2);
    let verif = app.token("pky.verif", PASSWORD).await.0;
    let (_, a) = app.get_json(&path, Some(&verif)).await;
    assert_eq!(a["status"], "expiring", "{a}");

    // The ministry's letters: a User ID suspended, then the agreement revoked.
    let letters = format!("{path}/ministry-letters");
    let suspend = json!({"number": "470/1234/Dukcapil", "date": day(&app, 0), "decision": "suspend_user_id", "user_id": "BKS-PROD-01"});
    assert_eq!(app.post_json(&letters, Some(&verif), &suspend).await.0, 201);
    let mut unknown = suspend.clone();
    unknown["user_id"] = json!("TIDAK-ADA");
    let (s, e) = app.post_json(&letters, Some(&verif), &unknown).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("user_id")), "{e}");
    let revoke = json!({"number": "470/1300/Dukcapil", "date": day(&app, 0), "decision": "revoke_agreement"});
    assert_eq!(app.post_json(&letters, Some(&verif), &revoke).await.0, 201);
    let (_, a) = app.get_json(&path, Some(&verif)).await;
    assert_eq!(a["status"], "revoked_by_ministry");
    assert_eq!(a["user_ids"][1]["status"], "suspended");
    let again = json!({"user_id": "BKS-DEV-02", "environment": "development", "issued_on": day(&app, 0), "endpoint": "10.62.1.16"});
    assert_eq!(app.post_json(&format!("{path}/user-ids"), Some(&verif), &again).await.0, 409, "revoked");
    assert!(app.db.store.audit_verify().await.unwrap().ok);
}

/// A signed-in browser's cookie for `username`.
async fn cookie(app: &TestApp, username: &str) -> String {
    let res = app.login(username, PASSWORD).await;
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .collect::<Vec<_>>()
        .join("; ")
}
