//! The NIK batch over HTTP: a million generated rows with planted errors
//! of each kind, streamed through `POST /api/v1/nik/batch`; every planted
//! error is found on its own row, none is invented, and the answer keeps
//! the input's order, one line per row.

use crate::common::{PASSWORD, TestApp};

const ROWS: usize = 1_000_000;

/// Row `i` (from 1): a Jepara NIK born on a day and month from `i`, and
/// every 997th row one planted error, by turn of kind.
fn row(i: usize) -> (String, Option<&'static str>) {
    let (day, month, year) = (1 + i % 28, 1 + i % 12, 50 + i % 50);
    let female = i.is_multiple_of(2);
    let nik = format!("332001{:02}{month:02}{year:02}{:04}", day + if female { 40 } else { 0 }, 1 + i % 9999);
    let sex = if female { "P" } else { "L" };
    let date = format!("19{year:02}-{month:02}-{day:02}");
    let kk = format!("332001{:06}{:04}", i % 1_000_000, 1 + i % 9999);
    let planted = i.is_multiple_of(997).then(|| {
        ["nik_length", "nik_birth_month", "sex_mismatch", "birth_date_mismatch", "kk_structure"]
            [(i / 997) % 5]
    });
    let line = match planted {
        Some("nik_length") => format!("{},Warga {i},{date},{sex},{kk}", &nik[..15]),
        Some("nik_birth_month") => format!("{}13{},Warga {i},{date},{sex},{kk}", &nik[..8], &nik[10..]),
        Some("sex_mismatch") => format!("{nik},Warga {i},{date},{},{kk}", if female { "L" } else { "P" }),
        Some("birth_date_mismatch") => {
            format!("{nik},Warga {i},19{year:02}-{month:02}-{:02},{sex},{kk}", 1 + day % 28)
        }
        Some(_) => format!("{nik},Warga {i},{date},{sex},{}", &kk[..10]),
        None => format!("{nik},Warga {i},{date},{sex},{kk}"),
    };
    (line, planted)
}

#[tokio::test]
async fn a_million_rows_with_planted_errors_come_back_in_order_each_error_found_none_invented() {
    let app = TestApp::sqlite().await;
    app.add_user("jpr.verif", "verifikator", "33.20", PASSWORD).await;
    app.add_user("jpr.kadin", "kepala_dinas", "33.20", PASSWORD).await;
    let (verif, _) = app.token("jpr.verif", PASSWORD).await;
    let mut input = String::from("nik,nama,tanggal_lahir,jenis_kelamin,kk\n");
    let mut planted = Vec::with_capacity(ROWS);
    for i in 1..=ROWS {
        let (line, p) = row(i);
        input.push_str(&line);
        input.push('\n');
        planted.push(p);
    }
    let post = |token: String, body: String| {
        app.http
            .post(app.url("/api/v1/nik/batch"))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    // A role that does not handle personal data is refused.
    let (kadin, _) = app.token("jpr.kadin", PASSWORD).await;
    assert_eq!(post(kadin, "nik\n3320015708900001\n".into()).await.unwrap().status(), 403);

    let res = post(verif, input).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let body = res.text().await.unwrap();
    let mut lines = body.lines();
    assert_eq!(lines.next(), Some(domain::nik_batch::OUTPUT_HEADER));
    let mut found = 0;
    for (i, line) in lines.enumerate() {
        let cells: Vec<_> = line.splitn(5, ',').collect();
        assert_eq!(cells[0], (i + 1).to_string(), "rows in input order");
        match planted[i] {
            Some(code) => {
                assert_eq!((cells[2], cells[3]), ("false", code), "row {}: {line}", i + 1);
                found += 1;
            }
            None => assert_eq!((cells[2], cells[3]), ("true", ""), "row {}: invented: {line}", i + 1),
        }
    }
    assert_eq!(found, planted.iter().flatten().count());
    assert_eq!(body.lines().count(), ROWS + 1, "one line per row");
}

/// Run during Sulawesi Selatan's verification session (`?case=`), the
/// results become a file of that case, byte for byte what was answered,
/// with the summary in its journal; another office's case and a closed one
/// are refused before anything is read.
#[tokio::test]
async fn a_batch_for_a_verification_session_is_filed_on_its_case() {
    let app = TestApp::sqlite().await;
    app.add_user("ssl.op", "operator", "73", PASSWORD).await;
    app.add_user("ssl.kadin", "kepala_dinas", "73", PASSWORD).await;
    app.add_user("jpr.verif", "verifikator", "33.20", PASSWORD).await;
    let (op, _) = app.token("ssl.op", PASSWORD).await;
    let application = serde_json::json!({"service": "73-verval-data", "channel": "counter",
        "applicant": {"name": "Dinas Sosial", "nik": "7371011203950002"},
        "fields": {"data_diverifikasi": "Data penerima bantuan", "maksud_tujuan": "Pemadanan"}});
    let (s, receipt) = app.post_json("/api/v1/applications", Some(&op), &application).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt["id"].as_i64().unwrap();
    let input: String = std::iter::once("nik,nama".to_string())
        .chain((1..=300).map(|i| row(i).0.split(',').take(2).collect::<Vec<_>>().join(",")))
        .chain(["123,Salah".to_string()])
        .map(|l| l + "\n")
        .collect();
    let post = |token: &str, case: i64| {
        app.http
            .post(app.url(&format!("/api/v1/nik/batch?case={case}")))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(input.clone())
            .send()
    };
    let (other, _) = app.token("jpr.verif", PASSWORD).await;
    assert_eq!(post(&other, id).await.unwrap().status(), 404, "another office's case");
    let res = post(&op, id).await.unwrap();
    assert_eq!(res.status(), 200);
    let answer = res.bytes().await.unwrap();
    let files = app.db.store.case_files(id).await.unwrap();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!((files[0].requirement.as_str(), files[0].size), ("hasil_cek_nik", answer.len() as i64));
    assert_eq!(app.app().files.get(&files[0].sha256).unwrap(), answer, "the file is the answer");
    let journal = app.db.store.journal(id).await.unwrap();
    let last = journal.last().unwrap();
    assert_eq!(last.action, "nik_batch");
    assert!(last.note.as_deref().unwrap().starts_with("301 rows, 1 invalid; nik_length 1"), "{last:?}");
    // The staff page offers the file for download.
    let cookie = crate::agreements::cookie(&app, "ssl.op").await;
    let page = app.get_text(&format!("/staff/cases/{id}"), Some(&cookie)).await.1;
    assert!(page.contains(&format!("/staff/cases/{id}/files/{}", files[0].id)), "{page}");

    // Once the Kepala Dinas has refused it, no batch is filed on the case.
    let (kadin, _) = app.token("ssl.kadin", PASSWORD).await;
    for (token, action) in [(&op, "advance"), (&kadin, "reject")] {
        let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&op)).await;
        let body = serde_json::json!({"action": action, "expected_version": c["version"], "note": "Tidak disetujui"});
        let (s, r) = app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(token), &body).await;
        assert_eq!(s, 200, "{action}: {r}");
    }
    let res = post(&op, id).await.unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(app.db.store.case_files(id).await.unwrap().len(), 1);
}
