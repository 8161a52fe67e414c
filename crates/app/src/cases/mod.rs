//! The case engine as a service: submission, actions, clocks, escalation
//! and notifications, for every standard alike. The rules are in
//! `domain::case` and `domain::calendar`; this module loads what they need
//! and hands the result to the store in one transaction.

pub mod clock;
pub mod engine;
pub mod group;
pub mod link;
pub mod retention;
pub mod sweep;
pub mod views;

pub use engine::{Applicant, Submission, Upload, act, submit};

use crate::{App, Error};
use domain::Standard;
use std::sync::Arc;

/// A short, unguessable tracking code: 10 characters from 32 that cannot
/// be mistaken for each other (no 0/O, 1/I), 50 bits.
pub fn tracking_code() -> String {
    const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut buf = [0u8; 10];
    getrandom::fill(&mut buf).expect("the OS random source is available");
    buf.iter().map(|b| ALPHABET[(*b & 31) as usize] as char).collect()
}

/// The standard version a case runs on (parsed from the stored text, so a
/// case keeps its version when the file changes).
pub async fn standard_of(app: &App, office: &str, slug: &str, version: i64) -> Result<Arc<Standard>, Error> {
    if let Some(s) = app.catalog.get(&format!("{office}-{slug}")).filter(|s| i64::from(s.version) == version)
    {
        return Ok(s.clone());
    }
    let stored = app
        .store
        .standard(office, slug, Some(version))
        .await?
        .ok_or_else(|| Error::not_found(format!("standard {office}-{slug} version {version}")))?;
    let parsed = Standard::parse(&stored.content).map_err(|e| {
        Error::internal(format!("stored standard {office}-{slug} version {version} does not parse: {e}"))
    })?;
    Ok(Arc::new(parsed))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tracking_codes_use_the_safe_alphabet() {
        for _ in 0..100 {
            let c = super::tracking_code();
            assert_eq!(c.len(), 10);
            assert!(c.chars().all(|ch| "23456789ABCDEFGHJKLMNPQRSTUVWXYZ".contains(ch)), "{c}");
        }
        assert_ne!(super::tracking_code(), super::tracking_code());
    }
}
