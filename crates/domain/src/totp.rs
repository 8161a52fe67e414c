//! Time-based one-time passwords, the second factor of officials (RFC 6238
//! over RFC 4226's HOTP): what an authenticator app shows. HMAC-SHA-1, six
//! digits, 30-second steps — the parameters every app assumes from an
//! `otpauth://` address without asking.

use crate::constant_time_eq;
use hmac::{KeyInit, Mac};

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits of a code.
pub const DIGITS: usize = 6;
/// Steps either side of now that still count: a phone's clock drifts, and
/// RFC 6238 §5.2 recommends at most one step of allowance.
pub const DRIFT: i64 = 1;
/// Bytes of a new secret: 160 bits, RFC 4226's recommended length.
pub const SECRET_BYTES: usize = 20;

/// HOTP (RFC 4226 §5.3): the code of `counter` under `secret`.
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let word =
        u32::from_be_bytes([digest[offset], digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    (word & 0x7fff_ffff) % 10u32.pow(DIGITS as u32)
}

/// The step a moment (unix milliseconds) falls in.
pub fn step(unix_ms: i64) -> i64 {
    unix_ms.div_euclid(STEP_SECONDS * 1000)
}

/// The code an app shows at `unix_ms`, zero-padded.
pub fn code_at(secret: &[u8], unix_ms: i64) -> String {
    format!("{:0width$}", hotp(secret, step(unix_ms) as u64), width = DIGITS)
}

/// Whether `typed` looks like a code (six digits once spaces are gone),
/// rather than a recovery code.
pub fn is_code(typed: &str) -> bool {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The step whose code `typed` is, within [`DRIFT`] of `now_ms` and later
/// than `last` — a code is accepted once (RFC 6238 §5.2), so one seen over
/// a shoulder or in a log cannot be used again.
pub fn matching_step(secret: &[u8], typed: &str, now_ms: i64, last: Option<i64>) -> Option<i64> {
    if !is_code(typed) {
        return None;
    }
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let now = step(now_ms);
    (now - DRIFT..=now + DRIFT)
        .filter(|s| *s >= 0 && last.is_none_or(|l| *s > l))
        .find(|s| constant_time_eq(&format!("{:0w$}", hotp(secret, *s as u64), w = DIGITS), &typed))
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding: how a secret is typed into an app.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            out.push(BASE32[((bits >> (35 - i * 5)) & 31) as usize] as char);
        }
    }
    out
}

/// Reads base32 (any case, spaces and padding ignored); `None` if a
/// character is not base32.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = BASE32.iter().position(|b| *b as char == c.to_ascii_uppercase())? as u32;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The `otpauth://` address an app reads from a QR code (Key Uri Format):
/// the issuer and the account name label it in the app.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let label = format!("{}:{}", encode(issuer), encode(account));
    format!(
        "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        base32(secret),
        encode(issuer)
    )
}

/// Percent-encodes all but unreserved characters (RFC 3986).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 secret: "12345678901234567890".
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn the_rfc_6238_test_vectors_give_their_codes() {
        // Appendix B lists eight digits; six are the same number mod 10^6.
        for (seconds, eight) in [
            (59, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(
                code_at(RFC_SECRET, seconds * 1000),
                format!("{:06}", eight % 1_000_000),
                "t = {seconds}"
            );
        }
    }

    #[test]
    fn the_rfc_4226_test_vectors_give_their_codes() {
        let expected = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(hotp(RFC_SECRET, counter as u64), *code);
        }
    }

    #[test]
    fn a_code_counts_one_step_either_side_and_once() {
        let now = 1_111_111_111_000;
        let code = code_at(RFC_SECRET, now);
        let s = step(now);
        assert_eq!(matching_step(RFC_SECRET, &code, now, None), Some(s));
        assert_eq!(matching_step(RFC_SECRET, &code, now + 30_000, None), Some(s), "a phone a step behind");
        assert_eq!(matching_step(RFC_SECRET, &code, now - 30_000, None), Some(s), "a step ahead");
        assert_eq!(matching_step(RFC_SECRET, &code, now + 60_000, None), None, "two steps late");
        assert_eq!(matching_step(RFC_SECRET, &code, now, Some(s)), None, "used once already");
        assert_eq!(matching_step(RFC_SECRET, &code, now, Some(s - 1)), Some(s));
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(matching_step(RFC_SECRET, &spaced, now, None), Some(s), "typed with a space");
        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        assert_eq!(matching_step(RFC_SECRET, &wrong, now, None), None);
        assert_eq!(matching_step(RFC_SECRET, "abcdef", now, None), None);
        assert_eq!(matching_step(RFC_SECRET, "1234567", now, None), None);
    }

    #[test]
    fn base32_is_rfc_4648_and_reads_back() {
        // RFC 4648 §10's vectors, without padding.
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(plain.as_bytes()), encoded);
            assert_eq!(base32_decode(encoded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base32_decode("mzxw 6ytb oi======").unwrap(), b"foobar");
        assert_eq!(base32_decode("MZX1"), None, "1 is not base32");
        assert_eq!(base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    #[test]
    fn the_otpauth_address_names_the_issuer_and_account() {
        let uri = otpauth_uri("layanan 33.20", "jepara.admin", RFC_SECRET);
        assert_eq!(
            uri,
            "otpauth://totp/layanan%2033.20:jepara.admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=layanan%2033.20&algorithm=SHA1&digits=6&period=30"
        );
    }
}
