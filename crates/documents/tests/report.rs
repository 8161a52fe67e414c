//! A report is a real PDF of several pages whose text `pdftotext` reads
//! back: the kop surat on the first page, the chart's own labels, a long
//! table flowing onto further pages with its header repeated, page
//! numbers, and the signature at the end.

use chrono::NaiveDate;
use documents::charts::BarChart;
use documents::render::{Letterhead, Signer};
use documents::report::{Block, Report, render};
use documents::xlsx::{Cell, Sheet};
use std::process::Command;

#[test]
fn a_long_report_flows_onto_pages_with_its_header_repeated_and_its_chart_as_text() {
    let rows =
        (1..=120).map(|i| vec![Cell::Text(format!("Baris ke-{i}")), Cell::Number(f64::from(i))]).collect();
    let report = Report {
        title: "Laporan Evaluasi Kinerja Pelayanan".into(),
        subtitle: "1 Januari 2026 s.d. 30 Juni 2026".into(),
        date: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        blocks: vec![
            Block::Heading("A. Capaian waktu layanan".into()),
            Block::Chart(BarChart {
                caption: "Tepat waktu per layanan".into(),
                bars: vec![("Akta Kelahiran".into(), 92.0), ("KTP-el".into(), 61.0)],
                max: 100.0,
            }),
            Block::Paragraph("Capaian dihitung dari jam layanan tanpa waktu jeda.".into()),
            Block::Table(Sheet {
                name: "Tabel 1. Rincian".into(),
                header: vec!["Uraian".into(), "Jumlah berkas".into()],
                rows,
            }),
        ],
        signer: Some(Signer {
            place: "Jepara".into(),
            position: "Kepala Dinas Kependudukan dan Pencatatan Sipil".into(),
            name: "NAMA KEPALA".into(),
            nip: None,
            wet_signature: false,
        }),
    };
    let head = Letterhead {
        government: "Pemerintah Kabupaten Jepara".into(),
        office: "Dinas Kependudukan dan Pencatatan Sipil".into(),
        lines: vec!["Jl. Kartini No. 1".into()],
        logo: None,
    };
    let pdf = render(&head, &report).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let ok = Command::new("pdftotext").arg("-v").output().is_ok();
    assert!(ok || std::env::var("CI").is_err(), "pdftotext is missing: run scripts/setup-test-deps.sh");
    if !ok {
        return;
    }
    let file = std::env::temp_dir().join(format!("layanan-report-{}.pdf", std::process::id()));
    std::fs::write(&file, &pdf).unwrap();
    let out = Command::new("pdftotext").arg("-layout").arg(&file).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert!(pages.len() >= 3, "120 rows need more than two pages: {} pages", pages.len());
    assert!(pages[0].contains("PEMERINTAH KABUPATEN JEPARA") && pages[0].contains("LAPORAN EVALUASI"));
    assert!(pages[0].contains("Tepat waktu per layanan") && pages[0].contains("KTP-el"), "chart text");
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains(&format!("Halaman {}", i + 1)), "page {} is numbered", i + 1);
        if i > 0 {
            assert!(page.contains("Jumlah berkas"), "the header is repeated on page {}", i + 1);
        }
    }
    for i in [1, 60, 120] {
        assert_eq!(text.matches(&format!("Baris ke-{i} ")).count(), 1, "row {i} once");
    }
    let last = pages.last().unwrap();
    assert!(last.contains("Jepara, 1 Juli 2026") && last.contains("NAMA KEPALA"), "{last}");
    // The first page as a PNG for a person to look at.
    let png = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-snapshot");
    let st = Command::new("pdftoppm").args(["-png", "-r", "60", "-singlefile"]).arg(&file).arg(&png).status();
    assert!(st.is_ok_and(|s| s.success()));
    std::fs::remove_file(&file).ok();
}
