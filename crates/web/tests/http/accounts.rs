//! Staff accounts: the list (admin and auditor of the office, reads
//! logged), and opening, turning off and back on accounts (the office's
//! admin only), over the API and the `/admin/users` page.

use crate::common::{PASSWORD, TestApp};
use serde_json::{Value, json};

#[tokio::test]
async fn staff_lists_stay_inside_the_office_and_reads_are_logged() {
    let app = TestApp::sqlite().await;
    app.add_user("sulsel.auditor", "auditor", "73", PASSWORD).await;
    app.add_user("sulsel.op", "operator", "73", PASSWORD).await;
    app.add_user("pky.op", "operator", "62.71", PASSWORD).await;
    let (auditor, _) = app.token("sulsel.auditor", PASSWORD).await;
    let (op, _) = app.token("sulsel.op", PASSWORD).await;

    let (status, list) = app.get_json("/api/v1/users", Some(&auditor)).await;
    assert_eq!(status, 200);
    let names: Vec<_> = list.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["sulsel.auditor", "sulsel.op"]);
    assert!(list[0].get("password_hash").is_none());
    assert_eq!(app.get_json("/api/v1/users?office=62.71", Some(&auditor)).await.0, 403);
    assert_eq!(app.get_json("/api/v1/users", Some(&op)).await.0, 403);
    assert_eq!(app.get_json("/api/v1/users", None).await.0, 401);

    let other = app.db.store.users(Some("62.71")).await.unwrap()[0].id;
    assert_eq!(app.get_json(&format!("/api/v1/users/{other}"), Some(&auditor)).await.0, 404);
    let own = app.db.store.users(Some("73")).await.unwrap()[1].id;
    assert_eq!(app.get_json(&format!("/api/v1/users/{own}"), Some(&auditor)).await.0, 200);
    let rows = app.db.store.audit_entries(0, 10_000).await.unwrap();
    let access: Vec<_> = rows.iter().filter(|r| r.kind == "access").collect();
    assert_eq!(access.len(), 1, "{access:?}");
    assert_eq!(
        (access[0].actor.as_str(), access[0].object.clone()),
        ("sulsel.auditor", format!("user:{own}"))
    );
    assert!(rows.iter().any(|r| r.action == "session.create"));
    assert!(app.db.store.audit_verify().await.unwrap().ok);
}

impl TestApp {
    async fn send_json(&self, method: reqwest::Method, path: &str, token: &str, body: Value) -> (u16, Value) {
        let res =
            self.http.request(method, self.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn an_admin_opens_and_turns_off_accounts_of_their_office_only() {
    use reqwest::Method;
    let app = TestApp::sqlite().await;
    app.add_user("muba.admin", "admin", "16.06", PASSWORD).await;
    app.add_user("jepara.admin", "admin", "33.20", PASSWORD).await;
    app.add_user("muba.verif", "verifikator", "16.06", PASSWORD).await;
    let (admin, _) = app.token("muba.admin", PASSWORD).await;
    let (jepara, _) = app.token("jepara.admin", PASSWORD).await;
    let (verif, _) = app.token("muba.verif", PASSWORD).await;
    let open = |token: String, body: Value| {
        let app = &app;
        async move { app.send_json(Method::POST, "/api/v1/users", &token, body).await }
    };
    let new = json!({"username": "muba.op2", "display_name": "Operator Dua", "role": "operator",
                     "nip": "19650805 199203 0 017", "password": "kata sandi yang panjang"});

    // Each bad field is named.
    for (field, value) in
        [("username", json!("bad name!")), ("password", json!("short")), ("nip", json!("123"))]
    {
        let mut body = new.clone();
        body[field] = value;
        let (s, e) = open(admin.clone(), body).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some(field)), "{e}");
    }
    let mut bad_role = new.clone();
    bad_role["role"] = json!("kabid");
    assert_eq!(open(admin.clone(), bad_role).await.0, 422);
    // Only an admin opens accounts.
    assert_eq!(open(verif.clone(), new.clone()).await.0, 403);

    let (s, created) = open(admin.clone(), new.clone()).await;
    assert_eq!(
        (s, created["office"].as_str(), created["role"].as_str()),
        (201, Some("16.06"), Some("operator")),
        "{created}"
    );
    assert_eq!(open(admin.clone(), new.clone()).await.0, 409, "a taken username");
    // Jepara's admin opened theirs in Jepara: the office is the caller's.
    let mut other = new.clone();
    other["username"] = json!("jepara.op2");
    assert_eq!(open(jepara.clone(), other).await.1["office"], "33.20");

    let id = created["id"].as_i64().unwrap();
    let (op2, _) = app.token("muba.op2", "kata sandi yang panjang").await;
    let path = format!("/api/v1/users/{id}/active");
    // Another office's admin cannot see it; nobody turns off themselves.
    assert_eq!(app.send_json(Method::PUT, &path, &jepara, json!({"active": false})).await.0, 404);
    assert_eq!(app.send_json(Method::PUT, &path, &verif, json!({"active": false})).await.0, 404);
    let me = app.db.store.user_for_login("muba.admin").await.unwrap().unwrap().0.id;
    let (s, e) = app
        .send_json(Method::PUT, &format!("/api/v1/users/{me}/active"), &admin, json!({"active": false}))
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("active")));

    // Off: its live session ends, it cannot log in; on again: it can.
    let (s, off) = app.send_json(Method::PUT, &path, &admin, json!({"active": false})).await;
    assert_eq!((s, off["active"].as_bool()), (200, Some(false)));
    assert_eq!(app.get_json("/api/v1/worklist", Some(&op2)).await.0, 401);
    assert_eq!(app.login("muba.op2", "kata sandi yang panjang").await.status(), 401);
    assert_eq!(app.send_json(Method::PUT, &path, &admin, json!({"active": true})).await.0, 200);
    assert_eq!(app.login("muba.op2", "kata sandi yang panjang").await.status(), 200);
    let rows = app.db.store.audit_entries(0, 10_000).await.unwrap();
    let by_admin: Vec<_> = rows
        .iter()
        .filter(|r| r.actor == "muba.admin" && r.object == "muba.op2")
        .map(|r| r.action.as_str())
        .collect();
    assert_eq!(by_admin, ["user.create", "user.deactivate", "user.activate"]);
}

#[tokio::test]
async fn the_accounts_page_creates_and_turns_off_with_its_csrf_token() {
    let app = TestApp::sqlite().await;
    app.add_user("sulsel.admin", "admin", "73", PASSWORD).await;
    app.add_user("sulsel.auditor", "auditor", "73", PASSWORD).await;
    app.add_user("sulsel.op", "operator", "73", PASSWORD).await;
    let (token, csrf) = app.token("sulsel.admin", PASSWORD).await;
    let cookie = format!("layanan_session={token}");
    let (status, page) = app.get_text("/admin/users", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(page.contains("sulsel.op") && page.contains("id=\"new-username\""), "{page}");
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        app.http.post(app.url(&path)).header("cookie", &cookie).form(&fields).send()
    };
    let fields = |csrf: &str, username: &str, password: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("username", username.to_string()),
            ("display_name", "Petugas PPID".to_string()),
            ("role", "ppid".to_string()),
            ("nip", String::new()),
            ("password", password.to_string()),
        ]
    };
    let forged =
        post("/admin/users".into(), fields("x", "sulsel.ppid", "kata sandi yang panjang")).await.unwrap();
    assert_eq!(forged.status(), 403);
    // A refusal shows the page again, the field marked, the typing kept.
    let short = post("/admin/users".into(), fields(&csrf, "sulsel.ppid", "pendek")).await.unwrap();
    assert_eq!(short.status(), 422);
    let html = short.text().await.unwrap();
    assert!(html.contains("role=\"alert\"") && html.contains("value=\"sulsel.ppid\""), "{html}");
    assert!(html.contains("id=\"new-password\" name=\"password\" type=\"password\" required minlength=\"12\" autocomplete=\"new-password\" aria-invalid=\"true\""));
    let ok =
        post("/admin/users".into(), fields(&csrf, "sulsel.ppid", "kata sandi yang panjang")).await.unwrap();
    assert_eq!(
        (ok.status().as_u16(), ok.headers()["location"].to_str().unwrap()),
        (303, "/admin/users?done=created")
    );
    let ppid = app.db.store.user_for_login("sulsel.ppid").await.unwrap().unwrap().0;
    assert_eq!((ppid.role.as_str(), ppid.display_name.as_str(), ppid.nip), ("ppid", "Petugas PPID", None));

    let toggle = post(
        format!("/admin/users/{}/active", ppid.id),
        vec![("csrf", csrf.clone()), ("active", "0".into())],
    )
    .await
    .unwrap();
    assert_eq!(toggle.status(), 303);
    let (_, page) = app.get_text("/admin/users", Some(&cookie)).await;
    assert!(page.contains("nonaktif"), "{page}");
    assert!(!app.db.store.user(ppid.id).await.unwrap().unwrap().active);

    // The auditor reads the list without forms; an operator not at all.
    let (auditor, _) = app.token("sulsel.auditor", PASSWORD).await;
    let (s, page) = app.get_text("/admin/users", Some(&format!("layanan_session={auditor}"))).await;
    assert_eq!(s, 200);
    assert!(page.contains("sulsel.ppid") && !page.contains("new-username"));
    let (op, _) = app.token("sulsel.op", PASSWORD).await;
    assert_eq!(app.get_text("/admin/users", Some(&format!("layanan_session={op}"))).await.0, 403);
}

#[tokio::test]
async fn an_admin_resets_changes_moves_and_unlocks_and_a_temporary_password_must_be_changed() {
    use reqwest::Method;
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    app.add_user("muba.admin", "admin", "16.06", PASSWORD).await;
    app.add_user("jepara.admin", "admin", "33.20", PASSWORD).await;
    app.add_user("muba.verif", "verifikator", "16.06", PASSWORD).await;
    let (admin, _) = app.token("muba.admin", PASSWORD).await;
    let (jepara, _) = app.token("jepara.admin", PASSWORD).await;
    let (old_session, _) = app.token("muba.verif", PASSWORD).await;
    let id = app.db.store.user_for_login("muba.verif").await.unwrap().unwrap().0.id;
    let me = app.db.store.user_for_login("muba.admin").await.unwrap().unwrap().0.id;
    let reset = format!("/api/v1/users/{id}/password-reset");

    // Reset: another office's admin does not find the account; the holder's
    // sessions end; the temporary password opens only the password change.
    assert_eq!(app.send_json(Method::POST, &reset, &jepara, json!({})).await.0, 404);
    let (s, own) =
        app.send_json(Method::POST, &format!("/api/v1/users/{me}/password-reset"), &admin, json!({})).await;
    assert_eq!((s, own["error"]["field"].as_str()), (422, Some("id")));
    let (s, r) = app.send_json(Method::POST, &reset, &admin, json!({})).await;
    assert_eq!(s, 200, "{r}");
    let temporary = r["temporary_password"].as_str().unwrap().to_string();
    assert_eq!(app.get_json("/api/v1/worklist", Some(&old_session)).await.0, 401);
    assert_eq!(app.login("muba.verif", PASSWORD).await.status(), 401, "the old password still works");
    let res = app.login("muba.verif", &temporary).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["must_change_password"], true);
    let temp_token = body["token"].as_str().unwrap().to_string();
    let (s, e) = app.get_json("/api/v1/worklist", Some(&temp_token)).await;
    assert_eq!((s, e["error"]["code"].as_str()), (403, Some("password_change_required")));
    // Nor does it act as staff where a login is optional: a counter
    // application needs an operator, and this one is nobody yet.
    let counter = json!({"service": "16.06-ktp-el", "channel": "counter",
        "applicant": {"name": "Siti Aminah", "nik": "1606015708900001"}, "fields": {"jenis_permohonan": "rekam"}});
    let res = app
        .http
        .post(app.url("/api/v1/applications"))
        .bearer_auth(&temp_token)
        .json(&counter)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "a temporary password applied as the counter operator");
    let page = app
        .http
        .get(app.url("/staff"))
        .header("cookie", format!("layanan_session={temp_token}"))
        .send()
        .await
        .unwrap();
    assert_eq!((page.status().as_u16(), page.headers()["location"].to_str().unwrap()), (303, "/akun/sandi"));
    let change = |current: &str, password: &str| {
        app.send_json(
            Method::PUT,
            "/api/v1/me/password",
            &temp_token,
            json!({"current": current, "password": password}),
        )
    };
    assert_eq!(
        change("salah sekali kata sandi", "kata sandi milik sendiri").await.1["error"]["field"],
        "current"
    );
    assert_eq!(change(&temporary, "pendek").await.1["error"]["field"], "password");
    assert_eq!(change(&temporary, &temporary).await.1["error"]["field"], "password");
    let (s, changed) = change(&temporary, "kata sandi milik sendiri").await;
    assert_eq!((s, changed["must_change_password"].as_bool()), (200, Some(false)), "{changed}");
    assert_eq!(
        app.get_json("/api/v1/worklist", Some(&temp_token)).await.0,
        401,
        "the session outlived the change"
    );
    let (verif, _) = app.token("muba.verif", "kata sandi milik sendiri").await;
    assert_eq!(app.get_json("/api/v1/worklist", Some(&verif)).await.0, 200);

    // Role and unit; an admin keeps their own role.
    let path = format!("/api/v1/users/{id}");
    let (s, u) = app
        .send_json(
            Method::PUT,
            &path,
            &admin,
            json!({"role": "validator", "unit": "Bidang Pelayanan Pendaftaran Penduduk"}),
        )
        .await;
    assert_eq!(
        (s, u["role"].as_str(), u["unit"].as_str()),
        (200, Some("validator"), Some("Bidang Pelayanan Pendaftaran Penduduk"))
    );
    let (s, e) = app.send_json(Method::PUT, &path, &admin, json!({"unit": "Bidang Khayalan"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("unit")), "a unit the office does not have");
    assert_eq!(app.get_json("/api/v1/worklist", Some(&verif)).await.0, 401, "a role change kept the session");
    assert_eq!(app.send_json(Method::PUT, &path, &jepara, json!({"role": "admin"})).await.0, 404);
    let (s, e) =
        app.send_json(Method::PUT, &format!("/api/v1/users/{me}"), &admin, json!({"role": "operator"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("role")));
    assert_eq!(app.send_json(Method::PUT, &path, &admin, json!({})).await.0, 422);

    // Lockout after failed logins; the admin unlocks.
    for _ in 0..5 {
        assert_eq!(app.login("muba.verif", "bukan kata sandinya").await.status(), 401);
    }
    assert_eq!(app.login("muba.verif", "kata sandi milik sendiri").await.status(), 401, "not locked");
    let (s, u) = app.send_json(Method::POST, &format!("{path}/unlock"), &admin, json!({})).await;
    assert_eq!((s, u["locked_until"].clone()), (200, Value::Null));
    assert_eq!(app.login("muba.verif", "kata sandi milik sendiri").await.status(), 200);

    // Mutasi: to an office that exists; then the old office no longer sees it.
    let (s, e) = app.send_json(Method::PUT, &path, &admin, json!({"office": "99.99"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("office")));
    let (s, u) = app.send_json(Method::PUT, &path, &admin, json!({"office": "62.71"})).await;
    assert_eq!((s, u["office"].as_str()), (200, Some("62.71")));
    assert_eq!(app.get_json(&path, Some(&admin)).await.0, 404);

    let rows = app.db.store.audit_entries(0, 10_000).await.unwrap();
    let on_verif: Vec<_> = rows
        .iter()
        .filter(|r| r.object == "muba.verif")
        .map(|r| (r.actor.as_str(), r.action.as_str()))
        .collect();
    assert_eq!(
        on_verif,
        [
            ("test", "user.create"),
            ("muba.admin", "user.password_reset"),
            ("muba.verif", "user.password_change"),
            ("muba.admin", "user.role"),
            ("muba.admin", "user.unit"),
            ("muba.admin", "user.unlock"),
            ("muba.admin", "user.move"),
        ]
    );
}

#[tokio::test]
async fn the_accounts_page_resets_a_password_once_and_names_a_refused_field() {
    let app = TestApp::sqlite().await;
    app.add_user("sulsel.admin", "admin", "73", PASSWORD).await;
    app.add_user("sulsel.op", "operator", "73", PASSWORD).await;
    let (token, csrf) = app.token("sulsel.admin", PASSWORD).await;
    let cookie = format!("layanan_session={token}");
    let op = app.db.store.user_for_login("sulsel.op").await.unwrap().unwrap().0.id;
    let post = |fields: Vec<(&'static str, &str)>| {
        app.http
            .post(app.url(&format!("/admin/users/{op}/change")))
            .header("cookie", &cookie)
            .form(&fields)
            .send()
    };
    let (_, page) = app.get_text("/admin/users", Some(&cookie)).await;
    assert!(page.contains(&format!("action=\"/admin/users/{op}/change\"")), "{page}");

    let res = post(vec![("csrf", &csrf), ("change", "reset")]).await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let shown = html.split("<code class=\"big\">").nth(1).and_then(|t| t.split('<').next()).unwrap();
    assert_eq!(shown.len(), 20, "{html}");
    assert_eq!(app.login("sulsel.op", shown).await.status(), 200, "the shown password does not log in");
    let (_, again) = app.get_text("/admin/users", Some(&cookie)).await;
    assert!(!again.contains(shown), "the temporary password was shown twice");

    let res = post(vec![("csrf", &csrf), ("change", "role"), ("role", "ppid"), ("unit", "Sekretariat")])
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let u = app.db.store.user(op).await.unwrap().unwrap();
    assert_eq!((u.role.as_str(), u.unit.as_deref()), ("ppid", Some("Sekretariat")));
    let res = post(vec![("csrf", &csrf), ("change", "move"), ("office", "73")]).await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("role=\"alert\""));
    assert_eq!(post(vec![("csrf", "x"), ("change", "reset")]).await.unwrap().status(), 403);

    // The holder, sent to the password page, chooses their own there.
    let (temp, temp_csrf) = app.token("sulsel.op", shown).await;
    let holder = format!("layanan_session={temp}");
    let (s, form) = app.get_text("/akun/sandi", Some(&holder)).await;
    assert!(s == 200 && form.contains("id=\"current\""), "{form}");
    let res = app
        .http
        .post(app.url("/akun/sandi"))
        .header("cookie", &holder)
        .form(&[("csrf", temp_csrf.as_str()), ("current", shown), ("password", "kata sandi pilihan sendiri")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/login?done=password");
    assert_eq!(app.login("sulsel.op", "kata sandi pilihan sendiri").await.status(), 200);
}
