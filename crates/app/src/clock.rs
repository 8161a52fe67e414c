//! The app's clock. Services ask `App::now`, never the system directly, so
//! a test can move time forward and see an escalation fire or a retention
//! purge run, without waiting and without calling the job by hand.

use chrono::{DateTime, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock: what a running office uses.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system's clock moved by a settable amount: time goes on as usual,
/// and a test (or the bench) jumps it forward to see what the jobs do then.
#[derive(Debug, Default)]
pub struct ShiftedClock(Mutex<chrono::Duration>);

impl ShiftedClock {
    pub fn new() -> ShiftedClock {
        ShiftedClock::default()
    }

    /// Moves the clock forward by `by` from wherever it is.
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut shift) = self.0.lock() {
            *shift += by;
        }
    }

    /// Makes it `to` now (time goes on from there).
    pub fn set(&self, to: DateTime<Utc>) {
        if let Ok(mut shift) = self.0.lock() {
            *shift = to - Utc::now();
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        let shift = self.0.lock().map(|s| *s).unwrap_or_else(|p| *p.into_inner());
        Utc::now() + shift
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_runs_ahead_by_what_it_was_moved() {
        let c = ShiftedClock::new();
        c.advance(chrono::Duration::days(2));
        let ahead = c.now() - Utc::now();
        assert!(ahead > chrono::Duration::hours(47) && ahead <= chrono::Duration::days(2), "{ahead}");
        let target = Utc::now() - chrono::Duration::days(1);
        c.set(target);
        assert!((c.now() - target).num_seconds().abs() < 5);
    }
}
