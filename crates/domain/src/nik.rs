//! NIK (Nomor Induk Kependudukan): 16 digits `PP KK CC DDMMYY SSSS`.
//!
//! A structural check only: an invalid NIK is one that cannot have been
//! issued; things that are merely odd (a region code no longer in the list,
//! a date that disagrees with the record) are warnings, because the NIK is
//! for life and is never changed (PP 40/2019 Pasal 30(2)).

use serde::Serialize;
use std::fmt;

/// A NIK whose structure is valid.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nik([u8; 16]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NikError {
    #[error("NIK must be 16 digits, got {len} characters")]
    Length { len: usize },
    #[error("NIK must contain digits only")]
    NotDigits,
    #[error("NIK birth day {day:02} is impossible (01-31 for men, 41-71 for women)")]
    Day { day: u8 },
    #[error("NIK birth month {month:02} is outside 01-12")]
    Month { month: u8 },
    #[error("NIK serial 0000 is never issued")]
    Serial,
}

/// Things a valid NIK may show that deserve a look but not a rejection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NikWarning {
    /// The first six digits are not a kecamatan in the current code list
    /// (normal after pemekaran or for pre-SIAK numbers).
    UnknownRegion { prefix: String },
    /// 30/31 in a month that never has them, or 29 Feb: possible only in
    /// some years, and the century is not known from the NIK alone.
    UnusualDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Nik {
    /// Parses a NIK. Spaces and dots that people type are not accepted:
    /// the edge should pass exactly what was given so the message is honest.
    pub fn parse(s: &str) -> Result<Nik, NikError> {
        let b = s.as_bytes();
        if b.len() != 16 {
            return Err(NikError::Length { len: s.chars().count() });
        }
        if !b.iter().all(u8::is_ascii_digit) {
            return Err(NikError::NotDigits);
        }
        let two = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
        let day = two(6);
        if day == 0 || (32..=40).contains(&day) || day > 71 {
            return Err(NikError::Day { day });
        }
        let month = two(8);
        if !(1..=12).contains(&month) {
            return Err(NikError::Month { month });
        }
        if &b[12..16] == b"0000" {
            return Err(NikError::Serial);
        }
        let mut arr = [0u8; 16];
        arr.copy_from_slice(b);
        Ok(Nik(arr))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Province, kab/kota and kecamatan codes in Kemendagri dotted form.
    pub fn kecamatan_code(&self) -> String {
        let s = self.as_str();
        format!("{}.{}.{}", &s[0..2], &s[2..4], &s[4..6])
    }

    pub fn sex(&self) -> Sex {
        if self.0[6] >= b'4' { Sex::Female } else { Sex::Male }
    }

    /// Day of birth with the +40 for women removed, month, and two-digit year.
    pub fn birth_ddmmyy(&self) -> (u8, u8, u8) {
        let two = |i: usize| (self.0[i] - b'0') * 10 + (self.0[i + 1] - b'0');
        let day = two(6);
        (if day > 40 { day - 40 } else { day }, two(8), two(10))
    }

    /// Warnings about a structurally valid NIK. `region_known` says whether
    /// the kecamatan prefix is in the region list.
    pub fn warnings(&self, region_known: bool) -> Vec<NikWarning> {
        let mut w = Vec::new();
        if !region_known {
            w.push(NikWarning::UnknownRegion { prefix: self.kecamatan_code() });
        }
        let (d, m, _) = self.birth_ddmmyy();
        let max = match m {
            2 => 29,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if d > max || (m == 2 && d == 29) {
            w.push(NikWarning::UnusualDate);
        }
        w
    }

    /// `3320••••••••0001`: region prefix and serial kept, birth date hidden.
    /// This is the only form of a NIK that may appear in logs and public pages.
    pub fn masked(&self) -> String {
        mask(self.as_str())
    }
}

/// Masks any 16-digit number (NIK or KK) the same way, also an invalid one,
/// so that a rejected input does not leak into logs either.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 8 {
        return "•".repeat(chars.len());
    }
    let n = chars.len();
    chars.iter().enumerate().map(|(i, c)| if i < 4 || i >= n - 4 { *c } else { '•' }).collect()
}

impl fmt::Debug for Nik {
    /// Debug output is masked too: a `{:?}` in a log line must not leak.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_womans_nik_from_jepara() {
        let n = Nik::parse("3320015708900001").unwrap();
        assert_eq!(n.sex(), Sex::Female);
        assert_eq!(n.birth_ddmmyy(), (17, 8, 90));
        assert_eq!(n.kecamatan_code(), "33.20.01");
        assert_eq!(n.masked(), "3320••••••••0001");
        assert!(n.warnings(true).is_empty());
        assert_eq!(format!("{n:?}"), "Nik(3320••••••••0001)");
    }

    #[test]
    fn each_invalid_part_is_named() {
        assert_eq!(Nik::parse("123"), Err(NikError::Length { len: 3 }));
        assert_eq!(Nik::parse("33200157089000a1"), Err(NikError::NotDigits));
        assert_eq!(Nik::parse("3320010008900001"), Err(NikError::Day { day: 0 }));
        assert_eq!(Nik::parse("3320013508900001"), Err(NikError::Day { day: 35 }));
        assert_eq!(Nik::parse("3320017208900001"), Err(NikError::Day { day: 72 }));
        assert_eq!(Nik::parse("3320011513900001"), Err(NikError::Month { month: 13 }));
        assert_eq!(Nik::parse("3320011500900001"), Err(NikError::Month { month: 0 }));
        assert_eq!(Nik::parse("3320011508900000"), Err(NikError::Serial));
    }

    #[test]
    fn odd_but_legal_niks_warn() {
        let n = Nik::parse("9999993102900001").unwrap();
        let w = n.warnings(false);
        assert!(w.contains(&NikWarning::UnknownRegion { prefix: "99.99.99".into() }));
        assert!(w.contains(&NikWarning::UnusualDate));
    }

    proptest! {
        #[test]
        fn valid_structures_always_parse(pre in 110000u32..999999, d in 1u8..=31, f in any::<bool>(), m in 1u8..=12, y in 0u8..=99, s in 1u16..=9999) {
            let day = if f { d + 40 } else { d };
            let text = format!("{pre:06}{day:02}{m:02}{y:02}{s:04}");
            let n = Nik::parse(&text).unwrap();
            prop_assert_eq!(n.birth_ddmmyy(), (d, m, y));
            prop_assert_eq!(n.sex() == Sex::Female, f);
            prop_assert!(!n.masked().contains(&text[6..12]));
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = Nik::parse(&s);
            let _ = mask(&s);
        }
    }
}
