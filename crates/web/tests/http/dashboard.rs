//! The dashboard and staff performance on both backends: a generated
//! history of Muba KTP-el cases at different paces gives SLA attainment,
//! median and p90 completion times and per-step attainment equal to an
//! independent computation from the cases and journals on the office
//! calendar; the page draws its charts with a table under each; the
//! evaluation workbook carries the same numbers; the staffing model runs
//! on the observed step times.

use crate::common::{PASSWORD, TestApp, on_both_backends};
use domain::TimeZone;
use serde_json::{Value, json};

/// The smallest value with at least `q` of the sorted values at or below it.
fn nearest_rank(sorted: &[i64], q: f64) -> i64 {
    sorted[((q * sorted.len() as f64).ceil() as usize).max(1) - 1]
}

on_both_backends!(dashboard_figures_sqlite, dashboard_figures_postgres, dashboard_figures);

async fn dashboard_figures(app: TestApp) {
    let cal = app.calendar(TimeZone::Wib).await;
    // Start an hour into the next working day, so steps take working time.
    let open = cal.next_open(app.app().now() + chrono::Duration::hours(16)) + chrono::Duration::hours(1);
    app.clock.advance(open - app.app().now());
    let roles = ["operator", "verifikator", "validator", "kepala_dinas"];
    let mut t = std::collections::HashMap::new();
    for role in roles {
        app.add_user(&format!("muba.{role}"), role, "16.06", PASSWORD).await;
        t.insert(role, app.token(&format!("muba.{role}"), PASSWORD).await.0);
    }
    // Six cases, case k taking k + 1 minutes per step (5 minutes each and
    // 30 in all are the standard's), and one left open.
    let mut codes = Vec::new();
    for k in 0..7 {
        let body = json!({"service": "16.06-ktp-el", "channel": "counter",
            "applicant": {"name": format!("Warga {k}"), "nik": "1606015708900001"},
            "fields": {"jenis_permohonan": "rekam"}});
        let (s, r) = app.post_json("/api/v1/applications", Some(&t["operator"]), body).await;
        assert_eq!(s, 201, "{r}");
        let id = r["id"].as_i64().unwrap();
        codes.push(r["tracking_code"].as_str().unwrap().to_string());
        if k == 6 {
            break;
        }
        for (i, role) in ["operator", "verifikator", "validator", "kepala_dinas", "operator", "operator"]
            .iter()
            .enumerate()
        {
            app.clock.advance(chrono::Duration::minutes(k + 1));
            let (s, r) = app.act(&t[role], id, "advance", i as i64 + 1, json!({})).await;
            assert_eq!(s, 200, "{role}: {r}");
        }
    }

    // The independent computation: from the stored cases and journals.
    let mut durations = Vec::new();
    let (mut timed, mut on_time) = (0, 0);
    let (mut step3, mut step3_on_time) = (0, 0);
    for code in &codes {
        let c = app.db.store.case_by_tracking(code).await.unwrap().unwrap();
        let Some(finished) = c.finished_at else { continue };
        let started = c.service_started_at.unwrap();
        let at = app::cases::clock::at;
        durations.push(cal.working_minutes_between(at(started), at(finished)));
        timed += 1;
        on_time += i32::from(finished <= c.due_at.unwrap());
        let journal = app.db.store.journal(c.id).await.unwrap();
        let entered = journal.iter().find(|j| j.to_step.as_deref() == Some("3")).unwrap().at;
        let left = journal.iter().find(|j| j.from_step.as_deref() == Some("3")).unwrap().at;
        step3 += 1;
        step3_on_time += i32::from(at(left) <= cal.add_working_minutes(at(entered), 5));
    }
    durations.sort_unstable();
    let percent = |a: i32, b: i32| (1000.0 * f64::from(a) / f64::from(b)).round() / 10.0;

    let period = "from=2000-01-01&to=2100-12-31";
    let (s, d) = app.get_json(&format!("/api/v1/dashboard?{period}"), Some(&t["kepala_dinas"])).await;
    assert_eq!(s, 200, "{d}");
    let ktp = d["services"].as_array().unwrap().iter().find(|s| s["service"] == "16.06-ktp-el").unwrap();
    assert_eq!(
        (ktp["received"].as_u64(), ktp["completed"].as_u64(), ktp["open"].as_u64()),
        (Some(7), Some(6), Some(1))
    );
    assert_eq!(ktp["timed"], timed, "{ktp}");
    assert_eq!(ktp["attainment"].as_f64(), Some(percent(on_time, timed)), "{ktp}");
    assert!(on_time > 0 && on_time < timed, "the history has cases on time and late: {on_time}/{timed}");
    assert_eq!(ktp["median_minutes"].as_i64(), Some(nearest_rank(&durations, 0.5)), "{durations:?}");
    assert_eq!(ktp["p90_minutes"].as_i64(), Some(nearest_rank(&durations, 0.9)), "{durations:?}");
    let step = d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "16.06-ktp-el" && s["step"] == "3")
        .unwrap();
    assert_eq!(
        (step["done"].as_i64(), step["attainment"].as_f64()),
        (Some(step3.into()), Some(percent(step3_on_time, step3))),
        "{step}"
    );
    assert_eq!(step["staff"], 1, "one verifikator account");
    let model = &step["model"];
    assert!(model["load"].as_f64().unwrap() > 0.0 && model["fewest_staff"].as_u64().is_some(), "{model}");
    assert_eq!(d["statuses"]["completed"], 6, "{d}");

    // Filtered to one service, or one unit; an unknown one is named.
    let (_, one) = app
        .get_json(&format!("/api/v1/dashboard?{period}&service=16.06-ktp-el"), Some(&t["kepala_dinas"]))
        .await;
    assert_eq!(one["services"].as_array().unwrap().len(), 1, "{one}");
    assert_eq!(one["services"][0]["median_minutes"], ktp["median_minutes"]);
    let unit = "Bidang%20Pelayanan%20Pendaftaran%20Penduduk";
    let (_, by_unit) =
        app.get_json(&format!("/api/v1/dashboard?{period}&unit={unit}"), Some(&t["kepala_dinas"])).await;
    assert!(
        by_unit["services"].as_array().unwrap().iter().any(|s| s["service"] == "16.06-ktp-el"),
        "{by_unit}"
    );
    assert!(
        by_unit["services"].as_array().unwrap().iter().all(|s| s["service"] != "16.06-pengaduan"),
        "{by_unit}"
    );
    for (q, field) in [("service=16.06-nothing", "service"), ("unit=Bidang%20Lain", "unit")] {
        let (s, e) = app.get_json(&format!("/api/v1/dashboard?{period}&{q}"), Some(&t["kepala_dinas"])).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some(field)), "{e}");
    }

    // The page: its charts drawn on the server, each with its table.
    let (s, page) = app
        .get_text(&format!("/dasbor?{period}"), Some(&format!("layanan_session={}", t["kepala_dinas"])))
        .await;
    assert_eq!(s, 200);
    assert_eq!(page.matches("<svg").count(), 2, "attainment and statuses (no IKM yet): {page}");
    assert!(
        page.contains("id=\"chart-attainment\"") && page.contains(&format!("{} %", ktp["attainment"])),
        "{page}"
    );

    // Each table as CSV: the steps with the staffing model.
    let url = app.url(&format!("/api/v1/dashboard?{period}&format=csv&table=steps"));
    let csv = app.http.get(url).bearer_auth(&t["kepala_dinas"]).send().await.unwrap().text().await.unwrap();
    assert!(csv.starts_with("Layanan,Langkah,Pelaksana,Selesai"), "{csv}");
    assert!(csv.contains("16.06-ktp-el,\"3. ") && csv.contains(",verifikator,6,"), "{csv}");
    let (s, e) = app
        .get_json(&format!("/api/v1/dashboard?{period}&format=csv&table=x"), Some(&t["kepala_dinas"]))
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("table")));

    // One survey response: the IKM per service and its trend, month by
    // month up to this month (25 × 35 / 9 = 97.22).
    let answers: serde_json::Map<String, Value> =
        (1..=9).map(|i| (format!("U{i}"), json!(if i == 1 { 3 } else { 4 }))).collect();
    let response = json!({"service": "16.06-ktp-el", "answers": answers,
        "respondent": {"sex": "l", "age_band": "21-30", "education": "s1", "occupation": "pns"}});
    assert_eq!(app.post_json("/api/v1/surveys", None, response).await.0, 201);
    let (_, d) = app.get_json(&format!("/api/v1/dashboard?{period}"), Some(&t["kepala_dinas"])).await;
    let trend = d["ikm_trend"].as_array().unwrap();
    assert_eq!(trend.len(), 12, "{d}");
    let month = app.app().today("16.06").format("%Y-%m").to_string();
    let last = trend.last().unwrap();
    assert_eq!(
        (last["month"].as_str(), last["ikm"].as_f64(), last["respondents"].as_u64()),
        (Some(month.as_str()), Some(97.22), Some(1))
    );
    assert!(trend[..11].iter().all(|m| m["ikm"].is_null()), "{d}");
    assert!(
        d["stock"].as_array().unwrap().is_empty() && d["agreements"].as_object().unwrap().is_empty(),
        "Muba keeps neither"
    );
    let (_, page) = app
        .get_text(&format!("/dasbor?{period}"), Some(&format!("layanan_session={}", t["kepala_dinas"])))
        .await;
    assert!(page.contains("id=\"chart-ikm-trend\"") && page.contains("<td>97.22</td>"), "{page}");
    assert!(!page.contains("Stok blanko KTP-el"), "no stock section without stock");

    // Staff performance: the verifikator handled step 3 six times.
    let (s, o) = app.get_json(&format!("/api/v1/reports/officers?{period}"), Some(&t["kepala_dinas"])).await;
    assert_eq!(s, 200, "{o}");
    let verif =
        o["officers"].as_array().unwrap().iter().find(|o| o["username"] == "muba.verifikator").unwrap();
    assert_eq!(
        (verif["done"].as_i64(), verif["on_time"].as_i64()),
        (Some(6), Some(step3_on_time.into())),
        "{verif}"
    );
    assert_eq!(
        app.get_json(&format!("/api/v1/reports/officers?{period}"), Some(&t["operator"])).await.0,
        403
    );

    // The evaluation workbook, read back with calamine, and its PDF show
    // the dashboard's numbers.
    let report = |format: &'static str| {
        let url = app.url(&format!("/api/v1/reports/evaluation?{period}&format={format}"));
        let req = app.http.get(url).bearer_auth(&t["kepala_dinas"]);
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 200, "{format}");
            res.bytes().await.unwrap()
        }
    };
    let xlsx = report("xlsx").await;
    let services = crate::common::xlsx_rows(&xlsx, 1);
    assert_eq!(services[0][7], "Median (menit kerja)", "{services:?}");
    let row = services.iter().find(|r| r[0].contains("Kartu Tanda Penduduk")).expect("the KTP-el row");
    let figures = [
        &ktp["received"],
        &ktp["completed"],
        &ktp["attainment"],
        &ktp["median_minutes"],
        &ktp["p90_minutes"],
    ];
    assert_eq!(
        [&row[1], &row[2], &row[6], &row[7], &row[8]],
        figures.map(|v| v.to_string()).each_ref(),
        "{row:?}"
    );
    let officers = crate::common::xlsx_rows(&xlsx, 3);
    assert!(officers.iter().any(|r| r[0] == "muba.verifikator"), "{officers:?}");
    let pdf = report("pdf").await;
    if let Some(text) = crate::common::pdf_text(&pdf) {
        for needle in [
            "PEMERINTAH KABUPATEN MUSI BANYUASIN",
            "LAPORAN EVALUASI KINERJA PELAYANAN",
            "Tepat waktu per layanan",
            "muba.verifikator",
            "Halaman 1",
        ] {
            assert!(text.contains(needle), "`{needle}` in the PDF: {text}");
        }
        let line = format!("{} {} ", ktp["median_minutes"], ktp["p90_minutes"]);
        assert!(text.contains(&line), "median and p90 `{line}` in the PDF: {text}");
    }
    assert_eq!(
        app.get_json(&format!("/api/v1/reports/evaluation?{period}&format=doc"), Some(&t["kepala_dinas"]))
            .await
            .0,
        422
    );
    let (s, e) = app.get_json("/api/v1/dashboard?from=2026-13", Some(&t["kepala_dinas"])).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("from")));
    let _: Value = e;
}

on_both_backends!(a_province_rolls_up_its_kab_kota_sqlite, a_province_rolls_up_its_kab_kota_postgres, rollup);

/// Sulsel's roll-up over its 24 kab/kota offices: each office's cases,
/// open complaints and blanko stock (balance, use over 90 days, months
/// left); the kab/kota's own dashboard shows its stock; only a province's
/// staff read a roll-up.
async fn rollup(app: TestApp) {
    app.add_user("ssl.op", "operator", "73", PASSWORD).await;
    app.add_user("maros.op", "operator", "73.09", PASSWORD).await;
    app.add_user("muba.kepala_dinas", "kepala_dinas", "16.06", PASSWORD).await;
    let (ssl, maros, muba) = (
        app.token("ssl.op", PASSWORD).await.0,
        app.token("maros.op", PASSWORD).await.0,
        app.token("muba.kepala_dinas", PASSWORD).await.0,
    );
    for (kind, quantity) in [("receipt", 100), ("printed", 30)] {
        let body = json!({"office": "73.09", "kind": kind, "quantity": quantity, "reason": "x",
            "source_document": "BAST 1"});
        assert_eq!(app.post_json("/api/v1/stock/movements", Some(&maros), body).await.0, 201);
    }
    let complaint = json!({"office": "73", "channel": "web", "category": "waktu", "text": "Antrean lama."});
    let (s, c) = app.post_json("/api/v1/complaints", None, complaint).await;
    assert_eq!(s, 201, "{c}");

    let (s, r) = app.get_json("/api/v1/dashboard/rollup", Some(&ssl)).await;
    assert_eq!(s, 200, "{r}");
    let offices = r["offices"].as_array().unwrap();
    assert_eq!(offices.len(), 25, "the province and its 24 kab/kota");
    let line = |code: &str| offices.iter().find(|o| o["office"] == code).unwrap().clone();
    let (own, kab) = (line("73"), line("73.09"));
    assert_eq!((own["received"].as_u64(), own["complaints_open"].as_u64()), (Some(1), Some(1)), "{own}");
    assert_eq!(
        (
            kab["stock"]["balance"].as_i64(),
            kab["stock"]["used_90_days"].as_i64(),
            kab["stock"]["months_left"].as_f64()
        ),
        (Some(70), Some(30), Some(7.0)),
        "70 left at 10 a month: {kab}"
    );
    assert_eq!(line("73.01")["received"], 0);
    assert_eq!(
        app.get_json("/api/v1/dashboard/rollup", Some(&maros)).await.0,
        403,
        "a kab/kota is no province"
    );
    assert_eq!(app.get_json("/api/v1/dashboard/rollup", Some(&muba)).await.0, 403);
    let res =
        app.http.get(app.url("/api/v1/dashboard/rollup?format=csv")).bearer_auth(&ssl).send().await.unwrap();
    let csv = res.text().await.unwrap();
    assert_eq!(csv.lines().count(), 26, "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("73.09,") && l.contains(",70,7,")), "{csv}");
    let (s, page) = app.get_text("/dasbor/provinsi", Some(&format!("layanan_session={ssl}"))).await;
    assert_eq!(s, 200);
    assert!(page.contains("Maros") && page.contains("<th scope=\"row\">"), "{page}");
    let (_, dash) = app.get_text("/dasbor", Some(&format!("layanan_session={ssl}"))).await;
    assert!(dash.contains("/dasbor/provinsi"), "the province's dashboard links its roll-up");

    // Maros's own dashboard shows its stock.
    let (s, d) = app.get_json("/api/v1/dashboard", Some(&maros)).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["stock"][0]["balance"], 70, "{d}");
    let (_, page) = app.get_text("/dasbor", Some(&format!("layanan_session={maros}"))).await;
    assert!(page.contains("Stok blanko KTP-el") && !page.contains("/dasbor/provinsi"), "{page}");
}
