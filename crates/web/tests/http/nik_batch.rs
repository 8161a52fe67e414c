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
