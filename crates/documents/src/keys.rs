//! Office signing keys. Each office has an ed25519 key pair; the private
//! key is kept only encrypted (ChaCha20-Poly1305) with a secret from the
//! configuration, never in the clear in the database. Rotating a key keeps
//! the old public key so documents signed with it still verify.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use ed25519_dalek::{SigningKey, VerifyingKey};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the document secret must be 64 hex digits (32 bytes)")]
    Secret,
    #[error("an office key could not be decrypted: wrong document secret, or the stored key was altered")]
    Decrypt,
    #[error("a stored public key is malformed")]
    Public,
}

/// The secret that encrypts the office keys (from configuration).
#[derive(Clone)]
pub struct Secret([u8; 32]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    pub fn from_hex(s: &str) -> Result<Secret, KeyError> {
        let bytes = hex::decode(s.trim()).map_err(|_| KeyError::Secret)?;
        Ok(Secret(bytes.try_into().map_err(|_| KeyError::Secret)?))
    }

    pub fn generate() -> Secret {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).expect("the OS random source is available");
        Secret(b)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A signing key of its own for `purpose`, derived from the secret:
    /// whoever holds the secret makes the same key again; the database
    /// alone does not give it (unlike the office keys, whose public halves
    /// are stored there).
    pub fn derived_key(&self, purpose: &str) -> SigningKey {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [b"layanan derived key".as_slice(), purpose.as_bytes(), &self.0] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        SigningKey::from_bytes(&h.finalize().into())
    }
}

/// A new key pair.
pub fn generate() -> SigningKey {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the OS random source is available");
    SigningKey::from_bytes(&b)
}

/// `nonce ‖ ciphertext` in hex.
pub fn encrypt(secret: &Secret, key: &SigningKey) -> String {
    seal(secret, "", key.to_bytes().as_slice())
}

pub fn decrypt(secret: &Secret, stored: &str) -> Result<SigningKey, KeyError> {
    let plain = open(secret, "", stored)?;
    let arr: [u8; 32] = plain.try_into().map_err(|_| KeyError::Decrypt)?;
    Ok(SigningKey::from_bytes(&arr))
}

/// Encrypts `plain` under the secret for one `purpose` (the associated
/// data: a value sealed for one purpose does not open as another's):
/// `nonce ‖ ciphertext` in hex. The office keys are sealed with the empty
/// purpose, as they always were; a second factor's secret with its own.
pub fn seal(secret: &Secret, purpose: &str, plain: &[u8]) -> String {
    let cipher = ChaCha20Poly1305::new(&Key::from(secret.0));
    let mut nonce = [0u8; 12];
    getrandom::fill(&mut nonce).expect("the OS random source is available");
    // Encrypting with a valid key and a fresh nonce cannot fail.
    let ct = cipher
        .encrypt(&Nonce::from(nonce), Payload { msg: plain, aad: purpose.as_bytes() })
        .unwrap_or_default();
    format!("{}{}", hex::encode(nonce), hex::encode(ct))
}

/// Opens what [`seal`] sealed for `purpose`; `Decrypt` if the secret, the
/// purpose or the stored text is not the one it was sealed with.
pub fn open(secret: &Secret, purpose: &str, stored: &str) -> Result<Vec<u8>, KeyError> {
    let bytes = hex::decode(stored).map_err(|_| KeyError::Decrypt)?;
    if bytes.len() < 12 {
        return Err(KeyError::Decrypt);
    }
    let (nonce, ct) = bytes.split_at(12);
    let cipher = ChaCha20Poly1305::new(&Key::from(secret.0));
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| KeyError::Decrypt)?;
    cipher
        .decrypt(&Nonce::from(nonce), Payload { msg: ct, aad: purpose.as_bytes() })
        .map_err(|_| KeyError::Decrypt)
}

pub fn public_from_hex(s: &str) -> Result<VerifyingKey, KeyError> {
    let arr: [u8; 32] =
        hex::decode(s).map_err(|_| KeyError::Public)?.try_into().map_err(|_| KeyError::Public)?;
    VerifyingKey::from_bytes(&arr).map_err(|_| KeyError::Public)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_only_with_the_right_secret() {
        let secret = Secret::generate();
        let key = generate();
        let stored = encrypt(&secret, &key);
        assert!(!stored.contains(&hex::encode(key.to_bytes())), "the key is not stored in the clear");
        assert_eq!(decrypt(&secret, &stored).unwrap().to_bytes(), key.to_bytes());
        assert_eq!(decrypt(&Secret::generate(), &stored).unwrap_err(), KeyError::Decrypt);
        let mut altered = stored.clone();
        altered.replace_range(30..32, if &stored[30..32] == "00" { "01" } else { "00" });
        assert_eq!(decrypt(&secret, &altered).unwrap_err(), KeyError::Decrypt);
        assert!(Secret::from_hex("abc").is_err());
        assert_eq!(Secret::from_hex(&secret.to_hex()).unwrap().0, secret.0);
    }

    #[test]
    fn a_sealed_value_opens_only_for_its_purpose_and_secret() {
        let secret = Secret::generate();
        let stored = seal(&secret, "totp", b"twenty bytes secret!");
        assert!(!stored.contains(&hex::encode(b"twenty bytes secret!")));
        assert_eq!(open(&secret, "totp", &stored).unwrap(), b"twenty bytes secret!");
        assert_eq!(open(&secret, "", &stored).unwrap_err(), KeyError::Decrypt, "another purpose");
        assert_eq!(open(&Secret::generate(), "totp", &stored).unwrap_err(), KeyError::Decrypt);
        assert_eq!(open(&secret, "totp", "zz").unwrap_err(), KeyError::Decrypt);
    }
}
