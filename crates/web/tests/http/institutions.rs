//! Institutions as applicants: a bank registers with Palangka Raya, the
//! office verifies it by a case of its own, its account applies by letter
//! (no NIK), answers a return by uploading the missing letter itself, sees
//! only its own cases and downloads their documents; Bengkulu's service for
//! provincial OPDs refuses a person and a company with a 422.

use crate::common::{PASSWORD, TestApp, pdf};
use serde_json::{Value, json};

pub(crate) fn bank(username: &str) -> Value {
    json!({
        "office": "62.71", "name": "PT Bank Kalteng Sejahtera", "kind": "swasta",
        "legal_basis": "Akta pendirian No. 12/2001; izin OJK KEP-45/D.03/2019",
        "address": "Jl. RTA Milono No. 12, Palangka Raya",
        "officer_name": "Rina Marlina", "officer_position": "Kepala Divisi Kepatuhan",
        "email": "kepatuhan@bankkalteng.example", "phone": "0536 322 1000",
        "username": username, "password": "kata sandi bank yang panjang"
    })
}

impl TestApp {
    /// Registers `body`'s institution and has the office's verifikator
    /// verify it; returns the institution account's token.
    pub(crate) async fn verified_institution(&self, body: Value, verifikator: &str) -> String {
        let (s, reg) = self.post_json("/api/v1/institutions", None, &body).await;
        assert_eq!(s, 201, "{reg}");
        let case =
            self.db.store.case_by_tracking(reg["tracking_code"].as_str().unwrap()).await.unwrap().unwrap();
        let (s, c) = self.get_json(&format!("/api/v1/cases/{}", case.id), Some(verifikator)).await;
        assert_eq!((s, c["current_step"].as_str()), (200, Some("2")), "{c}");
        let advance =
            json!({"action": "advance", "expected_version": c["version"], "note": "dasar hukum sah"});
        let (s, done) =
            self.post_json(&format!("/api/v1/cases/{}/actions", case.id), Some(verifikator), &advance).await;
        assert_eq!((s, done["status"].as_str()), (200, Some("completed")), "{done}");
        self.token(body["username"].as_str().unwrap(), "kata sandi bank yang panjang").await.0
    }
}

#[tokio::test]
async fn a_bank_registers_is_verified_applies_by_letter_answers_a_return_and_downloads() {
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    app.add_user("pky.verif", "verifikator", "62.71", PASSWORD).await;
    app.add_user("pky.op", "operator", "62.71", PASSWORD).await;
    let (verif, _) = app.token("pky.verif", PASSWORD).await;
    let (op, _) = app.token("pky.op", PASSWORD).await;

    // Each bad field is named; a kind the office does not know is refused.
    for (field, value) in
        [("officer_name", json!(" ")), ("email", json!("bukan-email")), ("office", json!("16.06"))]
    {
        let mut body = bank("bank.kalteng");
        body[field] = value;
        let (s, e) = app.post_json("/api/v1/institutions", None, &body).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some(field)), "{e}");
    }
    let mut body = bank("bank.kalteng");
    body["kind"] = json!("bank");
    assert_eq!(app.post_json("/api/v1/institutions", None, &body).await.0, 422);

    // Registered: pending, with its verification case on the office's worklist.
    let (s, reg) = app.post_json("/api/v1/institutions", None, &bank("bank.kalteng")).await;
    assert_eq!((s, reg["institution"]["status"].as_str()), (201, Some("pending")), "{reg}");
    assert_eq!(
        app.post_json("/api/v1/institutions", None, &bank("bank.kalteng")).await.0,
        409,
        "a taken username"
    );
    let institution = reg["institution"]["id"].as_i64().unwrap();
    let (bank_token, _) = app.token("bank.kalteng", "kata sandi bank yang panjang").await;
    let letter = json!({"number": "500/77/BKS-KEP/XI/2026", "date": "2026-11-20"});
    let application = json!({"service": "62.71-pemanfaatan-data", "channel": "counter",
        "fields": {"elemen_data": "NIK, nama lengkap, tanggal lahir"}, "letter": letter});
    let (s, e) = app.post_json("/api/v1/applications", Some(&bank_token), &application).await;
    assert_eq!(s, 403, "an unverified institution applied: {e}");
    let (_, list) = app.get_json("/api/v1/institutions", Some(&verif)).await;
    assert_eq!(list[0]["name"], "PT Bank Kalteng Sejahtera");
    let (_, worklist) = app.get_json("/api/v1/worklist", Some(&verif)).await;
    assert!(worklist.to_string().contains(reg["tracking_code"].as_str().unwrap()), "{worklist}");

    // Verified by the office: the account applies by letter, with no NIK.
    let case = app.db.store.case_by_tracking(reg["tracking_code"].as_str().unwrap()).await.unwrap().unwrap();
    let (_, c) = app.get_json(&format!("/api/v1/cases/{}", case.id), Some(&verif)).await;
    let advance = json!({"action": "advance", "expected_version": c["version"]});
    assert_eq!(
        app.post_json(&format!("/api/v1/cases/{}/actions", case.id), Some(&verif), &advance).await.0,
        200
    );
    let (_, inst) = app.get_json(&format!("/api/v1/institutions/{institution}"), Some(&bank_token)).await;
    assert_eq!(inst["status"], "verified");
    let mut no_letter = application.clone();
    no_letter.as_object_mut().unwrap().remove("letter");
    let (s, e) = app.post_json("/api/v1/applications", Some(&bank_token), &no_letter).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("letter.number")), "{e}");
    let mut future = application.clone();
    future["letter"]["date"] = json!("2999-01-01");
    assert_eq!(
        app.post_json("/api/v1/applications", Some(&bank_token), &future).await.1["error"]["field"],
        "letter.date"
    );
    let (s, receipt) = app.post_json("/api/v1/applications", Some(&bank_token), &application).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt["id"].as_i64().unwrap();
    let stored = app.db.store.case(id).await.unwrap().unwrap();
    assert_eq!((stored.institution_id, stored.applicant.nik.clone()), (Some(institution), None));
    assert_eq!(stored.applicant.organisation.as_ref().unwrap().kind.as_deref(), Some("swasta"));
    let journal = app.db.store.journal(id).await.unwrap();
    assert!(journal[0].data.as_deref().unwrap().contains("500/77/BKS-KEP/XI/2026"), "{journal:?}");

    // The office returns it: the letter to the Walikota is missing. The bank
    // uploads it itself, at the version it read.
    let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&op)).await;
    let ret = json!({"action": "return", "expected_version": c["version"], "note": "Lampirkan surat permohonan yang ditandatangani"});
    let (s, e) = app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(&op), &ret).await;
    assert_eq!(s, 200, "{e}");
    let (s, mine) = app.get_json(&format!("/api/v1/my/cases/{id}"), Some(&bank_token)).await;
    assert_eq!((s, mine["case"]["status"].as_str()), (200, Some("returned")), "{mine}");
    assert!(mine["case"]["missing"].as_str().unwrap().contains("surat permohonan"));
    let resubmit = |version: i64| {
        let action = json!({"action": "resubmit", "expected_version": version}).to_string();
        let form = reqwest::multipart::Form::new()
            .text("action", action)
            .part("file.surat_permohonan", reqwest::multipart::Part::bytes(pdf()).file_name("surat.pdf"));
        app.http
            .post(app.url(&format!("/api/v1/my/cases/{id}/actions")))
            .bearer_auth(&bank_token)
            .multipart(form)
            .send()
    };
    let version = mine["case"]["version"].as_i64().unwrap();
    assert_eq!(resubmit(version - 1).await.unwrap().status(), 409, "a stale resubmission was taken");
    let res = resubmit(version).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "in_progress");
    assert_eq!(app.db.store.case_files(id).await.unwrap().len(), 1);

    // Its own list and documents; nobody else's.
    let (_, cases) = app.get_json("/api/v1/my/cases", Some(&bank_token)).await;
    let ids: Vec<_> = cases.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(
        ids,
        [id, case.id],
        "its application and its own verification (a refusal letter would be there)"
    );
    let (_, mine) = app.get_json(&format!("/api/v1/my/cases/{id}"), Some(&bank_token)).await;
    let code = mine["documents"][0]["code"].as_str().unwrap().to_string();
    let res = app
        .http
        .get(app.url(&format!("/api/v1/my/cases/{id}/documents/{code}")))
        .bearer_auth(&bank_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
    let other = app.verified_institution(bank("bank.lain"), &verif).await;
    assert_eq!(app.get_json(&format!("/api/v1/my/cases/{id}"), Some(&other)).await.0, 404);
    let path = format!("/api/v1/my/cases/{id}/documents/{code}");
    assert_eq!(app.http.get(app.url(&path)).bearer_auth(&other).send().await.unwrap().status(), 404);
    assert_eq!(app.get_json("/api/v1/my/cases", Some(&op)).await.0, 403);
    assert_eq!(app.get_json(&format!("/api/v1/institutions/{institution}"), Some(&other)).await.0, 404);
    assert_eq!(app.get_json(&format!("/api/v1/cases/{id}"), Some(&bank_token)).await.0, 403, "staff view");
}

#[tokio::test]
async fn bengkulu_takes_provincial_opds_only() {
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    app.add_user("bkl.op", "operator", "17", PASSWORD).await;
    app.add_user("bkl.verif", "verifikator", "17", PASSWORD).await;
    let (op, _) = app.token("bkl.op", PASSWORD).await;
    let (verif, _) = app.token("bkl.verif", PASSWORD).await;
    let apply = |applicant: Value| json!({"service": "17-pemanfaatan-data", "channel": "counter", "applicant": applicant, "fields": {}});
    let (_, std) = app.get_json("/api/v1/services/17-pemanfaatan-data", None).await;
    let mut body = apply(json!({"name": "Siti Aminah", "nik": "1771014708900001"}));
    for f in std["fields"].as_array().unwrap() {
        body["fields"][f["code"].as_str().unwrap()] = json!("contoh");
    }
    let (s, e) = app.post_json("/api/v1/applications", Some(&op), &body).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("applicant")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("OPD) Tingkat Provinsi Bengkulu"), "{e}");
    // An OPD's letter entered at the counter is taken.
    body["applicant"] = json!({"name": "Dinas Kesehatan Provinsi Bengkulu", "organisation": {"name": "Dinas Kesehatan Provinsi Bengkulu", "kind": "opd"}});
    assert_eq!(app.post_json("/api/v1/applications", Some(&op), &body).await.0, 201);
    // A company registered and verified in Bengkulu still may not apply.
    let mut company = bank("bank.bengkulu");
    company["office"] = json!("17");
    let company = app.verified_institution(company, &verif).await;
    body["letter"] = json!({"number": "01/BB/2026", "date": "2026-11-02"});
    body.as_object_mut().unwrap().remove("applicant");
    let (s, e) = app.post_json("/api/v1/applications", Some(&company), &body).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("applicant")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("`swasta`"), "{e}");
}

#[tokio::test]
async fn the_registration_page_registers_names_a_refused_field_and_the_home_page_shows_the_cases() {
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    let res = app.http.get(app.url("/lembaga/daftar")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let html = res.text().await.unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert!(
        html.contains("value=\"62.71\"") && !html.contains("value=\"16.06\""),
        "only offices that verify"
    );
    let form = |email: &str| {
        let mut f: Vec<(String, String)> = bank("bank.formulir")
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        f.retain(|(k, _)| k != "email");
        f.push(("email".into(), email.into()));
        f.push(("csrf".into(), csrf.clone()));
        f
    };
    let post = |f: Vec<(String, String)>| {
        app.http.post(app.url("/lembaga/daftar")).header("cookie", &cookie).form(&f).send()
    };
    let bad = post(form("bukan-email")).await.unwrap();
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("role=\"alert\"") && html.contains("value=\"PT Bank Kalteng Sejahtera\""),
        "{html}"
    );
    assert!(html.contains("id=\"email\" name=\"email\" type=\"email\" required maxlength=\"300\" value=\"bukan-email\" autocomplete=\"email\" aria-invalid=\"true\""), "{html}");
    let ok = post(form("kepatuhan@bankkalteng.example")).await.unwrap();
    assert_eq!(ok.status(), 201);
    let html = ok.text().await.unwrap();
    let code = html
        .split("id=\"registered\"")
        .nth(1)
        .and_then(|t| t.split("<strong>").nth(1))
        .and_then(|t| t.split('<').next())
        .unwrap();
    assert!(app.db.store.case_by_tracking(code).await.unwrap().is_some(), "{html}");

    // Its home page: the verification, pending; its own cases.
    let (token, _) = app.token("bank.formulir", "kata sandi bank yang panjang").await;
    let (s, home) = app.get_text("/lembaga", Some(&format!("layanan_session={token}"))).await;
    assert_eq!(s, 200);
    assert!(
        home.contains("PT Bank Kalteng Sejahtera")
            && home.contains("menunggu verifikasi")
            && home.contains(code),
        "{home}"
    );
    app.add_user("pky.op", "operator", "62.71", PASSWORD).await;
    let (op, _) = app.token("pky.op", PASSWORD).await;
    assert_eq!(app.get_text("/lembaga", Some(&format!("layanan_session={op}"))).await.0, 403);
}

/// An institution's reads of personal data, per semester: the institution
/// downloads its own log (JSON or CSV); its office's admin exports it;
/// another office and a role without the need are told it does not exist;
/// the semester is named as YYYY-1 or YYYY-2.
#[tokio::test]
async fn an_institution_and_its_office_read_its_access_log_per_semester() {
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    app.add_user("pky.verif", "verifikator", "62.71", PASSWORD).await;
    app.add_user("pky.admin", "admin", "62.71", PASSWORD).await;
    app.add_user("jpr.admin", "admin", "33.20", PASSWORD).await;
    let (verif, _) = app.token("pky.verif", PASSWORD).await;
    let bank_token = app.verified_institution(bank("bank.kalteng"), &verif).await;
    let institution =
        app.db.store.user_for_login("bank.kalteng").await.unwrap().unwrap().0.institution_id.unwrap();
    let today = app.app().today("62.71");
    let application = json!({"service": "62.71-pemanfaatan-data", "channel": "counter",
        "fields": {"elemen_data": "NIK"}, "letter": {"number": "500/1/BKS/2026", "date": today.to_string()}});
    let (s, receipt) = app.post_json("/api/v1/applications", Some(&bank_token), &application).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt["id"].as_i64().unwrap();
    let (_, mine) = app.get_json(&format!("/api/v1/my/cases/{id}"), Some(&bank_token)).await;
    let doc = mine["documents"][0]["code"].as_str().unwrap().to_string();
    let (s, _) = app
        .get_text(
            &format!("/api/v1/my/cases/{id}/documents/{doc}"),
            Some(&format!("layanan_session={bank_token}")),
        )
        .await;
    assert_eq!(s, 200);

    use chrono::Datelike;
    let semester = format!("{}-{}", today.year(), if today.month() <= 6 { 1 } else { 2 });
    let path = format!("/api/v1/institutions/{institution}/access-log?semester={semester}");
    let (s, log) = app.get_json(&path, Some(&bank_token)).await;
    assert_eq!(s, 200, "{log}");
    let reads: Vec<_> = log.as_array().unwrap().iter().filter(|e| e["who"] == "bank.kalteng").collect();
    assert!(!reads.is_empty(), "the download is in its log: {log}");
    let (s, csv) =
        app.get_text(&format!("{path}&format=csv"), Some(&format!("layanan_session={bank_token}"))).await;
    assert_eq!(s, 200);
    assert!(csv.starts_with("at,who,what,why\n") && csv.contains("bank.kalteng"), "{csv}");
    // The same table as a workbook (documents/tests/xlsx.rs reads one back
    // cell by cell): next year's, still empty, is exactly the empty table's.
    let xlsx = |path: String| {
        let app = &app;
        let token = bank_token.clone();
        async move {
            let res = app
                .http
                .get(app.url(&format!("{path}&format=xlsx")))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            assert_eq!(
                res.headers()["content-type"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            );
            res.bytes().await.unwrap()
        }
    };
    let next_semester = format!("{}-1", today.year() + 1);
    let empty = app::privacy::access_table(&format!("Log akses {next_semester}"), &[]);
    let next = format!("/api/v1/institutions/{institution}/access-log?semester={next_semester}");
    assert_eq!(xlsx(next).await, documents::xlsx::workbook(&[empty]));
    assert!(xlsx(path.clone()).await.len() > documents::xlsx::workbook(&[]).len(), "this semester has rows");
    assert_eq!(
        app.get_json(&format!("{path}&format=pdf"), Some(&bank_token)).await.1["error"]["field"],
        "format"
    );
    let (admin, _) = app.token("pky.admin", PASSWORD).await;
    assert_eq!(app.get_json(&path, Some(&admin)).await.0, 200, "the office exports it");
    let (other, _) = app.token("jpr.admin", PASSWORD).await;
    assert_eq!(app.get_json(&path, Some(&other)).await.0, 404, "another office");
    assert_eq!(app.get_json(&path, Some(&verif)).await.0, 404, "a role without the need");
    let next = format!("/api/v1/institutions/{institution}/access-log?semester={}-1", today.year() + 1);
    assert_eq!(app.get_json(&next, Some(&bank_token)).await.1, json!([]), "nothing yet next year");
    let (s, e) = app
        .get_json(
            &format!("/api/v1/institutions/{institution}/access-log?semester=2026-3"),
            Some(&bank_token),
        )
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("semester")), "{e}");
}
