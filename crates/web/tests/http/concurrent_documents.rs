//! 50 cases completed at the same moment get 50 distinct, consecutive
//! document numbers, on SQLite and on PostgreSQL.

use crate::common::{PASSWORD, TestApp};
use serde_json::{Value, json};

async fn fifty_completions_on(app: TestApp) {
    let mut tokens = std::collections::HashMap::new();
    for role in ["operator", "verifikator", "validator", "kepala_dinas"] {
        let name = format!("muba.{role}");
        app.add_user(&name, role, "16.06", PASSWORD).await;
        tokens.insert(role, app.token(&name, PASSWORD).await.0);
    }
    let op = tokens["operator"].clone();
    let advance = |token: String, id: i64, version: i64| {
        let http = app.http.clone();
        let url = app.url(&format!("/api/v1/cases/{id}/actions"));
        async move {
            http.post(url)
                .bearer_auth(token)
                .json(&json!({"action": "advance", "expected_version": version}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // 50 KTP-el cases brought to step 7, the hand-over that issues a receipt.
    let mut ids = Vec::new();
    for i in 0..50 {
        let nik = format!("16060157089{:05}", i + 1);
        let body = json!({"service": "16.06-ktp-el", "channel": "counter", "applicant": {"name": "Warga", "nik": nik}, "fields": {"jenis_permohonan": "rekam"}});
        let r: Value = app
            .http
            .post(app.url("/api/v1/applications"))
            .bearer_auth(&op)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = r["id"].as_i64().unwrap();
        for (v, role) in
            ["operator", "verifikator", "validator", "kepala_dinas", "operator"].iter().enumerate()
        {
            assert_eq!(advance(tokens[role].clone(), id, v as i64 + 1).await, 200);
        }
        ids.push(id);
    }
    // All at once.
    let tasks: Vec<_> = ids.iter().map(|id| tokio::spawn(advance(op.clone(), *id, 6))).collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let mut seqs = Vec::new();
    for id in &ids {
        let (_, docs) = app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&op)).await;
        let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&op)).await;
        assert_eq!(c["status"], "completed", "{c}");
        let handover = docs
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == "tanda_terima_serah")
            .unwrap_or_else(|| panic!("{docs}"));
        let number = handover["number"].as_str().unwrap();
        seqs.push(number.split('/').nth(1).unwrap().parse::<i64>().unwrap());
    }
    seqs.sort();
    assert_eq!(seqs, (1..=50).collect::<Vec<_>>());
}

#[tokio::test]
async fn fifty_concurrent_completions_sqlite() {
    let cfg = web::Config { login_per_minute: 1000, public_per_minute: 1000, ..Default::default() };
    fifty_completions_on(TestApp::with_config(cfg).await).await;
}

#[tokio::test]
async fn fifty_concurrent_completions_postgres() {
    let cfg = web::Config { login_per_minute: 1000, public_per_minute: 1000, ..Default::default() };
    let Some(db) = store::testing::postgres().await else { return };
    fifty_completions_on(TestApp::start(db, cfg, crate::common::password_only()).await).await;
}
