//! The CSV imports of reference data (regions, holidays): any bytes are
//! read or refused with an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = store::reference::parse_regions(&text);
    let _ = store::reference::parse_holidays(&text);
});
