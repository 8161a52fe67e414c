//! The standards parser and lint: any text is parsed and linted, or
//! refused with findings, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (parsed, findings) = domain::lint::lint(text, None);
        // A text that does not parse says why.
        assert!(parsed.is_some() || !findings.is_empty());
    }
});
