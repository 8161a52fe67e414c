//! Office settings (maklumat, cuti bersama, hours): role and office
//! checks, CSRF and validation.

use crate::common::{PASSWORD, TestApp};
use serde_json::json;

async fn put_settings(
    app: &TestApp,
    token: Option<&str>,
    office: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let mut req = app.http.put(app.url(&format!("/api/v1/offices/{office}/settings"))).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

#[tokio::test]
async fn only_the_offices_admin_publishes_its_maklumat() {
    let app = TestApp::sqlite().await;
    app.add_user("muba.admin", "admin", "16.06", PASSWORD).await;
    app.add_user("jepara.admin", "admin", "33.20", PASSWORD).await;
    app.add_user("muba.verif", "verifikator", "16.06", PASSWORD).await;
    let (muba, _) = app.token("muba.admin", PASSWORD).await;
    let (jepara, _) = app.token("jepara.admin", PASSWORD).await;
    let (verif, _) = app.token("muba.verif", PASSWORD).await;
    let pledge = json!({"maklumat": "Kami sanggup menyelenggarakan pelayanan sesuai standar pelayanan."});

    assert_eq!(put_settings(&app, None, "16.06", pledge.clone()).await.0, 401);
    assert_eq!(put_settings(&app, Some(&jepara), "16.06", pledge.clone()).await.0, 403);
    assert_eq!(put_settings(&app, Some(&verif), "16.06", pledge.clone()).await.0, 403);
    let (status, err) = put_settings(&app, Some(&muba), "16.06", json!({"maklumat": "x".repeat(5001)})).await;
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("maklumat")));
    let (status, _) = put_settings(&app, Some(&muba), "16.06", json!({"cuti_bersama_off": "yes"})).await;
    assert_eq!(status, 422);

    let (status, office) = put_settings(&app, Some(&muba), "16.06", pledge).await;
    assert_eq!(status, 200, "{office}");
    let (_, page) = app.get_text("/services/16.06-ktp-el", None).await;
    assert!(page.contains("Kami sanggup menyelenggarakan pelayanan"));
    let (_, after) = put_settings(&app, Some(&muba), "16.06", json!({"cuti_bersama_off": false})).await;
    assert_eq!((after["cuti_bersama_off"].as_bool(), after["maklumat"].is_string()), (Some(false), true));
    let rows = app.db.store.audit_entries(0, 10_000).await.unwrap();
    assert!(
        rows.iter().any(|r| r.action == "office.upsert" && r.actor == "muba.admin" && r.object == "16.06")
    );
}

#[tokio::test]
async fn the_settings_form_needs_its_csrf_token() {
    let app = TestApp::sqlite().await;
    app.add_user("sulsel.admin", "admin", "73", PASSWORD).await;
    let (token, csrf) = app.token("sulsel.admin", PASSWORD).await;
    let cookie = format!("layanan_session={token}");
    let (status, form) = app.get_text("/admin/office", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(form.contains("name=\"maklumat\"") && form.contains(&csrf));
    let post = |fields: Vec<(&'static str, String)>| {
        app.http.post(app.url("/admin/office")).header("cookie", &cookie).form(&fields).send()
    };
    let forged = post(vec![("csrf", "x".into()), ("maklumat", "M".into())]).await.unwrap();
    assert_eq!(forged.status(), 403);
    let ok = post(vec![("csrf", csrf.clone()), ("maklumat", "Maklumat Sulsel".into())]).await.unwrap();
    assert_eq!(ok.status(), 303);
    let office = app.db.store.office("73").await.unwrap().unwrap();
    assert_eq!(office.maklumat.as_deref(), Some("Maklumat Sulsel"));
    assert!(!office.cuti_bersama_off, "unticked checkbox must turn the setting off");
    // Not an admin: no form.
    app.add_user("sulsel.op", "operator", "73", PASSWORD).await;
    let (op, _) = app.token("sulsel.op", PASSWORD).await;
    assert_eq!(app.get_text("/admin/office", Some(&format!("layanan_session={op}"))).await.0, 403);
}
