//! The reports an office signs and publishes about how it keeps its
//! promises: the Laporan Evaluasi Kinerja Pelayanan of any period (services,
//! steps with the staffing model, staff performance, complaints, IKM) and
//! the SKM report in PermenPANRB 14/2017's structure (respondent profile,
//! NRR per unsur, IKM, the lowest unsur and the follow-up plan), each as a
//! workbook and as a PDF with the office's kop surat and the dashboard's
//! charts. The PDF and the workbook are built from the same tables.

use crate::accounts::Principal;
use crate::performance::{Dashboard, Period, Scope, officers_table, services_table, steps_table};
use crate::surveys::IkmReport;
use crate::{App, Error};
use chrono::NaiveDate;
use documents::charts::BarChart;
use documents::render::{Signer, tanggal};
use documents::report::{Block, Report};
use documents::xlsx::{Cell, Sheet};
use domain::ikm::UNSUR;

/// The evaluation's tables, the same numbers as the dashboard.
pub struct Evaluation {
    pub period: Period,
    pub dashboard: Dashboard,
    pub ikm: IkmReport,
    pub sheets: Vec<Sheet>,
}

/// The Laporan Evaluasi Kinerja Pelayanan of the caller's office as tables:
/// services, steps with the staffing model, staff performance, complaints,
/// IKM.
pub async fn evaluation(
    app: &App,
    who: &Principal,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Evaluation, Error> {
    let (period, officers) = crate::performance::officers(app, who, from, to).await?;
    let d = crate::performance::dashboard(app, who, Some(&period.from), Some(&period.to), Scope::default())
        .await?;
    let complaints = Sheet {
        name: "Pengaduan".into(),
        header: vec!["Keadaan".into(), "Jumlah".into()],
        rows: d
            .complaints
            .iter()
            .map(|(k, v)| vec![Cell::Text(complaint_words(k).into()), Cell::Number(f64::from(*v))])
            .collect(),
    };
    let ikm = crate::surveys::report(app, &d.office, Scope::default(), Some(&period.from), Some(&period.to))
        .await?;
    let mut sheets = vec![services_table(&d), steps_table(&d), officers_table(&officers), complaints];
    sheets.extend(crate::surveys::report_sheets(&ikm, &[], &[]).into_iter().take(1));
    sheets.push(trend_table(&d));
    sheets.push(Sheet {
        name: "Stok blanko dan kepatuhan PKS".into(),
        header: vec!["Butir".into(), "Nilai".into()],
        rows: stock_and_agreements(&d),
    });
    Ok(Evaluation { period, dashboard: d, ikm, sheets })
}

/// The IKM month by month.
fn trend_table(d: &Dashboard) -> Sheet {
    let rows = d
        .ikm_trend
        .iter()
        .map(|m| {
            vec![
                Cell::Text(m.month.clone()),
                Cell::Number(m.respondents as f64),
                m.ikm.map_or(Cell::Text("-".into()), Cell::Number),
            ]
        })
        .collect();
    Sheet {
        name: "IKM per bulan".into(),
        header: ["Bulan", "Responden", "IKM"].map(String::from).to_vec(),
        rows,
    }
}

/// The office's blanko stock and its agreements' duty periods by state.
fn stock_and_agreements(d: &Dashboard) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for s in &d.stock {
        rows.push(vec![Cell::Text("Saldo blanko KTP-el".into()), Cell::Number(s.balance as f64)]);
        rows.push(vec![Cell::Text("Terpakai 90 hari terakhir".into()), Cell::Number(s.used_90_days as f64)]);
        if !s.missing_reports.is_empty() {
            rows.push(vec![
                Cell::Text("Laporan bulanan belum".into()),
                Cell::Text(s.missing_reports.join(", ")),
            ]);
        }
    }
    for (state, n) in &d.agreements {
        let words = match state.as_str() {
            "filed" => "Kewajiban PKS disampaikan",
            "late" => "Kewajiban PKS terlambat",
            "missing" => "Kewajiban PKS tidak disampaikan",
            _ => "Kewajiban PKS dalam tenggat",
        };
        rows.push(vec![Cell::Text(words.into()), Cell::Number(f64::from(*n))]);
    }
    rows
}

/// The dashboard's complaint counts in words.
fn complaint_words(key: &str) -> &'static str {
    match key {
        "open" => "Dalam proses",
        "answered" => "Dijawab",
        "0-2" => "Dalam proses, 0–2 hari kerja",
        "3-5" => "Dalam proses, 3–5 hari kerja",
        _ => "Dalam proses, lebih dari 5 hari kerja",
    }
}

/// The evaluation as a PDF: kop surat, a summary, each table with its
/// chart, signed by the caller.
pub async fn evaluation_pdf(app: &App, who: &Principal, e: &Evaluation) -> Result<Vec<u8>, Error> {
    let d = &e.dashboard;
    let received: u32 = d.services.iter().map(|s| s.received).sum();
    let completed: u32 = d.services.iter().map(|s| s.completed).sum();
    let (on_time, timed) = d.services.iter().fold((0, 0), |(a, b), s| (a + s.on_time, b + s.timed));
    let overdue: u32 = d.services.iter().map(|s| s.overdue).sum();
    let share = if timed > 0 {
        format!("{:.1} %", 100.0 * f64::from(on_time) / f64::from(timed))
    } else {
        "-".into()
    };
    let summary = format!(
        "Dalam periode ini {} menerima {received} permohonan dan menyelesaikan {completed}. Dari {timed} permohonan \
         yang selesai dengan batas waktu, {on_time} selesai tepat waktu ({share}); saat laporan ini dibuat {overdue} \
         permohonan masih berjalan melewati waktu standar. Waktu dihitung dalam menit kerja pada kalender kerja \
         kantor, tanpa waktu jeda menunggu pemohon.",
        d.office_name
    );
    let mut sheets = e.sheets.iter().cloned();
    let mut next = || sheets.next().map(Block::Table);
    let mut blocks = vec![Block::Heading("A. Ringkasan".into()), Block::Paragraph(summary)];
    blocks.push(Block::Heading("B. Capaian waktu per layanan".into()));
    blocks.push(chart("Tepat waktu per layanan (%)", d.attainment_bars(), 100.0));
    blocks.extend(next());
    blocks.push(Block::Heading("C. Langkah pelayanan dan kebutuhan petugas".into()));
    blocks.push(Block::Paragraph(
        "Kebutuhan petugas dihitung per langkah dari kedatangan dan lama kerja yang terukur dalam periode ini \
         (model antrean Erlang C, atau simulasi bila lama kerja jauh dari sebaran eksponensial); sasaran: 95 % \
         permohonan menunggu tidak lebih dari waktu langkah dalam standar."
            .into(),
    ));
    blocks.extend(next());
    blocks.push(Block::Heading("D. Kinerja pelaksana".into()));
    blocks.extend(next());
    blocks.push(Block::Heading("E. Pengaduan".into()));
    blocks.extend(next());
    blocks.push(Block::Heading("F. Indeks Kepuasan Masyarakat".into()));
    blocks.push(chart("IKM per layanan", d.ikm_bars(), 100.0));
    blocks.extend(next());
    let trend = d.ikm_trend.iter().filter_map(|m| m.ikm.map(|v| (m.month.clone(), v))).collect();
    blocks.push(chart("IKM per bulan", trend, 100.0));
    blocks.extend(next());
    blocks.push(Block::Heading("G. Stok blanko dan kepatuhan perjanjian kerja sama".into()));
    blocks.extend(next());
    let statuses =
        d.status_bars().into_iter().map(|(s, n)| (status_words(&s).to_string(), n)).collect::<Vec<_>>();
    let most = statuses.iter().map(|(_, n)| *n).fold(1.0, f64::max);
    blocks.push(Block::Heading("H. Keadaan permohonan yang diterima".into()));
    blocks.push(chart("Permohonan per keadaan", statuses, most));
    let report = Report {
        title: "Laporan Evaluasi Kinerja Pelayanan".into(),
        subtitle: period_words(&e.period.from, &e.period.to),
        date: app.today(&d.office),
        blocks,
        signer: Some(signer(app, who, &d.office).await?),
    };
    render(app, &d.office, report).await
}

/// The SKM report as a PDF in the regulation's structure.
pub async fn skm_pdf(
    app: &App,
    who: &Principal,
    r: &IkmReport,
    profile: &[store::ProfileCount],
    comments: &[String],
) -> Result<Vec<u8>, Error> {
    let f = &r.figures;
    let scope = match (&r.scope.service, &r.scope.unit) {
        (Some(id), _) => app.catalog.get(id).map_or(id.clone(), |s| format!("layanan {}", s.title)),
        (None, Some(unit)) => format!("layanan {unit}"),
        (None, None) => "seluruh layanan".into(),
    };
    let method = format!(
        "Survei Kepuasan Masyarakat dilaksanakan menurut Peraturan Menteri PANRB Nomor 14 Tahun 2017 atas {scope} \
         {} dengan kuesioner sembilan unsur pelayanan berskala 1 sampai 4. Dari populasi {} permohonan dalam periode \
         ini, sampel minimal menurut tabel Krejcie dan Morgan adalah {} responden; yang menjawab {} responden, \
         sehingga sampel {}.",
        r.office_name,
        f.population,
        f.required_sample,
        f.respondents,
        if f.adequate { "telah memadai" } else { "belum memadai dan hasilnya belum dapat disimpulkan" }
    );
    let result = match (f.ikm, &f.mutu, &f.kinerja) {
        (Some(v), Some(m), Some(k)) => format!(
            "Nilai IKM {v:.2} dengan mutu pelayanan {m} (kinerja unit pelayanan {k}). IKM = Σ(NRR per unsur × 1/9) × 25."
        ),
        _ => "Belum ada responden dalam periode ini; IKM belum dapat dihitung.".into(),
    };
    let sheets = crate::surveys::report_sheets(r, profile, comments);
    let nrr_bars =
        UNSUR.iter().filter_map(|u| f.nrr.get(u.code).map(|v| (format!("{} {}", u.code, u.name), *v)));
    let mut blocks = vec![
        Block::Heading("A. Pelaksanaan survei".into()),
        Block::Paragraph(method),
        Block::Heading("B. Profil responden".into()),
    ];
    blocks.extend(sheets.get(1).cloned().map(Block::Table));
    blocks.push(Block::Heading("C. Nilai per unsur dan IKM".into()));
    blocks.push(Block::Paragraph(result));
    blocks.push(chart("NRR per unsur (1–4)", nrr_bars.collect(), 4.0));
    blocks.push(Block::Table(unsur_table(r)));
    blocks.extend(sheets.first().cloned().map(Block::Table));
    blocks.push(Block::Heading("D. Unsur terendah dan rencana tindak lanjut".into()));
    blocks.extend(sheets.get(2).cloned().map(Block::Table));
    blocks.push(Block::Heading("E. Saran dan masukan responden".into()));
    blocks.extend(sheets.get(3).cloned().map(Block::Table));
    let report = Report {
        title: "Laporan Hasil Survei Kepuasan Masyarakat".into(),
        subtitle: period_words(&r.from, &r.to),
        date: app.today(&r.office),
        blocks,
        signer: Some(signer(app, who, &r.office).await?),
    };
    render(app, &r.office, report).await
}

/// NRR per unsur with its weighted value (× 1/9).
fn unsur_table(r: &IkmReport) -> Sheet {
    let rows = UNSUR
        .iter()
        .map(|u| {
            let v = r.figures.nrr.get(u.code).copied();
            vec![
                Cell::Text(u.code.into()),
                Cell::Text(u.name.into()),
                v.map_or(Cell::Text("-".into()), Cell::Number),
                v.map_or(Cell::Text("-".into()), |v| Cell::Number((v / 9.0 * 1000.0).round() / 1000.0)),
            ]
        })
        .collect();
    Sheet {
        name: "Nilai rata-rata per unsur".into(),
        header: ["Kode", "Unsur", "NRR", "NRR tertimbang (× 1/9)"].map(String::from).to_vec(),
        rows,
    }
}

fn chart(caption: &str, bars: Vec<(String, f64)>, max: f64) -> Block {
    Block::Chart(BarChart { caption: caption.into(), bars, max })
}

/// A status in the portal's words (`web/src/i18n.rs`, `status_*`).
fn status_words(status: &str) -> &str {
    match status {
        "submitted" => "Diterima",
        "in_progress" => "Diproses",
        "returned" => "Dikembalikan untuk dilengkapi",
        "completed" => "Selesai",
        "rejected" => "Ditolak",
        "withdrawn" => "Dibatalkan",
        other => other,
    }
}

/// `Periode 1 Januari 2026 s.d. 30 Juni 2026`.
fn period_words(from: &str, to: &str) -> String {
    let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").map_or_else(|_| d.to_string(), tanggal);
    format!("Periode {} s.d. {}", day(from), day(to))
}

/// The caller signs the report they drew up, in their position.
async fn signer(app: &App, who: &Principal, office: &str) -> Result<Signer, Error> {
    let party = domain::case::Party::Staff {
        username: who.user.username.clone(),
        role: who.role,
        office: who.user.office.clone(),
    };
    let (name, position, nip) = crate::cases::engine::signer(app, &party, who.acting.as_ref()).await?;
    let place = app.store.region(office).await?.map(|r| r.name).unwrap_or_default();
    Ok(Signer { place, position, name, nip, wet_signature: false })
}

/// Renders off the async threads, with the office's kop surat.
async fn render(app: &App, office: &str, report: Report) -> Result<Vec<u8>, Error> {
    let head = crate::documents::letterhead(app, office).await?;
    tokio::task::spawn_blocking(move || documents::report::render(&head, &report))
        .await
        .map_err(Error::internal)?
        .map_err(Error::internal)
}
