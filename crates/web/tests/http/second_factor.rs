//! The second factor as shipped (`app::Config::default()`: admin, kepala
//! dinas and auditor must enrol): enrolment, logins with codes taken once,
//! recovery codes, an admin's reset, all audited — on both backends.

use crate::common::{PASSWORD, TestApp};
use domain::totp;
use serde_json::{Value, json};

/// A server with the shipped settings (login limit lifted: the flow logs
/// in often).
async fn shipped(db: Option<store::testing::TestStore>) -> Option<TestApp> {
    let config = web::Config { login_per_minute: 1000, ..Default::default() };
    Some(TestApp::start(db?, config, app::Config::default()).await)
}

#[tokio::test]
async fn officials_enrol_then_log_in_with_codes_taken_once_sqlite() {
    enrol_log_in_and_reset(shipped(Some(store::testing::sqlite().await)).await.unwrap()).await;
}

#[tokio::test]
async fn officials_enrol_then_log_in_with_codes_taken_once_postgres() {
    let Some(app) = shipped(store::testing::postgres().await).await else { return };
    enrol_log_in_and_reset(app).await;
}

async fn login(app: &TestApp, username: &str, password: &str, code: Option<&str>) -> (u16, Value) {
    let mut body = json!({"username": username, "password": password});
    if let Some(c) = code {
        body["code"] = json!(c);
    }
    app.post_json("/api/v1/login", None, body).await
}

/// The code the holder's app shows now (the server's clock).
fn code_now(app: &TestApp, secret: &str) -> String {
    let bytes = totp::base32_decode(secret).unwrap();
    totp::code_at(&bytes, app.app().now().timestamp_millis())
}

/// The next 30-second step: a new code.
fn next_step(app: &TestApp) {
    app.clock.advance(chrono::Duration::seconds(totp::STEP_SECONDS));
}

/// Enrols `token`'s account through the API; its secret and recovery codes.
async fn enrol(app: &TestApp, token: &str) -> (String, Vec<String>) {
    let (status, begun) = app.post_json("/api/v1/me/second-factor", Some(token), json!({})).await;
    assert_eq!(status, 201, "{begun}");
    let secret = begun["secret"].as_str().unwrap().to_string();
    let code = code_now(app, &secret);
    let (status, done) =
        app.post_json("/api/v1/me/second-factor/confirm", Some(token), json!({"code": code})).await;
    assert_eq!(status, 200, "{done}");
    let codes =
        done["recovery_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().into()).collect();
    (secret, codes)
}

async fn enrol_log_in_and_reset(app: TestApp) {
    app.add_user("muba.admin", "admin", "16.06", PASSWORD).await;
    app.add_user("muba.admin2", "admin", "16.06", PASSWORD).await;
    app.add_user("muba.verifikator", "verifikator", "16.06", PASSWORD).await;
    app.add_user("jepara.admin", "admin", "33.20", PASSWORD).await;

    // An admin without a factor logs in, is told to enrol, and reaches
    // nothing else: not the API, not a page (sent to the enrolment page).
    let (status, v) = login(&app, "muba.admin", PASSWORD, None).await;
    assert_eq!((status, &v["must_enrol_second_factor"]), (200, &json!(true)), "{v}");
    let token = v["token"].as_str().unwrap().to_string();
    let (status, refused) = app.get_json("/api/v1/users", Some(&token)).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("second_factor_required")),
        "{refused}"
    );
    let (status, _) = app.get_json("/api/v1/me", Some(&token)).await;
    assert_eq!(status, 200, "who one is still answers");
    let cookie = format!("layanan_session={token}");
    let page = app.http.get(app.url("/admin/users")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(page.status(), 303);
    assert_eq!(page.headers()["location"], "/akun/faktor");
    let (status, html) = app.get_text("/akun/faktor", Some(&cookie)).await;
    assert!(status == 200 && html.contains("wajib memakai verifikasi dua langkah"), "{status}");
    let (_, state) = app.get_json("/api/v1/me/second-factor", Some(&token)).await;
    assert_eq!(state, json!({"enrolled": false, "required": true, "recovery_left": 0}));

    // A verifikator's factor is optional: no gate.
    let (status, v) = login(&app, "muba.verifikator", PASSWORD, None).await;
    assert_eq!((status, &v["must_enrol_second_factor"]), (200, &json!(false)), "{v}");
    let (status, _) = app.get_json("/api/v1/worklist", v["token"].as_str()).await;
    assert_eq!(status, 200);

    // Enrolment: a secret for the app; a wrong code is refused with its
    // field named; the right one puts it in force, in the same session.
    let (status, begun) = app.post_json("/api/v1/me/second-factor", Some(&token), json!({})).await;
    assert_eq!(status, 201, "{begun}");
    let secret = begun["secret"].as_str().unwrap().to_string();
    let uri = begun["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/layanan%2016.06:muba.admin?secret=") && uri.contains(&secret),
        "{uri}"
    );
    let right = code_now(&app, &secret);
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    let (status, e) =
        app.post_json("/api/v1/me/second-factor/confirm", Some(&token), json!({"code": wrong})).await;
    assert_eq!((status, e["error"]["field"].as_str()), (422, Some("code")), "{e}");
    let (status, done) =
        app.post_json("/api/v1/me/second-factor/confirm", Some(&token), json!({"code": right})).await;
    assert_eq!(status, 200, "{done}");
    let recovery: Vec<String> =
        done["recovery_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().into()).collect();
    assert_eq!(recovery.len(), 10);
    let (status, _) = app.get_json("/api/v1/users", Some(&token)).await;
    assert_eq!(status, 200, "in force: the gate is gone, the session kept");
    let (status, _) = app.post_json("/api/v1/me/second-factor", Some(&token), json!({})).await;
    assert_eq!(status, 409, "a factor in force is not swapped by whoever holds a session");

    // The secret is stored sealed, not in the clear.
    let admin = app.db.store.user_for_login("muba.admin").await.unwrap().unwrap().0;
    let stored = app.db.store.second_factor(admin.id).await.unwrap();
    let sealed = stored.secret.unwrap();
    let raw: String = totp::base32_decode(&secret).unwrap().iter().map(|b| format!("{b:02x}")).collect();
    assert!(!sealed.contains(&raw) && !sealed.contains(&secret), "{sealed}");
    assert_eq!(stored.recovery_left, 10);

    // Logging in now: the password alone asks for the code (422 `code`);
    // the enrolment's own code is not taken again; a code of the next step
    // is, once; a wrong password with a right code tells nothing.
    let (status, e) = login(&app, "muba.admin", PASSWORD, None).await;
    assert_eq!((status, e["error"]["field"].as_str()), (422, Some("code")), "{e}");
    let (status, _) = login(&app, "muba.admin", PASSWORD, Some(&right)).await;
    assert_eq!(status, 401, "the enrolment's code, replayed");
    next_step(&app);
    let code = code_now(&app, &secret);
    let (status, e) = login(&app, "muba.admin", "not the password", Some(&code)).await;
    assert_eq!((status, e["error"]["code"].as_str()), (401, Some("login_failed")), "{e}");
    let (status, v) =
        login(&app, "muba.admin", PASSWORD, Some(&format!("{} {}", &code[..3], &code[3..]))).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["must_enrol_second_factor"], json!(false));
    let (status, _) = login(&app, "muba.admin", PASSWORD, Some(&code)).await;
    assert_eq!(status, 401, "a code is taken once");

    // A recovery code logs in once, however it is typed.
    let typed = recovery[0].to_uppercase();
    let (status, _) = login(&app, "muba.admin", PASSWORD, Some(&typed)).await;
    assert_eq!(status, 200);
    let (status, _) = login(&app, "muba.admin", PASSWORD, Some(&recovery[0])).await;
    assert_eq!(status, 401, "a recovery code is used once");
    let (_, state) = app.get_json("/api/v1/me/second-factor", Some(&token)).await;
    assert_eq!(state, json!({"enrolled": true, "required": true, "recovery_left": 9}));

    // New recovery codes need a current code; the old ones stop working.
    let (status, e) = app
        .post_json("/api/v1/me/second-factor/recovery-codes", Some(&token), json!({"code": recovery[1]}))
        .await;
    assert_eq!((status, e["error"]["field"].as_str()), (422, Some("code")), "a recovery code does not renew");
    next_step(&app);
    let (status, renewed) = app
        .post_json(
            "/api/v1/me/second-factor/recovery-codes",
            Some(&token),
            json!({"code": code_now(&app, &secret)}),
        )
        .await;
    assert_eq!(status, 200, "{renewed}");
    let (status, _) = login(&app, "muba.admin", PASSWORD, Some(&recovery[1])).await;
    assert_eq!(status, 401, "the old codes are gone");
    let fresh = renewed["recovery_codes"][0].as_str().unwrap();
    let (status, _) = login(&app, "muba.admin", PASSWORD, Some(fresh)).await;
    assert_eq!(status, 200);

    // A lost phone: another admin of the office resets it (not one's own,
    // not another office's, not an operator); its sessions end and its
    // holder enrols again at the next login.
    let (_, v) = login(&app, "muba.admin2", PASSWORD, None).await;
    let token2 = v["token"].as_str().unwrap().to_string();
    let (secret2, _) = enrol(&app, &token2).await;
    let reset = |by: String, id: i64| {
        let app = &app;
        async move {
            app.post_json(&format!("/api/v1/users/{id}/second-factor-reset"), Some(&by), json!({})).await
        }
    };
    let admin2 = app.db.store.user_for_login("muba.admin2").await.unwrap().unwrap().0;
    let (status, e) = reset(token2.clone(), admin2.id).await;
    assert_eq!((status, e["error"]["field"].as_str()), (422, Some("second_factor")), "one's own: {e}");
    next_step(&app);
    let (_, v) = login(&app, "jepara.admin", PASSWORD, None).await;
    let jepara = v["token"].as_str().unwrap().to_string();
    let (jepara_secret, _) = enrol(&app, &jepara).await;
    assert_ne!(jepara_secret, secret2);
    let (status, _) = reset(jepara, admin.id).await;
    assert_eq!(status, 404, "another office's account is not found");
    let (status, after) = reset(token2.clone(), admin.id).await;
    assert_eq!((status, &after["second_factor"]), (200, &json!(false)), "{after}");
    let (status, _) = app.get_json("/api/v1/me", Some(&token)).await;
    assert_eq!(status, 401, "the holder's sessions ended");
    let (status, v) = login(&app, "muba.admin", PASSWORD, None).await;
    assert_eq!((status, &v["must_enrol_second_factor"]), (200, &json!(true)), "enrols again: {v}");

    // Every step is in the audit log, by whom.
    let audit = app.db.store.audit_entries(0, 1000).await.unwrap();
    let by = |action: &str| -> Vec<(String, String)> {
        audit.iter().filter(|a| a.action == action).map(|a| (a.actor.clone(), a.object.clone())).collect()
    };
    assert_eq!(by("user.second_factor").len(), 3, "three enrolments");
    assert_eq!(by("user.recovery_code_used").len(), 2);
    assert_eq!(by("user.recovery_codes"), [("muba.admin".to_string(), "muba.admin".to_string())]);
    assert_eq!(by("user.second_factor_reset"), [("muba.admin2".to_string(), "muba.admin".to_string())]);
    assert!(app.db.store.audit_verify().await.unwrap().ok);
}

#[tokio::test]
async fn the_login_form_asks_for_the_code_and_the_page_enrols() {
    let app = shipped(Some(store::testing::sqlite().await)).await.unwrap();
    app.add_user("muba.kepala", "kepala_dinas", "16.06", PASSWORD).await;
    let form = |username: &str, code: &str| {
        let (app, username, code) = (&app, username.to_string(), code.to_string());
        async move {
            let token = "a".repeat(32);
            let body =
                [("csrf", token.as_str()), ("username", &username), ("password", PASSWORD), ("code", &code)];
            app.http
                .post(app.url("/login"))
                .header("cookie", format!("form_csrf={token}"))
                .form(&body)
                .send()
                .await
                .unwrap()
        }
    };
    // First login: sent to the enrolment page.
    let res = form("muba.kepala", "").await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (303, "/akun/faktor"));
    let cookie = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let token = cookie.trim_start_matches("layanan_session=").to_string();
    let (status, v) = app.get_json("/api/v1/me", Some(&token)).await;
    assert_eq!(status, 200);
    let csrf =
        app.db.store.session(&app::accounts::token_hash(&token), app.app().now().timestamp_millis()).await;
    let csrf = csrf.unwrap().unwrap().0.csrf_token;
    let post = |fields: Vec<(&'static str, String)>| {
        let (app, cookie, csrf) = (&app, cookie.clone(), csrf.clone());
        async move {
            let mut body = vec![("csrf", csrf)];
            body.extend(fields);
            let res = app
                .http
                .post(app.url("/akun/faktor"))
                .header("cookie", cookie)
                .form(&body)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    // The page begins: a QR code (an SVG with its name) and the key to type.
    let (status, html) = post(vec![("action", "begin".into())]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<svg") && html.contains("aria-label=\"Kode QR untuk aplikasi autentikator\""));
    let key =
        html.split("<code id=\"secret\">").nth(1).unwrap().split("</code>").next().unwrap().replace(' ', "");
    // A mistyped code keeps the same key on the page, the field marked.
    let (status, html) = post(vec![("action", "confirm".into()), ("code", "000000".into())]).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("aria-invalid=\"true\"") && html.replace(' ', "").contains(&key),
        "same key shown again"
    );
    let (status, html) = post(vec![("action", "confirm".into()), ("code", code_now(&app, &key))]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Kode pemulihan") && html.matches("<li><code>").count() == 10, "{html}");
    assert!(html.contains("Verifikasi dua langkah aktif"));
    let _ = v;

    // Next login: the form without the code says what is missing and keeps
    // the name; with the code it lets in.
    let res = form("muba.kepala", "").await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("memakai verifikasi dua langkah") && html.contains("value=\"muba.kepala\""),
        "{html}"
    );
    next_step(&app);
    let res = form("muba.kepala", &code_now(&app, &key)).await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (303, "/"));
}
