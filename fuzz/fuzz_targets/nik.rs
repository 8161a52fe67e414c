//! NIK (and KK) parsing and masking: any string parses or is refused; a
//! parsed NIK is 16 digits and its mask hides the middle digits.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = domain::nik::mask(&s);
    if let Ok(nik) = domain::Nik::parse(&s) {
        assert_eq!(nik.as_str().len(), 16);
        let _ = nik.warnings(true);
        assert!(!nik.masked().contains(&nik.as_str()[4..12]));
    }
});
