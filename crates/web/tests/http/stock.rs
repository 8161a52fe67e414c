//! Blanko KTP-el end to end (Sulsel's *Fasilitasi Pendistribusian Blangko
//! KTP-el Kab/Kota*): the province receives blanks, Maros (an office of its
//! own, and an institution account at the province) requests 500, the
//! Kepala Dinas approves 400 with a reason, the BAST prints 400 and is
//! signed, and Maros's confirmation of the hand-over moves 400 from the
//! province's ledger to Maros's — refused while the province cannot cover it.

use crate::common::{PASSWORD, TestApp, on_both_backends, start};
use crate::institutions::bank;
use serde_json::json;

on_both_backends!(
    maros_gets_four_hundred_of_five_hundred_sqlite,
    maros_gets_four_hundred_of_five_hundred_postgres,
    maros_request
);

async fn maros_request(app: TestApp) {
    // The province's 24 kab/kota offices exist, named from the region data.
    let offices = app.db.store.offices().await.unwrap();
    let kab_kota: Vec<_> = offices.iter().filter(|o| o.parent.as_deref() == Some("73")).collect();
    assert_eq!(kab_kota.len(), 24, "{kab_kota:?}");
    let maros = kab_kota.iter().find(|o| o.code == "73.09").unwrap();
    assert!(maros.name.contains("Maros"), "{}", maros.name);

    let roles = ["operator", "verifikator", "validator", "kepala_dinas"];
    let mut t = std::collections::HashMap::new();
    for role in roles {
        app.add_user(&format!("ssl.{role}"), role, "73", PASSWORD).await;
        t.insert(role, app.token(&format!("ssl.{role}"), PASSWORD).await.0);
    }
    app.add_user("maros.op", "operator", "73.09", PASSWORD).await;
    let maros_staff = app.token("maros.op", PASSWORD).await.0;

    // The province receives 1000 blanks from the ministry.
    let receipt = json!({"office": "73", "kind": "receipt", "quantity": 1000, "reason": "Kiriman Ditjen Dukcapil",
        "source_document": "BAST 470/88/Dukcapil/2026", "serial_from": "KT0001001", "serial_to": "KT0002000"});
    let (s, m) = app.post_json("/api/v1/stock/movements", Some(&t["operator"]), &receipt).await;
    assert_eq!((s, m["balance_after"].as_i64()), (201, Some(1000)), "{m}");
    let mut bad = receipt.clone();
    bad["quantity"] = json!(999);
    let (s, e) = app.post_json("/api/v1/stock/movements", Some(&t["operator"]), &bad).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("serial_to")), "{e}");
    let (s, e) = app.post_json("/api/v1/stock/movements", Some(&maros_staff), &receipt).await;
    assert_eq!(s, 403, "another office's stock: {e}");
    let transfer =
        json!({"office": "73", "kind": "transfer_out", "quantity": 1, "reason": "x", "source_document": "x"});
    let (s, e) = app.post_json("/api/v1/stock/movements", Some(&t["operator"]), &transfer).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("kind")), "transfers move with a BAST: {e}");

    // Maros, as the province's institution, requests 500.
    let mut body = bank("dukcapil.maros");
    for (k, v) in [
        ("office", "73"),
        ("kind", "dinas_kabkota"),
        ("name", "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Maros"),
    ] {
        body[k] = json!(v);
    }
    let maros_token = app.verified_institution(body, &t["verifikator"]).await;
    let mut application = json!({"service": "73-distribusi-blangko", "channel": "counter",
        "fields": {"kab_kota": "73.99", "jumlah_permintaan": "500", "stok_tersedia": "35"},
        "letter": {"number": "470/12/Disdukcapil-Mrs/2026", "date": app.app().today("73").to_string()}});
    let (s, e) = app.post_json("/api/v1/applications", Some(&maros_token), &application).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("fields.kab_kota")), "{e}");
    application["fields"]["kab_kota"] = json!("73.09");
    let (s, receipt) = app.post_json("/api/v1/applications", Some(&maros_token), &application).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt["id"].as_i64().unwrap();
    // The province's overview shows the request pending for Maros.
    let pending = async || {
        let (_, overview) = app.get_json("/api/v1/stock/overview", Some(&t["kepala_dinas"])).await;
        let line = overview.as_array().unwrap().iter().find(|o| o["office"] == "73.09").cloned();
        line.map(|l| l["pending_requests"].clone())
    };
    assert_eq!(pending().await, Some(json!([receipt["tracking_code"]])));
    let act = |role: &'static str, data: serde_json::Value| {
        let (app, t) = (&app, &t);
        async move {
            let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&t["operator"])).await;
            let body = json!({"action": "advance", "expected_version": c["version"], "data": data});
            app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(&t[role]), &body).await
        }
    };
    for role in ["operator", "verifikator", "validator"] {
        let (s, r) = act(role, json!({})).await;
        assert_eq!(s, 200, "{role}: {r}");
    }
    // 400 of 500: only with a reason.
    let (s, e) = act("kepala_dinas", json!({"jumlah_disetujui": "400"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("data.alasan_jumlah")), "{e}");
    let (s, r) = act(
        "kepala_dinas",
        json!({"jumlah_disetujui": "400", "alasan_jumlah": "Stok provinsi dibagi rata ke 24 kab/kota"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    for role in ["operator", "verifikator", "validator", "kepala_dinas"] {
        let (s, r) = act(role, json!({})).await;
        assert_eq!(s, 200, "{role}: {r}");
    }
    let (_, docs) = app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&t["operator"])).await;
    let bast =
        docs.as_array().unwrap().iter().find(|d| d["kind"] == "bast_blangko").expect("the BAST").clone();
    let pdf = app
        .http
        .get(app.url(&format!("/api/v1/documents/{}/pdf", bast["code"].as_str().unwrap())))
        .bearer_auth(&t["operator"])
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    if let Some(text) = crate::common::pdf_text(&pdf.bytes().await.unwrap()) {
        assert!(text.contains("diserahkan: 400 keping"), "the approved amount: {text}");
    }

    // The hand-over comes once the service may end ("minimal 30 menit" of
    // working time after it started: on a weekend or a holiday, that is the
    // next working day); fresh sessions after the clock moved.
    let started = app.db.store.case(id).await.unwrap().unwrap().service_started_at.unwrap();
    let cal = app.calendar(domain::TimeZone::Wita).await;
    let earliest = cal.add_working_minutes(app::cases::clock::at(started), 30);
    app.clock.advance(earliest - app.app().now() + chrono::Duration::hours(1));
    let maros_token = app.token("dukcapil.maros", "kata sandi bank yang panjang").await.0;
    let maros_staff = app.token("maros.op", PASSWORD).await.0;
    for role in roles {
        t.insert(role, app.token(&format!("ssl.{role}"), PASSWORD).await.0);
    }
    // The province printed 700 meanwhile: the hand-over of 400 cannot be
    // covered and nothing moves.
    let printed = json!({"office": "73", "kind": "printed", "quantity": 700, "reason": "Pencetakan KTP-el provinsi", "source_document": "Laporan cetak 11/2026"});
    assert_eq!(app.post_json("/api/v1/stock/movements", Some(&t["operator"]), &printed).await.0, 201);
    let confirm = |version: serde_json::Value| json!({"action": "advance", "expected_version": version});
    let (_, mine) = app.get_json(&format!("/api/v1/my/cases/{id}"), Some(&maros_token)).await;
    let path = format!("/api/v1/my/cases/{id}/actions");
    let (s, e) = app.post_json(&path, Some(&maros_token), &confirm(mine["case"]["version"].clone())).await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("300"), "the balance is named: {e}");
    let (_, still) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&t["operator"])).await;
    assert_eq!(still["current_step"], "8");
    // Another delivery arrives; Maros signs on hand-over and 400 move.
    let mut more = receipt_of(1000);
    more["source_document"] = json!("BAST 470/95/Dukcapil/2026");
    assert_eq!(app.post_json("/api/v1/stock/movements", Some(&t["operator"]), &more).await.0, 201);
    let (s, r) = app.post_json(&path, Some(&maros_token), &confirm(mine["case"]["version"].clone())).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("completed")), "{r}");

    let (_, province) = app.get_json("/api/v1/stock?office=73", Some(&t["operator"])).await;
    let (_, kab) = app.get_json("/api/v1/stock?office=73.09", Some(&maros_staff)).await;
    assert_eq!((province["balance"].as_i64(), kab["balance"].as_i64()), (Some(900), Some(400)));
    let out = &province["movements"][0];
    assert_eq!(
        (out["kind"].as_str(), out["quantity"].as_i64(), out["counterpart"].as_str()),
        (Some("transfer_out"), Some(400), Some("73.09"))
    );
    assert_eq!(out["source_document"], bast["number"], "the BAST is the source");
    for ledger in [&province, &kab] {
        let rows = ledger["movements"].as_array().unwrap();
        let sum: i64 = rows.iter().map(|m| m["delta"].as_i64().unwrap()).sum();
        assert_eq!(sum, ledger["balance"].as_i64().unwrap(), "the ledger sums: {ledger}");
    }
    // The province sees Maros's stock; Maros does not see the province's; Jepara sees neither.
    assert_eq!(app.get_json("/api/v1/stock?office=73.09", Some(&t["verifikator"])).await.0, 200);
    assert_eq!(app.get_json("/api/v1/stock?office=73", Some(&maros_staff)).await.0, 403);
    let (_, overview) = app.get_json("/api/v1/stock/overview", Some(&t["kepala_dinas"])).await;
    let maros_line = overview.as_array().unwrap().iter().find(|o| o["office"] == "73.09").unwrap();
    assert_eq!((maros_line["balance"].as_i64(), &maros_line["pending_requests"]), (Some(400), &json!([])));
    let page = app.get_text("/stok", Some(&crate::agreements::cookie(&app, "ssl.operator").await)).await;
    assert_eq!(page.0, 200);
    assert!(page.1.contains("Kabupaten Maros") && page.1.contains("900"), "{}", page.1);
}

fn receipt_of(quantity: i64) -> serde_json::Value {
    json!({"office": "73", "kind": "receipt", "quantity": quantity, "reason": "Kiriman Ditjen Dukcapil", "source_document": "BAST"})
}

/// Maros's monthly adminduk service report: a month is owed once it has
/// ended; a request filed while one is owed is flagged to the verifier; the
/// report's printed and spoiled blanks leave Maros's ledger with it, once
/// per month, never beyond the balance.
#[tokio::test]
async fn a_monthly_report_owed_is_flagged_and_filing_it_moves_the_ledger() {
    let app = start(Some(store::testing::sqlite().await)).await.unwrap();
    app.add_user("maros.op", "operator", "73.09", PASSWORD).await;
    app.add_user("ssl.verifikator", "verifikator", "73", PASSWORD).await;
    let op = app.token("maros.op", PASSWORD).await.0;
    let start = json!({"office": "73.09", "kind": "receipt", "quantity": 200, "reason": "Saldo awal", "source_document": "Berita acara stok opname"});
    assert_eq!(app.post_json("/api/v1/stock/movements", Some(&op), &start).await.0, 201);
    let (_, owed) = app.get_json("/api/v1/stock/reports?office=73.09", Some(&op)).await;
    assert_eq!(owed["missing"], json!([]), "this month is not due yet");

    use chrono::Datelike;
    let today = app.app().today("73.09");
    let month = today.format("%Y-%m").to_string();
    let next = today.checked_add_months(chrono::Months::new(1)).unwrap().with_day(10).unwrap();
    app.clock.advance(chrono::Duration::days((next - today).num_days()));
    let op = app.token("maros.op", PASSWORD).await.0;
    let verif = app.token("ssl.verifikator", PASSWORD).await.0;
    let (_, owed) = app.get_json("/api/v1/stock/reports?office=73.09", Some(&op)).await;
    assert_eq!(owed["missing"], json!([month]));
    // The month owed is reminded to the office's staff, once.
    assert_eq!(app::stock::remind_reports(app.app()).await.unwrap(), 1);
    assert_eq!(app::stock::remind_reports(app.app()).await.unwrap(), 0, "once a month owed");
    let notes = app.db.store.notifications("73.09", 50).await.unwrap();
    assert!(notes.iter().any(|n| n.recipient == "maros.op" && n.subject.contains(&month)), "{notes:?}");

    // A request now is flagged to the verifier.
    let request = json!({"service": "73-distribusi-blangko", "channel": "counter",
        "applicant": {"name": "Dinas Dukcapil Kabupaten Maros", "organisation": {"name": "Dinas Dukcapil Kabupaten Maros", "kind": "dinas_kabkota"}},
        "fields": {"kab_kota": "73.09", "jumlah_permintaan": "300", "stok_tersedia": "148"}});
    app.add_user("ssl.operator", "operator", "73", PASSWORD).await;
    let ssl_op = app.token("ssl.operator", PASSWORD).await.0;
    let (s, receipt) = app.post_json("/api/v1/applications", Some(&ssl_op), &request).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt["id"].as_i64().unwrap();
    let first = app.db.store.journal(id).await.unwrap().remove(0);
    assert!(
        first.data.as_deref().unwrap().contains(&format!("\"laporan_bulanan_belum\":[\"{month}\"]")),
        "{first:?}"
    );
    let page = app
        .get_text(
            &format!("/staff/cases/{id}"),
            Some(&crate::agreements::cookie(&app, "ssl.verifikator").await),
        )
        .await
        .1;
    assert!(page.contains(&month), "the verifier sees the month owed");

    let report = |m: &str, printed: i64| {
        json!({"office": "73.09", "month": m, "printed": printed, "spoiled": 2,
        "stated_balance": 148, "recap": "Blangko dipakai untuk perekaman dan pencetakan KTP-el"})
    };
    let this_month = app.app().today("73.09").format("%Y-%m").to_string();
    let (s, e) = app.post_json("/api/v1/stock/reports", Some(&op), &report(&this_month, 50)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("month")), "not ended yet: {e}");
    let (s, e) = app.post_json("/api/v1/stock/reports", Some(&op), &report(&month, 500)).await;
    assert_eq!(s, 409, "more than the ledger holds: {e}");
    let (s, r) = app.post_json("/api/v1/stock/reports", Some(&op), &report(&month, 50)).await;
    assert_eq!((s, r["ledger_balance"].as_i64()), (201, Some(148)), "{r}");
    assert_eq!(
        app.post_json("/api/v1/stock/reports", Some(&op), &report(&month, 50)).await.0,
        409,
        "once a month"
    );
    let (_, ledger) = app.get_json("/api/v1/stock?office=73.09", Some(&op)).await;
    assert_eq!(ledger["balance"], 148);
    let kinds: Vec<_> =
        ledger["movements"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["spoiled", "printed", "receipt"]);
    let (_, owed) = app.get_json("/api/v1/stock/reports?office=73.09", Some(&verif)).await;
    assert_eq!(owed["missing"], json!([]), "{owed}");
    assert_eq!(owed["reports"][0]["month"], json!(month));
}
