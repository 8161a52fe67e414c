//! `layanan nik check NIK…` and `layanan nik check --csv FILE`: the NIK
//! batch of a verification session (`app::nik_batch`, the same checks as
//! `POST /api/v1/nik/batch`). CSV out on standard output, one line per
//! input row in input order; the file is read a line at a time (a million
//! rows in flat memory); progress and the summary by error on standard
//! error.

use app::nik_batch::{Batch, Regions};
use clap::Subcommand;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum NikCommand {
    /// Check NIKs given as arguments, or a CSV file (a header naming `nik`
    /// and any of `nama`, `tanggal_lahir`, `jenis_kelamin`, `kk`; or NIKs first).
    Check {
        niks: Vec<String>,
        #[arg(long)]
        csv: Option<PathBuf>,
    },
}

pub fn run(cmd: &NikCommand) -> ExitCode {
    let NikCommand::Check { niks, csv } = cmd;
    if niks.is_empty() && csv.is_none() {
        eprintln!("give NIKs as arguments or --csv FILE");
        return ExitCode::from(2);
    }
    let regions = Regions::embedded();
    let mut batch = Batch::new(&regions);
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let mut out = Batch::header();
    for n in niks {
        batch.line(n, &mut out);
    }
    if let Some(path) = csv
        && let Err(e) = check_file(path, &mut batch, &mut out, &mut w)
    {
        eprintln!("{}: {e}", path.display());
        return ExitCode::from(2);
    }
    let _ = w.write_all(out.as_bytes());
    let _ = w.flush();
    if batch.invalid > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Streams `path` through the batch, writing results as they come, with a
/// progress bar by bytes read and the summary at the end.
fn check_file(
    path: &PathBuf,
    batch: &mut Batch,
    out: &mut String,
    w: &mut impl Write,
) -> std::io::Result<()> {
    let file = std::fs::File::open(path)?;
    let p = crate::progress::counted("NIK checks (bytes)", file.metadata()?.len());
    let mut reader = std::io::BufReader::new(file);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        batch.line(&String::from_utf8_lossy(&line), out);
        p.inc(n as u64);
        if out.len() >= 64 * 1024 {
            w.write_all(out.as_bytes())?;
            out.clear();
        }
    }
    p.done(&batch.summary_line());
    Ok(())
}
