//! The evaluasi kinerja pelaksana as the officials' duty, on both
//! backends: Bengkulu evaluates in June and December (its standard's
//! component 8), so the board lists those periods, owed once ended and
//! open in their last month; each owed period is reminded once to the
//! Kepala Dinas and the Kabid; the evaluation is recorded once (audited),
//! by the API or the staff performance page; an office whose standards
//! state no schedule has none.

use crate::common::{PASSWORD, TestApp, on_both_backends};
use domain::staff_evaluation::{self as schedule, Every};
use serde_json::json;

on_both_backends!(staff_evaluations_sqlite, staff_evaluations_postgres, staff_evaluations);

async fn staff_evaluations(app: TestApp) {
    let mut t = std::collections::HashMap::new();
    for role in ["kepala_dinas", "validator", "operator", "auditor"] {
        app.add_user(&format!("bkl.{role}"), role, "17", PASSWORD).await;
        t.insert(role, app.token(&format!("bkl.{role}"), PASSWORD).await);
    }
    app.add_user("muba.kepala_dinas", "kepala_dinas", "16.06", PASSWORD).await;
    let muba = app.token("muba.kepala_dinas", PASSWORD).await.0;
    let kadin = t["kepala_dinas"].0.clone();

    // The board: the half-years of the last year, by the schedule.
    let today = app.app().today("17");
    let expected = schedule::periods(Every::JuneDecember, today);
    let (s, b) = app.get_json("/api/v1/staff-evaluations", Some(&kadin)).await;
    assert_eq!((s, b["every"].as_str()), (200, Some("june_december")), "{b}");
    let periods = b["periods"].as_array().unwrap();
    assert_eq!(periods.len(), expected.len(), "{b}");
    for (line, p) in periods.iter().zip(&expected) {
        assert_eq!(line["label"], p.label.as_str());
        assert_eq!(line["state"], if p.owed_on(today) { "owed" } else { "open" }, "{line}");
    }
    assert_eq!(app.get_json("/api/v1/staff-evaluations", Some(&t["operator"].0)).await.0, 403);
    assert_eq!(app.get_json("/api/v1/staff-evaluations", Some(&t["auditor"].0)).await.0, 200);

    // Each owed period is reminded once, to the Kepala Dinas and the Kabid.
    let owed: Vec<_> = expected.iter().filter(|p| p.owed_on(today)).collect();
    assert!(!owed.is_empty(), "a half-year ended within the last year");
    // (Sulsel's months and Jepara's year are reminded too.)
    assert!(app::staff_evaluations::remind(app.app()).await.unwrap() >= owed.len());
    assert_eq!(app::staff_evaluations::remind(app.app()).await.unwrap(), 0, "reminded once");
    let rows = app.db.store.staff_evaluations("17").await.unwrap();
    assert_eq!(rows.len(), owed.len(), "{rows:?}");
    assert!(rows.iter().all(|r| r.reminded_at.is_some() && r.recorded_by.is_none()));
    let notes = app.db.store.notifications("17", 200).await.unwrap();
    let subject = format!("Evaluasi kinerja pelaksana periode {} belum dicatat", owed[0].label);
    for who in ["bkl.kepala_dinas", "bkl.validator"] {
        assert!(notes.iter().any(|n| n.recipient == who && n.subject == subject), "{who} reminded");
    }
    assert!(!notes.iter().any(|n| n.recipient == "bkl.operator" && n.subject == subject));

    // Recorded once, by the evaluators, with every field; bad input named.
    let body = |period: &str, findings: &str| json!({"period": period, "findings": findings, "actions": "Pelatihan ulang pelayanan loket."});
    let label = owed[0].label.as_str();
    let post = |token: String, b: serde_json::Value| {
        let app = &app;
        async move { app.post_json("/api/v1/staff-evaluations", Some(&token), b).await }
    };
    assert_eq!(post(t["operator"].0.clone(), body(label, "x")).await.0, 403);
    for (b, field) in [
        (body(label, " "), "findings"),
        (body(label, &"x".repeat(4001)), "findings"),
        (body("2026-03", "x"), "period"),
        (body("2099-12", "x"), "period"),
    ] {
        let (s, e) = post(kadin.clone(), b).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some(field)), "{e}");
    }
    let (s, r) = post(kadin.clone(), body(label, "Waktu verifikasi melebihi standar.")).await;
    assert_eq!((s, r["recorded_by"].as_str()), (201, Some("bkl.kepala_dinas")), "{r}");
    let (s, e) = post(t["validator"].0.clone(), body(label, "lagi")).await;
    assert_eq!(s, 409, "{e}");
    let audit = app.db.store.audit_entries(0, 10_000).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "staff_evaluation.record"
                && a.object == format!("staff_evaluation:17:{label}"))
    );

    // The page shows the board and records by its form.
    let (token, csrf) = t["validator"].clone();
    let cookie = format!("layanan_session={token}");
    let (s, page) = app.get_text("/kinerja", Some(&cookie)).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("Evaluasi kinerja pelaksana") && page.contains("Waktu verifikasi melebihi standar."),
        "{page}"
    );
    let open = expected.iter().find(|p| p.label != label).map(|p| p.label.clone());
    if let Some(other) = open {
        let res = app
            .http
            .post(app.url("/kinerja/evaluasi"))
            .header("cookie", &cookie)
            .form(&[
                ("csrf", csrf.as_str()),
                ("period", &other),
                ("findings", "Baik."),
                ("actions", "Dipertahankan."),
            ])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
        let (_, b) = app.get_json("/api/v1/staff-evaluations", Some(&kadin)).await;
        let line =
            b["periods"].as_array().unwrap().iter().find(|l| l["label"] == other.as_str()).unwrap().clone();
        assert_eq!(
            (line["state"].as_str(), line["evaluation"]["recorded_by"].as_str()),
            (Some("recorded"), Some("bkl.validator"))
        );
        let res = app
            .http
            .post(app.url("/kinerja/evaluasi"))
            .header("cookie", &cookie)
            .form(&[("csrf", csrf.as_str()), ("period", &other), ("findings", "Lagi."), ("actions", "-")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409, "recorded once, by the form too");
    }

    // No schedule where the standards state none (Muba: "tidak dinyatakan").
    let (_, b) = app.get_json("/api/v1/staff-evaluations", Some(&muba)).await;
    assert!(b["every"].is_null() && b["periods"].as_array().unwrap().is_empty(), "{b}");
    let (s, e) = post(muba, body("2026-06", "x")).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("period")), "{e}");
}
