//! The NIK batch tool of a verification session, as a stream: CSV lines in
//! (a header naming `nik` and any of `nama`, `tanggal_lahir`,
//! `jenis_kelamin`, `kk`; or none, the NIK first), one result line out per
//! input row in input order (`domain::nik_batch::OUTPUT_HEADER`), so a
//! million rows pass through in flat memory. The rules are in
//! `domain::nik_batch`; the HTTP endpoint and `layanan nik check --csv` both
//! feed lines to a [`Batch`].

use crate::{App, Error};
use domain::nik_batch::{INPUT_COLUMNS, OUTPUT_HEADER, RowInput, check};
use std::collections::{BTreeMap, HashMap};
use store::{Case, CaseChange, CaseUpdate, NewCaseFile, NewJournal};

/// At most this many rows in one batch; rows past it are answered
/// `row_limit`, not checked.
pub const MAX_ROWS: u64 = 1_000_000;

/// Province, kab/kota and kecamatan names by code, from the embedded list.
pub struct Regions(HashMap<String, String>);

impl Regions {
    pub fn embedded() -> Regions {
        let names = store::reference::WILAYAH_CSV
            .lines()
            .filter_map(|l| l.split_once(','))
            .filter(|(code, _)| code.len() <= 8)
            .map(|(code, name)| (code.to_string(), name.trim().trim_matches('"').to_string()))
            .collect();
        Regions(names)
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        self.0.get(code).map(String::as_str)
    }
}

/// One batch in progress: what its header said, how many rows so far, and
/// the count of each error for the summary.
pub struct Batch<'r> {
    regions: &'r Regions,
    /// The input column of each of `INPUT_COLUMNS` (a header names `nik`;
    /// without one the NIK comes first).
    columns: crate::Columns<5>,
    pub rows: u64,
    pub invalid: u64,
    pub summary: BTreeMap<&'static str, u64>,
}

impl<'r> Batch<'r> {
    pub fn new(regions: &'r Regions) -> Batch<'r> {
        Batch {
            regions,
            columns: crate::Columns::new(INPUT_COLUMNS, "nik", [Some(0), None, None, None, None]),
            rows: 0,
            invalid: 0,
            summary: BTreeMap::new(),
        }
    }

    /// The result's header line (with its newline).
    pub fn header() -> String {
        format!("{OUTPUT_HEADER}\n")
    }

    /// Reads one input line, appending its result line (if it is a row) to `out`.
    pub fn line(&mut self, line: &str, out: &mut String) {
        let Some((cells, columns)) = self.columns.read(line) else { return };
        self.rows += 1;
        let get = |i: usize| columns[i].and_then(|c| cells.get(c)).map(String::as_str);
        let nik = get(0).unwrap_or_default().trim();
        if self.rows > MAX_ROWS {
            self.count(&["row_limit"]);
            push_row(out, self.rows, nik, false, "row_limit", "", ["", "", "", "", ""]);
            return;
        }
        let input = RowInput { nik, name: get(1), birth_date: get(2), sex: get(3), kk: get(4) };
        let r = check(&input, |code| self.regions.name(code));
        self.count(&r.errors);
        let (errors, warnings) = (r.errors.join(";"), r.warnings.join(";"));
        let decoded = [&r.province, &r.kab_kota, &r.kecamatan, &r.birth_date, &r.sex].map(String::as_str);
        push_row(out, self.rows, nik, r.valid(), &errors, &warnings, decoded);
    }

    fn count(&mut self, errors: &[&'static str]) {
        if !errors.is_empty() {
            self.invalid += 1;
        }
        for e in errors {
            *self.summary.entry(e).or_default() += 1;
        }
    }

    /// `N rows, M invalid; nik_length 3, sex_mismatch 1`.
    pub fn summary_line(&self) -> String {
        let by: Vec<_> = self.summary.iter().map(|(e, n)| format!("{e} {n}")).collect();
        let mut s = format!("{} rows, {} invalid", self.rows, self.invalid);
        if !by.is_empty() {
            s.push_str("; ");
            s.push_str(&by.join(", "));
        }
        s
    }
}

/// The requirement code a batch's results are filed under on its case.
pub const RESULTS: &str = "hasil_cek_nik";

/// The case a batch's results are filed on (the verification session's)
/// must still be open.
pub fn check_session(case: &Case) -> Result<(), Error> {
    if !case.status.is_active() {
        return Err(Error::invalid("case", "the results are filed on an open case"));
    }
    Ok(())
}

/// Files a finished batch on its case: the result CSV, already in the
/// file store (`sha256`, `size` bytes), and a journal row with the summary,
/// in one write. A colleague's action meanwhile only makes it read the case
/// again.
pub async fn file_results(
    app: &App,
    case_id: i64,
    by: &str,
    (sha256, size): (String, i64),
    summary: &str,
) -> Result<(), Error> {
    for _ in 0..5 {
        let case =
            app.store.case(case_id).await?.ok_or_else(|| Error::not_found(format!("no case {case_id}")))?;
        let local = app.now().with_timezone(&crate::clock::office_zone(&case.office).offset());
        let filename = format!("hasil-cek-nik-{}.csv", local.format("%Y%m%d-%H%M"));
        let journal = NewJournal {
            at: Some(app.now().timestamp_millis()),
            actor: by.into(),
            action: "nik_batch".into(),
            from_status: Some(case.status.as_str().into()),
            to_status: case.status.as_str().into(),
            from_step: case.current_step.clone(),
            to_step: case.current_step.clone(),
            note: Some(summary.into()),
            ..Default::default()
        };
        let file = NewCaseFile {
            requirement: RESULTS.into(),
            filename,
            content_type: "text/csv; charset=utf-8".into(),
            size,
            sha256: sha256.clone(),
            uploaded_by: by.into(),
        };
        let update = CaseUpdate {
            change: CaseChange::from_case(&case),
            journal,
            files: vec![file],
            ..Default::default()
        };
        match app.store.update_case(case.id, case.version, update).await {
            Err(store::StoreError::Stale(_)) => continue,
            r => return r.map(|_| ()).map_err(Error::from),
        }
    }
    Err(Error::Unavailable("the case kept changing; file the results again".into()))
}

fn push_row(
    out: &mut String,
    row: u64,
    nik: &str,
    valid: bool,
    errors: &str,
    warnings: &str,
    decoded: [&str; 5],
) {
    use std::fmt::Write;
    let _ = write!(out, "{row},{},{valid},{errors},{warnings}", crate::csv_cell(nik));
    for d in decoded {
        out.push(',');
        out.push_str(&crate::csv_cell(d));
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_names_the_columns_and_rows_count_from_one() {
        let regions = Regions::embedded();
        let mut b = Batch::new(&regions);
        let mut out = String::new();
        for l in ["nama;nik;jenis_kelamin", "\"Siti; Aminah\";7371015708900001;L", "Budi;123;L", ""] {
            b.line(l, &mut out);
        }
        let lines: Vec<_> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(
            lines[0]
                == "1,7371015708900001,false,sex_mismatch,,Sulawesi Selatan,Kota Makassar,Mariso,17-08-90,P",
            "{out}"
        );
        assert!(lines[1].starts_with("2,123,false,nik_length,"), "{out}");
        assert_eq!(b.summary_line(), "2 rows, 2 invalid; nik_length 1, sex_mismatch 1");
    }

    #[test]
    fn without_a_header_the_first_column_is_the_nik() {
        let regions = Regions::embedded();
        let mut b = Batch::new(&regions);
        let mut out = String::new();
        b.line("3320015708900001,whatever", &mut out);
        assert!(out.starts_with("1,3320015708900001,true,,"), "{out}");
    }
}
