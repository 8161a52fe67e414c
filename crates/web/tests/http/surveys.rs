//! The SKM survey and the IKM end to end on both backends: the survey is
//! offered when an application completes (in the completion message and on
//! the tracking page) and taken once per case; the open form and paper
//! questionnaires entered by staff add to it; the published IKM equals the
//! hand-computed value with its band and the Krejcie–Morgan sample; the
//! staff's SKM workbook and the public IKM page show the same.

use crate::common::{PASSWORD, TestApp, on_both_backends};
use serde_json::{Value, json};

const NIK: &str = "1606015708900001";

/// The responses of `domain::ikm`'s worked example: IKM 25 × 109 / 36 = 75.69.
const ROWS: [[u8; 9]; 4] = [
    [4, 3, 2, 4, 3, 3, 4, 2, 3],
    [3, 3, 3, 4, 3, 3, 3, 2, 3],
    [3, 3, 2, 4, 3, 3, 4, 3, 2],
    [3, 3, 3, 4, 3, 3, 3, 2, 3],
];

fn response(case: Option<&str>, row: [u8; 9]) -> Value {
    let answers: serde_json::Map<String, Value> =
        row.iter().enumerate().map(|(i, a)| (format!("U{}", i + 1), json!(a))).collect();
    json!({"service": "16.06-ktp-el", "case": case, "answers": answers,
        "respondent": {"sex": "p", "age_band": "31-40", "education": "sma", "occupation": "wirausaha"},
        "comment": "Antrean cepat."})
}

on_both_backends!(skm_and_ikm_sqlite, skm_and_ikm_postgres, skm_and_ikm);

async fn skm_and_ikm(app: TestApp) {
    let mut tokens = Vec::new();
    for role in ["operator", "verifikator", "validator", "kepala_dinas"] {
        app.add_user(&format!("muba.{role}"), role, "16.06", PASSWORD).await;
        tokens.push(app.token(&format!("muba.{role}"), PASSWORD).await.0);
    }
    app.add_user("jp.op", "operator", "33.20", PASSWORD).await;
    let elsewhere = app.token("jp.op", PASSWORD).await.0;
    let [op, verif, valid, kadin] = [0, 1, 2, 3].map(|i| tokens[i].clone());
    let body = json!({"service": "16.06-ktp-el", "channel": "counter",
        "applicant": {"name": "Siti Aminah", "nik": NIK, "phone": "0812 5555 6666"},
        "fields": {"jenis_permohonan": "rekam"}});
    let (s, r) = app.post_json("/api/v1/applications", Some(&op), body).await;
    assert_eq!(s, 201, "{r}");
    let (id, code) = (r["id"].as_i64().unwrap(), r["tracking_code"].as_str().unwrap().to_string());

    // Not before the application is completed.
    let (s, e) = app.post_json("/api/v1/surveys", None, response(Some(&code), ROWS[0])).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("case")), "{e}");
    for (token, version) in [(&op, 1), (&verif, 2), (&valid, 3), (&kadin, 4), (&op, 5), (&op, 6)] {
        assert_eq!(app.act(token, id, "advance", version, json!({})).await.0, 200);
    }
    // The completion message and the tracking page offer the survey.
    let notes = app.db.store.case_notifications(id).await.unwrap();
    let done = notes.iter().find(|n| n.subject == "Permohonan selesai").expect("the completion message");
    assert!(done.body.contains(&format!("/survei?kasus={code}")), "{}", done.body);
    let (_, page) = app.get_text(&format!("/track/{code}"), None).await;
    assert!(page.contains(&format!("/survei?kasus={code}")), "{page}");
    let (_, form) = app.get_text(&format!("/survei?kasus={code}"), None).await;
    assert!(form.contains("Kartu Tanda Penduduk") || form.contains("KTP"), "the service is named: {form}");
    assert!(form.contains("kesesuaian persyaratan pelayanan") && form.contains("Sangat sesuai"), "{form}");

    // Bad input names its field.
    for (patch, field) in [
        (json!({"answers": {"U1": 4}}), "answers.U2"),
        (json!({"service": "16.06-nothing"}), "service"),
        (
            json!({"respondent": {"sex": "x", "age_band": "31-40", "education": "sma", "occupation": "pns"}}),
            "respondent.sex",
        ),
        (json!({"comment": "x".repeat(2001)}), "comment"),
    ] {
        let mut b = response(None, ROWS[1]);
        b.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
        let (s, e) = app.post_json("/api/v1/surveys", None, b).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some(field)), "{e}");
    }
    let mut five = response(None, ROWS[1]);
    five["answers"]["U8"] = json!(5);
    let (s, e) = app.post_json("/api/v1/surveys", None, five).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("answers.U8")));

    // One response per case.
    let (s, r) = app.post_json("/api/v1/surveys", None, response(Some(&code.to_lowercase()), ROWS[0])).await;
    assert_eq!(s, 201, "{r}");
    let (s, e) = app.post_json("/api/v1/surveys", None, response(Some(&code), ROWS[0])).await;
    assert_eq!(s, 409, "{e}");
    let (_, page) = app.get_text(&format!("/track/{code}"), None).await;
    assert!(!page.contains("/survei?kasus="), "offered only once");
    // The open form, and a paper questionnaire entered by the office's staff.
    for row in [ROWS[1], ROWS[2]] {
        assert_eq!(app.post_json("/api/v1/surveys", None, response(None, row)).await.0, 201);
    }
    assert_eq!(app.post_json("/api/v1/surveys", Some(&elsewhere), response(None, ROWS[3])).await.0, 403);
    assert_eq!(app.post_json("/api/v1/surveys", Some(&op), response(None, ROWS[3])).await.0, 201);

    // The published IKM: 75.69, C, Kurang Baik; a sample of 4 for 1 case.
    let (s, ikm) = app.get_json("/api/v1/reports/ikm?office=16.06", None).await;
    assert_eq!(s, 200, "{ikm}");
    assert_eq!(
        (ikm["ikm"].as_f64(), ikm["mutu"].as_str(), ikm["kinerja"].as_str()),
        (Some(75.69), Some("C"), Some("Kurang Baik"))
    );
    assert_eq!(
        (ikm["respondents"].as_u64(), ikm["required_sample"].as_u64(), ikm["adequate"].as_bool()),
        (Some(4), Some(1), Some(true))
    );
    assert_eq!(
        (ikm["nrr"]["U1"].as_f64(), ikm["nrr"]["U8"].as_f64(), ikm["lowest"].as_str()),
        (Some(3.25), Some(2.25), Some("U8"))
    );
    let ktp = ikm["services"].as_array().unwrap().iter().find(|s| s["service"] == "16.06-ktp-el").unwrap();
    assert_eq!(ktp["ikm"].as_f64(), Some(75.69));
    let (_, one) = app
        .get_json("/api/v1/reports/ikm?office=16.06&service=16.06-ktp-el&from=2000-01&to=2100-12", None)
        .await;
    assert_eq!(one["respondents"], 4, "{one}");
    let (_, none) =
        app.get_json("/api/v1/reports/ikm?office=16.06&from=2100-01-01&to=2100-12-31", None).await;
    assert_eq!(
        (none["ikm"].clone(), none["respondents"].as_u64(), none["adequate"].as_bool()),
        (Value::Null, Some(0), Some(false))
    );
    for (q, field) in [
        ("office=99.99", "office"),
        ("office=16.06&service=33.20-legalisir", "service"),
        ("office=16.06&from=2026-13", "from"),
    ] {
        let (s, e) = app.get_json(&format!("/api/v1/reports/ikm?{q}"), None).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some(field)), "{q}: {e}");
    }

    // The public page and the staff's workbook show the same.
    let (s, page) = app.get_text("/ikm/16.06", None).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("75.69") && page.contains("Kurang Baik") && page.contains("U8 Penanganan Pengaduan"),
        "{page}"
    );
    assert_eq!(app.get_text("/ikm/99.99", None).await.0, 404);
    assert_eq!(app.get_json("/api/v1/reports/skm?office=16.06", None).await.0, 401);
    assert_eq!(app.get_json("/api/v1/reports/skm?office=16.06", Some(&elsewhere)).await.0, 403);
    let res =
        app.http.get(app.url("/api/v1/reports/skm?office=16.06")).bearer_auth(&op).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let xlsx = res.bytes().await.unwrap();
    let ikm_rows = crate::common::xlsx_rows(&xlsx, 1);
    let all = ikm_rows.last().unwrap();
    assert!(all.contains(&"75.69".to_string()) && all.contains(&"Kurang Baik".to_string()), "{all:?}");
    let profile = crate::common::xlsx_rows(&xlsx, 2);
    assert!(profile.iter().any(|r| r[1] == "Perempuan" && r[2] == "4"), "{profile:?}");
    // The follow-up plan takes the unsur under mutu B (NRR < 3.0644),
    // lowest first: U8 (2.25), U3 (2.50), U9 (2.75), then U2, U5, U6 (3.00).
    let plan = crate::common::xlsx_rows(&xlsx, 3);
    let unsur: Vec<&str> = plan.iter().skip(1).map(|r| r[0].split(' ').next().unwrap()).collect();
    assert_eq!(unsur, ["U8", "U3", "U9", "U2", "U5", "U6"], "{plan:?}");
    assert_eq!(crate::common::xlsx_rows(&xlsx, 4)[1][0], "Antrean cepat.");

    // The same report as a PDF in the regulation's structure.
    let res = app
        .http
        .get(app.url("/api/v1/reports/skm?office=16.06&format=pdf"))
        .bearer_auth(&kadin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    if let Some(text) = crate::common::pdf_text(&res.bytes().await.unwrap()) {
        for needle in [
            "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT",
            "Profil responden",
            "Nilai IKM 75.69 dengan mutu pelayanan C",
            "Rencana tindak lanjut",
            "U8 Penanganan Pengaduan",
            "Antrean cepat.",
        ] {
            assert!(text.contains(needle), "`{needle}` in the SKM PDF: {text}");
        }
    }

    // IKM per unit: Muba's one unit holds KTP-el; an unknown unit is named.
    let unit = "Bidang%20Pelayanan%20Pendaftaran%20Penduduk";
    let (s, by_unit) = app.get_json(&format!("/api/v1/reports/ikm?office=16.06&unit={unit}"), None).await;
    assert_eq!((s, by_unit["respondents"].as_u64(), by_unit["ikm"].as_f64()), (200, Some(4), Some(75.69)));
    assert_eq!(by_unit["unit"], "Bidang Pelayanan Pendaftaran Penduduk", "{by_unit}");
    let (s, e) = app.get_json("/api/v1/reports/ikm?office=16.06&unit=Bidang%20Lain", None).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("unit")), "{e}");
}
