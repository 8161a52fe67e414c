//! `layanan standards lint [DIR]`: one line per finding
//! (`FILE:LINE: error|warning: message`), non-zero exit on any error.

use clap::Subcommand;
use domain::lint::{Severity, lint};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum StandardsCommand {
    /// Check every standard under DIR (default `standards`).
    Lint { dir: Option<PathBuf> },
}

pub fn run(cmd: &StandardsCommand) -> ExitCode {
    let StandardsCommand::Lint { dir } = cmd;
    let dir = dir.clone().unwrap_or_else(|| PathBuf::from("standards"));
    let mut files = Vec::new();
    if let Err(e) = collect(&dir, &mut files) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::from(2);
    }
    files.sort();
    let (mut errors, mut warnings) = (0, 0);
    for path in &files {
        for line in lint_file(path) {
            if line.contains(": error: ") {
                errors += 1;
            } else {
                warnings += 1;
            }
            println!("{line}");
        }
    }
    eprintln!("{} files, {errors} errors, {warnings} warnings", files.len());
    if errors > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Findings of one file as output lines.
fn lint_file(path: &Path) -> Vec<String> {
    let shown = path.display();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return vec![format!("{shown}:1: error: cannot read: {e}")],
    };
    if path.file_name().is_some_and(|n| n == "office.toml") {
        return match domain::OfficeProfile::parse(&text) {
            Ok(_) => Vec::new(),
            Err(e) => vec![format!("{shown}:{}: error: column {}: {}", e.line, e.column, e.message)],
        };
    }
    let mut office = path.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).unwrap_or_default();
    let slug = path.file_stem().and_then(|n| n.to_str()).unwrap_or_default();
    // A shared procedure is checked as any office would publish it.
    let text = if office == "shared" {
        office = "73";
        text.replace(app::catalog::SHARED_OFFICE, "office = \"73\"")
    } else {
        text
    };
    let expected = office.parse::<domain::OfficeCode>().is_ok().then_some((office, slug));
    let (parsed, mut findings) = lint(&text, expected);
    findings.extend(parsed.iter().flat_map(|s| app::catalog::missing_services(s, &text, path)));
    findings
        .iter()
        .map(|f| {
            let sev = if f.severity == Severity::Error { "error" } else { "warning" };
            format!("{shown}:{}: {sev}: {}", f.line, f.message)
        })
        .collect()
}
