//! The signed QR payload decoder: any text decodes or is refused, and
//! nothing verifies without the office key's signature.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = documents::payload::Payload::decode(&text);
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]).verifying_key();
    assert!(documents::payload::Payload::verify(&text, &[("k1".to_string(), key)]).is_err());
});
