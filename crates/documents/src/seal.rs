//! The file seal: a signed payload appended to the PDF after `%%EOF` as a
//! PDF comment line. Its digest is the SHA-256 of every byte before it, so
//! `layanan verify FILE` can tell offline whether the file was altered.
//! (The QR code inside the PDF cannot carry the file's own hash; its
//! payload's digest covers the letter's text instead.)

use crate::payload::{Payload, PayloadError};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

const MARK: &[u8] = b"\n%layanan-seal ";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the file carries no layanan seal")]
    Missing,
    #[error("the seal is unreadable: {0}")]
    Payload(#[from] PayloadError),
    #[error("the file was altered after it was issued (its SHA-256 differs from the sealed one)")]
    Altered,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Appends the seal. `payload.digest` is replaced by the PDF's SHA-256.
pub fn seal(pdf: &[u8], mut payload: Payload, key: &SigningKey) -> Result<Vec<u8>, PayloadError> {
    payload.digest = sha256_hex(pdf);
    let signed = payload.sign(key)?;
    let mut out = Vec::with_capacity(pdf.len() + signed.len() + MARK.len() + 1);
    out.extend_from_slice(pdf);
    out.extend_from_slice(MARK);
    out.extend_from_slice(signed.as_bytes());
    out.push(b'\n');
    Ok(out)
}

/// Checks a sealed file against the office keys.
pub fn check(file: &[u8], keys: &[(String, VerifyingKey)]) -> Result<Payload, SealError> {
    let at = file.windows(MARK.len()).rposition(|w| w == MARK).ok_or(SealError::Missing)?;
    let (pdf, rest) = file.split_at(at);
    let signed = std::str::from_utf8(&rest[MARK.len()..]).map_err(|_| SealError::Missing)?.trim();
    let payload = Payload::verify(signed, keys)?;
    if payload.digest != sha256_hex(pdf) {
        return Err(SealError::Altered);
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::key_id;

    #[test]
    fn one_changed_byte_is_caught_and_an_intact_file_passes() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let keys = vec![(key_id(&key.verifying_key()), key.verifying_key())];
        let p = Payload {
            doc_type: "skk".into(),
            number: "1".into(),
            date: "2026-11-24".into(),
            office: "33.20".into(),
            holder: "B***".into(),
            digest: String::new(),
            key_id: keys[0].0.clone(),
        };
        let pdf = b"%PDF-1.7\n...\n%%EOF".to_vec();
        let sealed = seal(&pdf, p, &key).unwrap();
        assert_eq!(check(&sealed, &keys).unwrap().digest, sha256_hex(&pdf));
        let mut tampered = sealed.clone();
        tampered[10] ^= 1;
        assert_eq!(check(&tampered, &keys), Err(SealError::Altered));
        assert_eq!(check(&pdf, &keys), Err(SealError::Missing));
        let mut bad_sig = sealed.clone();
        let n = bad_sig.len();
        bad_sig[n - 3] = if bad_sig[n - 3] == b'A' { b'B' } else { b'A' };
        assert!(matches!(check(&bad_sig, &keys), Err(SealError::Payload(_))));
    }
}
