//! The citizen's pages without JavaScript: apply with uploads and consent,
//! get a receipt, track, resubmit with the NIK.

use crate::common::{PASSWORD, TestApp, pdf};
use reqwest::multipart::{Form, Part};

const NIK: &str = "3320010101900003";

/// The form token and its cookie from a page.
async fn form_token(app: &TestApp, path: &str) -> (String, String) {
    let res = app.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let cookie = res
        .headers()
        .get("set-cookie")
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_string())
        .unwrap();
    let html = res.text().await.unwrap();
    let token = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    (token, cookie)
}

fn application(token: &str, consent: bool) -> Form {
    let mut f = Form::new()
        .text("csrf", token.to_string())
        .text("applicant.name", "Budi Santoso")
        .text("applicant.nik", NIK)
        .text("fields.nomor_akta", "3320-LT-01012020-0001")
        .text("fields.keperluan", "Surat keterangan keabsahan");
    for code in ["akta", "ktp_el", "kk"] {
        f = f.part(format!("file.{code}"), Part::bytes(pdf()).file_name(format!("{code}.pdf")));
    }
    if consent {
        f = f.text("consent", "1");
    }
    f
}

#[tokio::test]
async fn apply_online_then_track_and_resubmit() {
    let app = TestApp::sqlite().await;
    let path = "/services/33.20-register-akta-online/apply";
    let (token, cookie) = form_token(&app, path).await;
    let form = app.http.get(app.url(path)).send().await.unwrap().text().await.unwrap();
    assert!(
        form.contains("name=\"file.akta\"")
            && form.contains("name=\"fields.nomor_akta\"")
            && form.contains("name=\"consent\"")
    );
    assert!(form.contains("<label for=\"nik\">"), "inputs have labels");

    // No consent: the form comes back with the reason, nothing is stored.
    let res = app
        .http
        .post(app.url(path))
        .header("cookie", &cookie)
        .multipart(application(&token, false))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("role=\"alert\""));
    // A forged post without the cookie is refused.
    let res = app.http.post(app.url(path)).multipart(application(&token, true)).send().await.unwrap();
    assert_eq!(res.status(), 403);

    let res = app
        .http
        .post(app.url(path))
        .header("cookie", &cookie)
        .multipart(application(&token, true))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/track/") && to.ends_with("?baru=1"), "{to}");
    let code = to.trim_start_matches("/track/").trim_end_matches("?baru=1").to_string();
    let (status, receipt) = app.get_text(&to, None).await;
    assert_eq!(status, 200);
    assert!(receipt.contains(&code) && receipt.contains("Permohonan Anda telah diterima"));
    assert!(receipt.contains("B*** S******") && !receipt.contains(NIK) && !receipt.contains("Budi"));

    // Staff return it; the citizen sees what is missing and resubmits.
    app.add_user("jepara.op", "operator", "33.20", PASSWORD).await;
    let (op, _) = app.token("jepara.op", PASSWORD).await;
    let case = app.db.store.case_by_tracking(&code).await.unwrap().unwrap();
    let body =
        serde_json::json!({"action": "return", "expected_version": 1, "note": "Fotokopi akta tidak terbaca"});
    let r = app
        .http
        .post(app.url(&format!("/api/v1/cases/{}/actions", case.id)))
        .bearer_auth(&op)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, page) = app.get_text(&format!("/track/{code}"), None).await;
    assert!(page.contains("Fotokopi akta tidak terbaca") && page.contains("name=\"nik\""));

    let (token, cookie) = form_token(&app, &format!("/track/{code}")).await;
    let resubmit = |nik: &str| {
        Form::new()
            .text("csrf", token.clone())
            .text("action", "resubmit")
            .text("expected_version", "2")
            .text("nik", nik.to_string())
            .part("file.akta", Part::bytes(pdf()).file_name("akta-baru.pdf"))
    };
    let wrong = app
        .http
        .post(app.url(&format!("/track/{code}")))
        .header("cookie", &cookie)
        .multipart(resubmit("3320010101900004"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);
    let ok = app
        .http
        .post(app.url(&format!("/track/{code}")))
        .header("cookie", &cookie)
        .multipart(resubmit(NIK))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    let case = app.db.store.case(case.id).await.unwrap().unwrap();
    assert_eq!(case.status, domain::Status::InProgress);
    let files = app.db.store.case_files(case.id).await.unwrap();
    assert_eq!(files.len(), 4, "the new file is added to the case");
    assert_eq!(files[3].filename, "akta-baru.pdf");
}

#[tokio::test]
async fn counter_only_services_have_no_online_form_and_unknown_codes_say_so() {
    let app = TestApp::sqlite().await;
    assert_eq!(app.get_text("/services/16.06-ktp-el/apply", None).await.0, 404);
    let (_, page) = app.get_text("/services/16.06-ktp-el", None).await;
    assert!(!page.contains("/apply"));
    let (_, page) = app.get_text("/services/73-aktivasi-ikd", None).await;
    assert!(page.contains("/services/73-aktivasi-ikd/apply"));
    let (status, page) = app.get_text("/track/ZZZZZZZZZZ", None).await;
    assert_eq!(status, 404);
    assert!(page.contains("Tidak ada permohonan dengan kode ini"));
    let res = app.http.get(app.url("/track?code=abc")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/track/ABC");
    // What no tracking code holds (a control character, a line break, a
    // path) is answered on the page, never put into a redirect.
    for bad in ["%01ABC", "AB%0D%0ASet-Cookie:x=1", "..%2Fadmin", &"A".repeat(40)] {
        let res = app.http.get(app.url(&format!("/track?code={bad}"))).send().await.unwrap();
        assert_eq!(res.status(), 422, "{bad}");
        assert!(
            res.headers().get("location").is_none()
                && res.headers().get("set-cookie").is_none_or(|c| !c.to_str().unwrap().starts_with("x="))
        );
        assert!(res.text().await.unwrap().contains("Tidak ada permohonan dengan kode ini"), "{bad}");
    }
}
