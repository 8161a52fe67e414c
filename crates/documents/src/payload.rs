//! The compact signed payload a document's QR code carries, so a document
//! can be checked offline: type, number, date, office, holder (masked), the
//! a SHA-256 digest (see `digest`), and the id of the office key that signed it.
//!
//! Text form: `v1.<base64url fields>.<base64url signature>`; the fields are
//! one line each, in a fixed order, so the signed bytes are canonical.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    pub doc_type: String,
    pub number: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub office: String,
    /// Initials only: the QR is public.
    pub holder: String,
    /// Hex SHA-256: in the QR code, of the letter's text (`content_digest`);
    /// in the file seal, of the PDF bytes it seals.
    pub digest: String,
    /// Which office key signed (keys rotate; old ones still verify).
    pub key_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("not a layanan document code")]
    Format,
    #[error("the payload fields are malformed")]
    Fields,
    #[error("no office key `{0}` is known")]
    UnknownKey(String),
    #[error("the signature does not match: the payload was altered or forged")]
    BadSignature,
}

const FIELDS: usize = 7;
/// Longest accepted text form: a QR code holds far less; bigger input is junk.
const MAX_LEN: usize = 2_048;

impl Payload {
    fn canonical(&self) -> Result<String, PayloadError> {
        let fields = [
            &self.doc_type,
            &self.number,
            &self.date,
            &self.office,
            &self.holder,
            &self.digest,
            &self.key_id,
        ];
        if fields.iter().any(|f| f.contains('\n')) {
            return Err(PayloadError::Fields);
        }
        Ok(fields.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("\n"))
    }

    /// Signs and encodes.
    pub fn sign(&self, key: &SigningKey) -> Result<String, PayloadError> {
        let text = self.canonical()?;
        let sig = key.sign(text.as_bytes());
        Ok(format!("v1.{}.{}", B64.encode(text.as_bytes()), B64.encode(sig.to_bytes())))
    }

    /// Decodes without checking the signature (to find the key id).
    pub fn decode(s: &str) -> Result<(Payload, Signature, Vec<u8>), PayloadError> {
        if s.len() > MAX_LEN {
            return Err(PayloadError::Format);
        }
        let mut parts = s.trim().split('.');
        let (Some("v1"), Some(body), Some(sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(PayloadError::Format);
        };
        let body = B64.decode(body).map_err(|_| PayloadError::Format)?;
        let sig: [u8; 64] = B64
            .decode(sig)
            .map_err(|_| PayloadError::Format)?
            .try_into()
            .map_err(|_| PayloadError::Format)?;
        let text = std::str::from_utf8(&body).map_err(|_| PayloadError::Fields)?;
        let f: Vec<&str> = text.split('\n').collect();
        if f.len() != FIELDS {
            return Err(PayloadError::Fields);
        }
        let p = Payload {
            doc_type: f[0].into(),
            number: f[1].into(),
            date: f[2].into(),
            office: f[3].into(),
            holder: f[4].into(),
            digest: f[5].into(),
            key_id: f[6].into(),
        };
        Ok((p, Signature::from_bytes(&sig), body))
    }

    /// Decodes and checks the signature against the office keys given.
    pub fn verify(s: &str, keys: &[(String, VerifyingKey)]) -> Result<Payload, PayloadError> {
        let (p, sig, body) = Payload::decode(s)?;
        let key = keys
            .iter()
            .find(|(id, _)| *id == p.key_id)
            .ok_or_else(|| PayloadError::UnknownKey(p.key_id.clone()))?;
        key.1.verify(&body, &sig).map_err(|_| PayloadError::BadSignature)?;
        Ok(p)
    }
}

/// SHA-256 of a letter's text, in a fixed form: what the QR code vouches for.
pub fn content_digest(parts: &[&str]) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// A key id: the first 16 hex digits of the SHA-256 of the public key.
pub fn key_id(key: &VerifyingKey) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(key.as_bytes())[..8])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn sample(k: &SigningKey) -> Payload {
        Payload {
            doc_type: "skk".into(),
            number: "470/12/Disdukcapil/XI/2026".into(),
            date: "2026-11-24".into(),
            office: "33.20".into(),
            holder: "B*** S******".into(),
            digest: "ab".repeat(32),
            key_id: key_id(&k.verifying_key()),
        }
    }

    #[test]
    fn a_signed_payload_verifies_and_a_forged_one_does_not() {
        let k = key(1);
        let keys = vec![(key_id(&k.verifying_key()), k.verifying_key())];
        let p = sample(&k);
        let code = p.sign(&k).unwrap();
        assert_eq!(Payload::verify(&code, &keys).unwrap(), p);

        // Change the number inside and keep the signature: refused.
        let mut forged = p.clone();
        forged.number = "470/13/Disdukcapil/XI/2026".into();
        let forged_code = forged.sign(&k).unwrap();
        let tampered =
            format!("{}.{}", forged_code.rsplit_once('.').unwrap().0, code.rsplit_once('.').unwrap().1);
        assert_eq!(Payload::verify(&tampered, &keys), Err(PayloadError::BadSignature));
        // Signed by another key claiming this office's id: refused.
        let mut other = p.clone();
        other.key_id = keys[0].0.clone();
        assert_eq!(Payload::verify(&other.sign(&key(2)).unwrap(), &keys), Err(PayloadError::BadSignature));
        // A key nobody knows.
        assert!(matches!(
            Payload::verify(&sample(&key(3)).sign(&key(3)).unwrap(), &keys),
            Err(PayloadError::UnknownKey(_))
        ));
    }

    #[test]
    fn junk_is_refused_without_panic() {
        for junk in ["", "v1", "v1..", "v2.a.b", "v1.!!.??", "v1.YQ.YQ", &"v1.".repeat(1000)] {
            assert!(Payload::decode(junk).is_err(), "{junk}");
        }
    }

    proptest! {
        #[test]
        fn any_text_decodes_or_errs(s in "\\PC{0,300}") {
            let _ = Payload::decode(&s);
        }
    }
}
