//! A generated history of 100,000 Muba KTP-el cases over the last months,
//! on both backends: the dashboard's received, completed, rejected, open,
//! SLA attainment, median and p90 working minutes, and step 3's
//! attainment equal an independent computation over the generated cases
//! (their working minutes are drawn by the test, not measured by the
//! calendar); the evaluation workbook (read back with calamine), the
//! dashboard page and the evaluation PDF (read with pdftotext) show the
//! same numbers.

use crate::common::{PASSWORD, TestApp, on_both_backends};
use app::cases::clock::at;
use domain::TimeZone;
use store::{HistoryCase, HistoryStep};

const CASES: usize = 100_000;
/// The standard's time: "Total 30 menit".
const SLA_MINUTES: i64 = 30;
/// Each staff step's time: "5 menit".
const STEP_MINUTES: i64 = 5;

/// A small deterministic generator (xorshift), so both backends get the
/// same history and a failure can be reproduced.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn nearest_rank(sorted: &[i64], q: f64) -> i64 {
    sorted[((q * sorted.len() as f64).ceil() as usize).max(1) - 1]
}

on_both_backends!(a_generated_history_sqlite, a_generated_history_postgres, generated_history);

async fn generated_history(app: TestApp) {
    app.add_user("muba.kepala_dinas", "kepala_dinas", "16.06", PASSWORD).await;
    let kadin = app.token("muba.kepala_dinas", PASSWORD).await.0;
    let cal = app.calendar(TimeZone::Wib).await;
    let now = app.app().now();
    let start = cal.next_open(now - chrono::Duration::days(120));
    let span = cal.working_minutes_between(start, now) as u64;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let version = i64::from(app.app().catalog.get("16.06-ktp-el").unwrap().version);

    let (mut completed, mut rejected, mut open, mut timed, mut on_time) = (0, 0, 0, 0, 0);
    let (mut step_timed, mut step_on_time) = (0, 0);
    let mut minutes: Vec<i64> = Vec::new();
    let mut cases = Vec::with_capacity(CASES);
    for n in 0..CASES {
        // Received in working time over the last four months.
        let created = cal.add_working_minutes(start, rng.below(span) as i64);
        // Most within the standard's 30 minutes, a long tail beyond.
        let took = match rng.below(10) {
            0..=6 => 5 + rng.below(26) as i64,
            7 | 8 => 31 + rng.below(90) as i64,
            _ => 121 + rng.below(2_000) as i64,
        };
        let finished = cal.add_working_minutes(created, took);
        let due = cal.add_working_minutes(created, SLA_MINUTES);
        let kind = rng.below(20);
        let (status, finished_at) = match kind {
            0 => ("in_progress", None),
            1 => ("rejected", Some(finished)),
            _ => ("completed", Some(finished)),
        };
        let mut steps = Vec::new();
        if let Some(f) = finished_at.filter(|f| *f <= now) {
            timed += 1;
            on_time += i32::from(f <= due);
            if status == "completed" {
                completed += 1;
                minutes.push(took);
            } else {
                rejected += 1;
            }
            // Step 3 (the verifikator's) took a share of it.
            let step_took = 1 + rng.below(8) as i64;
            let begun = cal.add_working_minutes(created, 1);
            let ended = cal.add_working_minutes(begun, step_took);
            let step_due = cal.add_working_minutes(begun, STEP_MINUTES);
            step_timed += 1;
            step_on_time += i32::from(ended <= step_due);
            steps.push(HistoryStep {
                step: "3".into(),
                actor: "verifikator".into(),
                done_by: "muba.verifikator".into(),
                action: "advance".into(),
                started_at: begun.timestamp_millis(),
                ended_at: ended.timestamp_millis(),
                due_at: Some(step_due.timestamp_millis()),
                work_minutes: step_took,
                limit_minutes: Some(STEP_MINUTES),
            });
        } else {
            open += 1;
        }
        let open_now = finished_at.is_none_or(|f| f > now);
        cases.push(HistoryCase {
            tracking_code: format!("H{n:07}"),
            office: "16.06".into(),
            service: "ktp-el".into(),
            version,
            channel: "counter".into(),
            status: if open_now { "in_progress".into() } else { status.into() },
            created_at: created.timestamp_millis(),
            finished_at: finished_at.filter(|_| !open_now).map(|f| f.timestamp_millis()),
            due_at: Some(due.timestamp_millis()),
            steps,
        });
    }
    let filled = store::connect_bench(&app.db.url).await.unwrap().bench_fill_history(&cases).await.unwrap();
    assert_eq!(filled, CASES as u64);
    minutes.sort_unstable();
    let percent = |a: i32, b: i32| (1000.0 * f64::from(a) / f64::from(b)).round() / 10.0;

    let from = at(cases.iter().map(|c| c.created_at).min().unwrap())
        .with_timezone(&TimeZone::Wib.offset())
        .date_naive();
    let period = format!("from={from}&to={}", app.app().today("16.06"));
    let (s, d) = app.get_json(&format!("/api/v1/dashboard?{period}"), Some(&kadin)).await;
    assert_eq!(s, 200, "{d}");
    let ktp = d["services"].as_array().unwrap().iter().find(|s| s["service"] == "16.06-ktp-el").unwrap();
    let figures = |v: &serde_json::Value| {
        ["received", "completed", "rejected", "open", "timed", "on_time"].map(|k| v[k].as_i64().unwrap())
    };
    assert_eq!(
        figures(ktp),
        [CASES as i64, completed, rejected, open, i64::from(timed), i64::from(on_time)],
        "{ktp}"
    );
    assert_eq!(ktp["attainment"].as_f64(), Some(percent(on_time, timed)));
    assert_eq!(ktp["median_minutes"].as_i64(), Some(nearest_rank(&minutes, 0.5)));
    assert_eq!(ktp["p90_minutes"].as_i64(), Some(nearest_rank(&minutes, 0.9)));
    let step = d["steps"].as_array().unwrap().iter().find(|s| s["step"] == "3").unwrap();
    assert_eq!(
        (step["timed"].as_i64(), step["on_time"].as_i64()),
        (Some(step_timed), Some(step_on_time.into()))
    );

    // The workbook (calamine), the page and the PDF show the same numbers.
    let report = |format: &'static str| {
        let url = app.url(&format!("/api/v1/reports/evaluation?{period}&format={format}"));
        let req = app.http.get(url).bearer_auth(&kadin);
        async move { req.send().await.unwrap().bytes().await.unwrap() }
    };
    let rows = crate::common::xlsx_rows(&report("xlsx").await, 1);
    let row = rows.iter().find(|r| r[0].contains("Kartu Tanda Penduduk")).expect("the KTP-el row");
    // Numbers as a spreadsheet and a page write them (70, not 70.0).
    let shown = |k: &str| ktp[k].as_f64().unwrap().to_string();
    let expected = ["received", "completed", "attainment", "median_minutes", "p90_minutes"].map(shown);
    assert_eq!([&row[1], &row[2], &row[6], &row[7], &row[8]], expected.each_ref(), "{row:?}");
    let (_, page) =
        app.get_text(&format!("/dasbor?{period}"), Some(&format!("layanan_session={kadin}"))).await;
    let cells = format!(
        "<td>{} %</td>\n<td>{}</td>\n<td>{}</td>",
        shown("attainment"),
        shown("median_minutes"),
        shown("p90_minutes")
    );
    assert!(page.contains(&cells), "`{cells}` on the page");
    if let Some(text) = crate::common::pdf_text(&report("pdf").await) {
        let line = format!("{} {} {} ", shown("attainment"), shown("median_minutes"), shown("p90_minutes"));
        assert!(text.contains(&line), "`{line}` in the PDF");
    }
}
