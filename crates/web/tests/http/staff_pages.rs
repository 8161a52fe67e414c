//! The back office in HTML: counter intake, receipt, worklist, the case
//! page's actions, concurrent edits, supervisor view, outbox.

use crate::common::{PASSWORD, TestApp};
use reqwest::multipart::Form;

const NIK: &str = "1606015708900001";

async fn session(app: &TestApp, name: &str, role: &str, office: &str) -> (String, String) {
    app.add_user(name, role, office, PASSWORD).await;
    let (token, csrf) = app.token(name, PASSWORD).await;
    (format!("layanan_session={token}"), csrf)
}

#[tokio::test]
async fn an_operator_registers_a_walk_in_and_the_case_moves_through_the_office() {
    let app = TestApp::sqlite().await;
    let (op, op_csrf) = session(&app, "muba.op", "operator", "16.06").await;
    let (verif, verif_csrf) = session(&app, "muba.verif", "verifikator", "16.06").await;
    let (jepara, _) = session(&app, "jepara.verif", "verifikator", "33.20").await;

    let (status, list) = app.get_text("/staff/intake", Some(&op)).await;
    assert_eq!(status, 200);
    assert!(list.contains("/staff/intake/16.06-ktp-el"));
    let (status, form) = app.get_text("/staff/intake/16.06-ktp-el", Some(&op)).await;
    assert_eq!(status, 200);
    assert!(form.contains("name=\"channel\"") && form.contains("value=\"counter\""));
    assert_eq!(app.get_text("/staff/intake/16.06-ktp-el", Some(&verif)).await.0, 403);

    let walk_in = |csrf: &str| {
        Form::new()
            .text("csrf", csrf.to_string())
            .text("channel", "counter")
            .text("applicant.name", "Siti Aminah")
            .text("applicant.nik", NIK)
            .text("applicant.phone", "081234567890")
            .text("fields.jenis_permohonan", "cetak ulang")
            .text("consent", "1")
    };
    let forged = app
        .http
        .post(app.url("/staff/intake/16.06-ktp-el"))
        .header("cookie", &op)
        .multipart(walk_in("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let res = app
        .http
        .post(app.url("/staff/intake/16.06-ktp-el"))
        .header("cookie", &op)
        .multipart(walk_in(&op_csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let receipt_url = res.headers()["location"].to_str().unwrap().to_string();
    let id: i64 =
        receipt_url.trim_start_matches("/staff/cases/").trim_end_matches("/receipt").parse().unwrap();
    let code = app.db.store.case(id).await.unwrap().unwrap().tracking_code;
    let (_, receipt) = app.get_text(&receipt_url, Some(&op)).await;
    assert!(receipt.contains(&code) && receipt.contains("S*** A*****") && !receipt.contains(NIK));

    // The operator's worklist has it, with an SLA badge; the verifikator's does not yet.
    let (_, wl) = app.get_text("/staff", Some(&op)).await;
    assert!(wl.contains(&code) && wl.contains("class=\"badge"));
    let (_, wl) = app.get_text("/staff", Some(&verif)).await;
    assert!(!wl.contains(&code) && wl.contains("Tidak ada permohonan yang menunggu"));
    let (_, filtered) = app.get_text("/staff?status=completed", Some(&op)).await;
    assert!(!filtered.contains(&code));

    // Case page: applicant data for the office's staff, only the allowed actions.
    let (status, page) = app.get_text(&format!("/staff/cases/{id}"), Some(&op)).await;
    assert_eq!(status, 200);
    assert!(page.contains(NIK) && page.contains("Siti Aminah"));
    assert!(page.contains("value=\"advance\"") && page.contains("value=\"return\""));
    assert!(!page.contains("value=\"reject\""), "step 2 may not reject");
    assert!(!page.contains("value=\"resubmit\""));
    assert_eq!(app.get_text(&format!("/staff/cases/{id}"), Some(&jepara)).await.0, 404);
    let (_, verif_page) = app.get_text(&format!("/staff/cases/{id}"), Some(&verif)).await;
    assert!(!verif_page.contains("value=\"advance\""), "not the verifikator's step");

    // The operator completes step 2 through the form.
    let advance =
        [("csrf", op_csrf.as_str()), ("action", "advance"), ("expected_version", "1"), ("note", "")];
    let res = app
        .http
        .post(app.url(&format!("/staff/cases/{id}/action")))
        .header("cookie", &op)
        .form(&advance)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    // A second submit of the same (now stale) form: a clear message, nothing changes.
    let res = app
        .http
        .post(app.url(&format!("/staff/cases/{id}/action")))
        .header("cookie", &op)
        .form(&advance)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("baru saja diubah oleh orang lain"));
    assert_eq!(app.db.store.case(id).await.unwrap().unwrap().version, 2);
    // The verifikator now sees and returns it without a reason: refused with the reason named.
    let ret = [("csrf", verif_csrf.as_str()), ("action", "return"), ("expected_version", "2"), ("note", " ")];
    let res = app
        .http
        .post(app.url(&format!("/staff/cases/{id}/action")))
        .header("cookie", &verif)
        .form(&ret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);

    // Supervisor view and outbox.
    let (kadin, _) = session(&app, "muba.kadin", "kepala_dinas", "16.06").await;
    let (status, sup) = app.get_text("/staff/supervisor", Some(&kadin)).await;
    assert_eq!(status, 200);
    assert!(sup.contains("Kartu Tanda Penduduk Elektronik"), "services by title: {sup}");
    assert_eq!(app.get_text("/staff/supervisor", Some(&op)).await.0, 403);
    let (_, outbox) = app.get_text("/staff/outbox", Some(&op)).await;
    assert!(outbox.contains("Permohonan diterima") && outbox.contains("whatsapp"));
    assert!(!outbox.contains("081234567890"), "contacts are masked on screen");
    // Without a login, a browser is sent to the login form.
    let res = app.http.get(app.url("/staff")).send().await.unwrap();
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (303, "/login"));
    // A refusal on a page is a page, not JSON.
    let res = app.http.get(app.url("/staff/supervisor")).header("cookie", &op).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
}
