//! `layanan nik check NIK…` and `layanan nik check --csv FILE`: structural
//! NIK checks, CSV out (`nik,valid,sex,birth_ddmmyy,kecamatan,problem`).
//! Region prefixes are checked against the embedded Kemendagri list.

use clap::Subcommand;
use domain::{Nik, NikWarning};
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum NikCommand {
    /// Check NIKs given as arguments, or the first column of a CSV file.
    Check {
        niks: Vec<String>,
        /// A CSV file whose first column holds NIKs (a header row is skipped).
        #[arg(long)]
        csv: Option<PathBuf>,
    },
}

pub fn run(cmd: &NikCommand) -> ExitCode {
    let NikCommand::Check { niks, csv } = cmd;
    let mut inputs = niks.clone();
    if let Some(path) = csv {
        match read_column(path) {
            Ok(mut v) => inputs.append(&mut v),
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    if inputs.is_empty() {
        eprintln!("give NIKs as arguments or --csv FILE");
        return ExitCode::from(2);
    }
    let kecamatan = kecamatan_codes();
    let stdout = std::io::stdout();
    let mut w = csv::Writer::from_writer(stdout.lock());
    let _ = w.write_record(["nik", "valid", "sex", "birth_ddmmyy", "kecamatan", "problem"]);
    let mut invalid = 0;
    let p = crate::progress::counted("NIK checks", inputs.len() as u64);
    for raw in &inputs {
        let raw = raw.trim();
        let row = match Nik::parse(raw) {
            Ok(n) => {
                let (d, m, y) = n.birth_ddmmyy();
                let warnings = n.warnings(kecamatan.contains(&n.kecamatan_code()));
                let problem = warnings.iter().map(warning_text).collect::<Vec<_>>().join("; ");
                let sex = format!("{:?}", n.sex()).to_lowercase();
                [
                    raw.to_string(),
                    "true".into(),
                    sex,
                    format!("{d:02}{m:02}{y:02}"),
                    n.kecamatan_code(),
                    problem,
                ]
            }
            Err(e) => {
                invalid += 1;
                [raw.to_string(), "false".into(), String::new(), String::new(), String::new(), e.to_string()]
            }
        };
        let _ = w.write_record(&row);
        p.inc(1);
    }
    let _ = w.flush();
    p.done(&format!("{} checked, {invalid} invalid", inputs.len()));
    let _ = std::io::stderr().flush();
    if invalid > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn warning_text(w: &NikWarning) -> String {
    match w {
        NikWarning::UnknownRegion { prefix } => {
            format!("warning: kecamatan {prefix} not in the current code list")
        }
        NikWarning::UnusualDate => "warning: birth date exists only in some years or not at all".into(),
    }
}

fn read_column(path: &PathBuf) -> Result<Vec<String>, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("line {}: {e}", i + 1))?;
        let first = rec.get(0).unwrap_or_default().trim().to_string();
        // A header row ("nik") is not a NIK.
        if i == 0 && !first.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        out.push(first);
    }
    Ok(out)
}

/// The kecamatan codes (`PP.KK.CC`) of the embedded region list.
fn kecamatan_codes() -> HashSet<String> {
    store::reference::WILAYAH_CSV
        .lines()
        .filter_map(|l| l.split_once(',').map(|(code, _)| code))
        .filter(|c| c.len() == 8 && c.matches('.').count() == 2)
        .map(str::to_string)
        .collect()
}
