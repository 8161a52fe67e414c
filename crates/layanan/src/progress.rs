//! Progress of long CLI work on standard error. On a terminal a spinner or
//! a bar moves (indicatif); elsewhere (a log file, CI, a pipe) each phase
//! prints one line when it starts and one when it ends, so the log shows
//! where time went without carriage-return noise. Standard output stays
//! for results (CSV, figures, demo accounts).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Instant;

/// One phase of work: started by [`phase`] or [`counted`], ended by [`Phase::done`].
pub struct Phase {
    bar: ProgressBar,
    what: String,
    started: Instant,
    terminal: bool,
}

/// A phase of unknown length: a spinner.
pub fn phase(what: impl Into<String>) -> Phase {
    start(what.into(), None)
}

/// A phase of `len` items: a bar with a count and the time left.
pub fn counted(what: impl Into<String>, len: u64) -> Phase {
    start(what.into(), Some(len))
}

fn start(what: String, len: Option<u64>) -> Phase {
    let terminal = std::io::stderr().is_terminal();
    let bar = match len {
        Some(n) => ProgressBar::with_draw_target(Some(n), target(terminal)).with_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        ),
        None => ProgressBar::with_draw_target(None, target(terminal)).with_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.set_message(what.clone());
    if terminal {
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
    } else {
        match len {
            Some(n) => eprintln!("layanan: {what} ({n})…"),
            None => eprintln!("layanan: {what}…"),
        }
    }
    Phase { bar, what, started: Instant::now(), terminal }
}

fn target(terminal: bool) -> ProgressDrawTarget {
    if terminal { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() }
}

impl Phase {
    /// `n` more items are done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Ends the phase with what it came to (`"91 221 regions"`).
    pub fn done(self, outcome: &str) {
        if self.terminal {
            self.bar.finish_and_clear();
        }
        let took = self.started.elapsed().as_secs_f64();
        eprintln!("layanan: {}: {outcome} ({took:.1} s)", self.what);
    }
}
