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
    assert_eq!(app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&jepara)).await.0, 404);

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

/// Advances a case, each step by its own role's account (`token(role)`),
/// until its current step is `target`.
async fn walk_to(app: &TestApp, id: i64, target: &str, token: &impl Fn(&str) -> String) -> Value {
    for _ in 0..20 {
        let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&token("operator"))).await;
        if c["current_step"] == target {
            return c;
        }
        let body = json!({"action": "advance", "expected_version": c["version"]});
        let res = app
            .http
            .post(app.url(&format!("/api/v1/cases/{id}/actions")))
            .bearer_auth(token(c["current_actor"].as_str().unwrap()))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
    panic!("case {id} never reached step {target}");
}

/// The applicant's copy of the case's document of `kind`, read with pdftotext.
pub(crate) async fn applicant_letter(
    app: &TestApp,
    tracking: &str,
    nik: &str,
    docs: &Value,
    kind: &str,
) -> String {
    let doc = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}: {docs}"));
    let code = doc["code"].as_str().unwrap();
    let res = app
        .http
        .post(app.url(&format!("/api/v1/track/{tracking}/documents/{code}")))
        .json(&json!({ "nik": nik }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let path = app.files.0.join(format!("{kind}.pdf"));
    std::fs::write(&path, res.bytes().await.unwrap()).unwrap();
    let (_, v) = app.get_json(&format!("/api/v1/documents/{code}/verify"), None).await;
    assert_eq!(v["status"], "valid", "{v}");
    if !has("pdftotext") {
        return String::new();
    }
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn a_refusal_and_a_search_that_finds_nothing_are_signed_letters_the_applicant_downloads() {
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    let mut tokens = std::collections::HashMap::new();
    for (office, role) in [
        ("16.06", "operator"),
        ("16.06", "verifikator"),
        ("16.06", "validator"),
        ("16.06", "kepala_dinas"),
        ("33.20", "operator"),
        ("33.20", "verifikator"),
        ("33.20", "validator"),
    ] {
        let name = format!("{office}.{role}");
        app.add_user(&name, role, office, PASSWORD).await;
        tokens.insert((office, role.to_string()), app.token(&name, PASSWORD).await.0);
    }
    let token = |office: &'static str| {
        let tokens = tokens.clone();
        move |role: &str| tokens[&(office, role.to_string())].clone()
    };
    let apply = |office: &'static str, body: Value| {
        let op = token(office)("operator");
        let app = &app;
        async move {
            let res = app
                .http
                .post(app.url("/api/v1/applications"))
                .bearer_auth(op)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201);
            let r: Value = res.json().await.unwrap();
            (r["id"].as_i64().unwrap(), r["tracking_code"].as_str().unwrap().to_string())
        }
    };

    // Muba: the Kepala Dinas refuses at step 5 with a reason.
    let muba = json!({"service": "16.06-ktp-el", "channel": "counter", "applicant": {"name": "Siti Aminah", "nik": NIK}, "fields": {"jenis_permohonan": "rekam"}});
    let (id, tracking) = apply("16.06", muba).await;
    let c = walk_to(&app, id, "5", &token("16.06")).await;
    let reject = json!({"action": "reject", "expected_version": c["version"], "note": "Data kependudukan ganda; selesaikan di Bidang PIAK"});
    let res = app
        .http
        .post(app.url(&format!("/api/v1/cases/{id}/actions")))
        .bearer_auth(token("16.06")("kepala_dinas"))
        .json(&reject)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (_, docs) =
        app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&token("16.06")("operator"))).await;
    let kinds: Vec<_> = docs.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["tanda_terima", "surat_penolakan"]);
    let letter = applicant_letter(&app, &tracking, NIK, &docs, "surat_penolakan").await;
    if !letter.is_empty() {
        for needle in ["SURAT PENOLAKAN PERMOHONAN", "Data kependudukan ganda", &tracking, "Kepala Dinas"] {
            assert!(letter.contains(needle), "`{needle}` missing in:\n{letter}");
        }
    }

    // Jepara: the register search finds nothing; the Kabid signs a letter
    // saying so and the case ends there.
    const JEPARA_NIK: &str = "3320010101900003";
    let search = json!({"service": "33.20-register-akta-offline", "channel": "counter",
        "applicant": {"name": "Budi Santoso", "nik": JEPARA_NIK},
        "fields": {"nomor_akta": "3320-LT-01011990-0042", "keperluan": "revisi akta"}});
    let (id, tracking) = apply("33.20", search).await;
    let c = walk_to(&app, id, "5", &token("33.20")).await;
    let act = |role: &str, version: &Value, data: Value| {
        let body = json!({"action": "advance", "expected_version": version, "data": data, "note": "Register tahun 1990 telah diperiksa."});
        app.http
            .post(app.url(&format!("/api/v1/cases/{id}/actions")))
            .bearer_auth(token("33.20")(role))
            .json(&body)
            .send()
    };
    // The search step records its result; the Kabid signs what it calls for.
    let missing = act("operator", &c["version"], json!({})).await.unwrap();
    assert_eq!(missing.status(), 422, "the search's result is required");
    let res = act("operator", &c["version"], json!({"hasil_pencarian": "tidak_ditemukan"})).await.unwrap();
    assert_eq!(res.status(), 200);
    let at_six: Value = res.json().await.unwrap();
    assert_eq!(at_six["current_step"], "6", "{at_six}");
    let res = act("validator", &at_six["version"], json!({})).await.unwrap();
    assert_eq!(res.status(), 200);
    let done: Value = res.json().await.unwrap();
    assert_eq!((done["status"].as_str(), done["current_step"].clone()), (Some("completed"), Value::Null));
    let (_, docs) =
        app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&token("33.20")("operator"))).await;
    let kinds: Vec<_> = docs.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["tanda_terima", "surat_keterangan_tidak_ditemukan"],
        "no keabsahan letter when nothing was found"
    );
    let letter =
        applicant_letter(&app, &tracking, JEPARA_NIK, &docs, "surat_keterangan_tidak_ditemukan").await;
    if !letter.is_empty() {
        for needle in
            ["SURAT KETERANGAN TIDAK DITEMUKAN", "TIDAK DITEMUKAN", "3320-LT-01011990-0042", "Jepara"]
        {
            assert!(letter.contains(needle), "`{needle}` missing in:\n{letter}");
        }
    }
}

#[tokio::test]
async fn a_plt_kepala_dinas_takes_the_worklist_signs_as_plt_and_the_audit_names_both() {
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    for (name, role) in [
        ("muba.admin", "admin"),
        ("muba.op", "operator"),
        ("muba.verif", "verifikator"),
        ("muba.kabid", "validator"),
        ("siti.kadin", "kepala_dinas"),
        ("budi", "verifikator"),
    ] {
        app.add_user(name, role, "16.06", PASSWORD).await;
    }
    let (admin, _) = app.token("muba.admin", PASSWORD).await;
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let in_a_week = (chrono::Utc::now() + chrono::Duration::days(6)).format("%Y-%m-%d").to_string();
    let acting = json!({"username": "budi", "role": "kepala_dinas", "kind": "plt", "for_username": "siti.kadin",
                        "starts_on": today, "ends_on": in_a_week});
    for (field, value) in [
        ("role", json!("operator")),
        ("ends_on", json!("2020-01-01")),
        ("for_username", json!("muba.kabid")),
        ("username", json!("nobody")),
        ("kind", json!("wakil")),
    ] {
        let mut body = acting.clone();
        body[field] = value;
        let (s, e) = app.post_json("/api/v1/acting", Some(&admin), &body).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some(field)), "{e}");
    }
    let (budi_as_verif, _) = app.token("budi", PASSWORD).await;
    assert_eq!(app.post_json("/api/v1/acting", Some(&budi_as_verif), &acting).await.0, 403);
    let (s, recorded) = app.post_json("/api/v1/acting", Some(&admin), &acting).await;
    assert_eq!(s, 201, "{recorded}");

    // During the period Budi works as the Kepala Dinas.
    let (budi, _) = app.token("budi", PASSWORD).await;
    let (_, me) = app.get_json("/api/v1/me", Some(&budi)).await;
    assert_eq!(
        (me["role"].as_str(), me["acting_role"].as_str()),
        (Some("verifikator"), Some("kepala_dinas"))
    );
    assert_eq!(me["acting"]["kind"], "plt");
    let mut tokens = std::collections::HashMap::new();
    for (name, role) in [("muba.op", "operator"), ("muba.verif", "verifikator"), ("muba.kabid", "validator")]
    {
        tokens.insert(role.to_string(), app.token(name, PASSWORD).await.0);
    }
    tokens.insert("kepala_dinas".into(), budi.clone());
    let token = |role: &str| tokens[role].clone();
    let body = json!({"service": "16.06-ktp-el", "channel": "counter", "applicant": {"name": "Siti Aminah", "nik": NIK}, "fields": {"jenis_permohonan": "rekam"}});
    let (_, receipt) = app.post_json("/api/v1/applications", Some(&token("operator")), &body).await;
    let (id, tracking) =
        (receipt["id"].as_i64().unwrap(), receipt["tracking_code"].as_str().unwrap().to_string());
    let c = walk_to(&app, id, "5", &token).await;
    let (_, worklist) = app.get_json("/api/v1/worklist", Some(&budi)).await;
    assert!(worklist["items"].as_array().unwrap().iter().any(|i| i["id"] == id), "{worklist}");
    let reject = json!({"action": "reject", "expected_version": c["version"], "note": "Dokumen tidak sah"});
    let (s, e) = app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(&budi), &reject).await;
    assert_eq!(s, 200, "{e}");

    // The letter says Plt.; the audit row and the timeline name both.
    let (_, docs) = app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&token("operator"))).await;
    let letter = applicant_letter(&app, &tracking, NIK, &docs, "surat_penolakan").await;
    if !letter.is_empty() {
        assert!(letter.contains("Plt. Kepala Dinas"), "{letter}");
        assert!(letter.contains("budi"), "{letter}");
    }
    let rows = app.db.store.audit_entries(0, 10_000).await.unwrap();
    let row = rows.iter().find(|r| r.action == "case.reject").unwrap();
    assert_eq!(row.actor, "budi");
    assert!(row.detail.contains("Plt. kepala_dinas for siti.kadin"), "{}", row.detail);
    assert!(rows.iter().any(|r| r.action == "user.acting" && r.actor == "muba.admin" && r.object == "budi"));
    let (_, timeline) = app.get_json(&format!("/api/v1/cases/{id}/timeline"), Some(&token("operator"))).await;
    let last = timeline.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["actor"].as_str(), last["acting"].as_str()),
        (Some("budi"), Some("Plt. kepala_dinas for siti.kadin"))
    );

    // After the period Budi is a verifikator again.
    app.clock.advance(chrono::Duration::days(8));
    let (budi, _) = app.token("budi", PASSWORD).await;
    let (_, me) = app.get_json("/api/v1/me", Some(&budi)).await;
    assert_eq!((me["acting_role"].as_str(), me["acting"].clone()), (Some("verifikator"), Value::Null));
}

#[tokio::test]
async fn a_letter_is_entered_in_the_agenda_and_disposed_of_down_the_line_with_a_sheet_each() {
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    let people = [
        ("bkl.op", "operator", "Operator Loket"),
        ("bkl.umum", "verifikator", "Sri Subbag Umum"),
        ("bkl.kadin", "kepala_dinas", "Hasan Kadin"),
        ("bkl.kabid", "validator", "Yanti Kabid"),
        ("bkl.kasi", "verifikator", "Rudi Kasi"),
        ("bkl.staf", "operator", "Sepriadi Staf"),
    ];
    let mut t = std::collections::HashMap::new();
    for (name, role, display) in people {
        let u = store::NewUser {
            username: name.into(),
            display_name: display.into(),
            password_hash: app::accounts::hash_password(PASSWORD).unwrap(),
            role: role.parse().unwrap(),
            office: "17".into(),
            unit: None,
            nip: None,
        };
        app.db.store.create_user("test", &u).await.unwrap();
        t.insert(name, app.token(name, PASSWORD).await.0);
    }
    let body = json!({"service": "17-pemanfaatan-data", "channel": "counter",
        "applicant": {"name": "Dinas Kesehatan Provinsi Bengkulu", "organisation": {"name": "Dinas Kesehatan Provinsi Bengkulu", "kind": "opd"}},
        "fields": {"data_diminta": "NIK dan nama untuk verifikasi peserta JKN daerah"}});
    let (s, receipt) = app.post_json("/api/v1/applications", Some(&t["bkl.op"]), &body).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt["id"].as_i64().unwrap();
    let step = |who: &'static str, data: Value| {
        let app = &app;
        let token = t[who].clone();
        async move {
            let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&token)).await;
            let body = json!({"action": "advance", "expected_version": c["version"], "data": data});
            app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(&token), &body).await
        }
    };
    // The Subbag Umum enters it in the agenda.
    let entered = step("bkl.umum", json!({"tanggal_terima": "2026-11-30", "asal_surat": "Dinas Kesehatan Provinsi Bengkulu", "perihal": "Permohonan pemanfaatan data kependudukan"})).await;
    assert_eq!(entered.0, 200, "{}", entered.1);
    let (_, agenda) = app.get_json("/api/v1/agenda", Some(&t["bkl.kadin"])).await;
    let nomor = agenda[0]["number"].as_str().unwrap().to_string();
    assert!(nomor.starts_with("1/AGENDA/"), "{agenda}");
    assert_eq!(
        (agenda[0]["sender"].as_str(), agenda[0]["case_id"].as_i64()),
        (Some("Dinas Kesehatan Provinsi Bengkulu"), Some(id))
    );
    // Down the line: Kepala Dinas → Kabid → Kasi → staff; each to a person holding the next step's role.
    let wrong = step("bkl.kadin", json!({"kepada": "bkl.staf", "instruksi": "x"})).await;
    assert_eq!((wrong.0, wrong.1["error"]["field"].as_str()), (422, Some("data.kepada")), "{}", wrong.1);
    for (who, to, instruction) in [
        ("bkl.kadin", "bkl.kabid", "Proses sesuai ketentuan Permendagri 102/2019"),
        ("bkl.kabid", "bkl.kasi", "Siapkan surat izin akses ke Ditjen"),
        ("bkl.kasi", "bkl.staf", "Ketik konsep surat permohonan izin"),
    ] {
        let (s, c) = step(who, json!({"kepada": to, "instruksi": instruction})).await;
        assert_eq!(s, 200, "{c}");
        let case = app.db.store.case(id).await.unwrap().unwrap();
        assert_eq!(case.assignee.as_deref(), Some(to), "{who} disposed to {to}");
    }
    // The staff member finds it on the Seksi's worklist, not on the Subbag's.
    let unit = |u: &str| format!("/api/v1/worklist?unit={}", u.replace(' ', "%20"));
    let (_, seksi) = app.get_json(&unit("Seksi Kerjasama dan Inovasi Pelayanan"), Some(&t["bkl.staf"])).await;
    assert!(seksi["items"].as_array().unwrap().iter().any(|i| i["id"] == id), "{seksi}");
    let (_, umum) = app.get_json(&unit("Subbag Umum"), Some(&t["bkl.staf"])).await;
    assert!(umum["items"].as_array().unwrap().is_empty(), "{umum}");
    let (s, e) = app.get_json(&unit("Bidang Tidak Ada"), Some(&t["bkl.staf"])).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("unit")));

    // A kartu agenda and one lembar disposisi per disposition, read back.
    let (_, docs) = app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&t["bkl.op"])).await;
    let kinds: Vec<_> = docs.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["tanda_terima", "kartu_agenda", "lembar_disposisi", "lembar_disposisi", "lembar_disposisi"]
    );
    if !has("pdftotext") {
        return;
    }
    let sheets: Vec<_> =
        docs.as_array().unwrap().iter().filter(|d| d["kind"] == "lembar_disposisi").collect();
    let mut texts = Vec::new();
    for (i, d) in sheets.iter().enumerate() {
        let url = app.url(&format!("/api/v1/documents/{}/pdf", d["code"].as_str().unwrap()));
        let pdf = app.http.get(url).bearer_auth(&t["bkl.op"]).send().await.unwrap().bytes().await.unwrap();
        let path = app.files.0.join(format!("disposisi-{i}.pdf"));
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
        texts.push(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    for (text, (to, instruction, signer)) in texts.iter().zip([
        ("Yanti Kabid", "Proses sesuai ketentuan", "Hasan Kadin"),
        ("Rudi Kasi", "Siapkan surat izin akses", "Yanti Kabid"),
    ]) {
        for needle in
            ["LEMBAR DISPOSISI", &nomor, "Dinas Kesehatan Provinsi Bengkulu", to, instruction, signer]
        {
            assert!(text.contains(needle), "`{needle}` missing in:\n{text}");
        }
    }
}
