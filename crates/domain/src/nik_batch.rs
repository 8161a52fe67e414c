//! The NIK batch check of a verification session (Sulsel *Verifikasi dan
//! Validasi Data*): one row of an institution's file — the NIK, and what
//! else it gives (name, birth date, sex, KK) — checked against the NIK's
//! own structure and the region list. Errors make a row invalid; warnings
//! deserve a look (a region code no longer in the list, a date possible only
//! in some years). The CSV plumbing is in `app::nik_batch`.

use crate::nik::{Nik, NikError, NikWarning, Sex};

/// The columns an input file may have, by header name.
pub const INPUT_COLUMNS: [&str; 5] = ["nik", "nama", "tanggal_lahir", "jenis_kelamin", "kk"];

/// The header of the result, one line per input row in input order.
pub const OUTPUT_HEADER: &str =
    "row,nik,valid,errors,warnings,provinsi,kabupaten_kota,kecamatan,tanggal_lahir,jenis_kelamin";

/// One input row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowInput<'a> {
    pub nik: &'a str,
    pub name: Option<&'a str>,
    pub birth_date: Option<&'a str>,
    pub sex: Option<&'a str>,
    pub kk: Option<&'a str>,
}

/// What one row's check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowCheck {
    /// Error codes (`nik_length`, `birth_date_mismatch`, …), in order.
    pub errors: Vec<&'static str>,
    pub warnings: Vec<&'static str>,
    pub province: String,
    pub kab_kota: String,
    pub kecamatan: String,
    /// `DD-MM-YY` from the NIK (the century is not in it), or the given
    /// date when it agrees.
    pub birth_date: String,
    /// `L` or `P`.
    pub sex: String,
}

impl RowCheck {
    pub fn valid(&self) -> bool {
        self.errors.is_empty()
    }
}

fn nik_error(e: &NikError) -> &'static str {
    match e {
        NikError::Length { .. } => "nik_length",
        NikError::NotDigits => "nik_not_digits",
        NikError::Day { .. } => "nik_birth_day",
        NikError::Month { .. } => "nik_birth_month",
        NikError::Serial => "nik_serial",
    }
}

/// A date as people write it in these files: `YYYY-MM-DD`, `DD-MM-YYYY` or
/// `DD/MM/YYYY`; `(day, month, year)`.
fn date_parts(s: &str) -> Option<(u32, u32, i32)> {
    let parts: Vec<&str> = s.trim().split(['-', '/']).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let n = |t: &str| t.parse::<i64>().ok();
    let (d, m, y) = if a.len() == 4 { (n(c)?, n(b)?, n(a)?) } else { (n(a)?, n(b)?, n(c)?) };
    chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, u32::try_from(m).ok()?, u32::try_from(d).ok()?)?;
    Some((u32::try_from(d).ok()?, u32::try_from(m).ok()?, i32::try_from(y).ok()?))
}

/// Checks one row. `region` names a region code (`PP`, `PP.KK`,
/// `PP.KK.CC`) from the list, or `None` when it is not in it.
pub fn check<'r>(row: &RowInput<'_>, region: impl Fn(&str) -> Option<&'r str>) -> RowCheck {
    let mut out = RowCheck::default();
    match Nik::parse(row.nik.trim()) {
        Err(e) => out.errors.push(nik_error(&e)),
        Ok(nik) => {
            let s = nik.as_str();
            let codes = [s[0..2].to_string(), format!("{}.{}", &s[0..2], &s[2..4]), nik.kecamatan_code()];
            out.province = region(&codes[0]).unwrap_or_default().to_string();
            out.kab_kota = region(&codes[1]).unwrap_or_default().to_string();
            out.kecamatan = region(&codes[2]).unwrap_or_default().to_string();
            for w in nik.warnings(region(&codes[2]).is_some()) {
                out.warnings.push(match w {
                    NikWarning::UnknownRegion { .. } => "unknown_region",
                    NikWarning::UnusualDate => "unusual_date",
                });
            }
            let (d, m, y) = nik.birth_ddmmyy();
            out.birth_date = format!("{d:02}-{m:02}-{y:02}");
            out.sex = match nik.sex() {
                Sex::Male => "L".into(),
                Sex::Female => "P".into(),
            };
            if let Some(given) = row.birth_date.map(str::trim).filter(|g| !g.is_empty()) {
                match date_parts(given) {
                    None => out.errors.push("birth_date_unreadable"),
                    Some((gd, gm, gy))
                        if (gd, gm, gy.rem_euclid(100)) != (u32::from(d), u32::from(m), i32::from(y)) =>
                    {
                        out.errors.push("birth_date_mismatch")
                    }
                    Some((gd, gm, gy)) => out.birth_date = format!("{gd:02}-{gm:02}-{gy:04}"),
                }
            }
            if let Some(given) = row.sex.map(str::trim).filter(|g| !g.is_empty()) {
                let g = match given.to_ascii_uppercase().as_str() {
                    "L" | "LK" | "LAKI-LAKI" | "M" => Some("L"),
                    "P" | "PR" | "PEREMPUAN" | "F" => Some("P"),
                    _ => None,
                };
                match g {
                    None => out.errors.push("sex_unreadable"),
                    Some(g) if g != out.sex => out.errors.push("sex_mismatch"),
                    Some(_) => {}
                }
            }
        }
    }
    if let Some(kk) = row.kk.map(str::trim).filter(|k| !k.is_empty()) {
        let b = kk.as_bytes();
        if b.len() != 16 || !b.iter().all(u8::is_ascii_digit) {
            out.errors.push("kk_structure");
        } else if &b[12..16] == b"0000" {
            out.errors.push("kk_serial");
        } else if region(&format!("{}.{}.{}", &kk[0..2], &kk[2..4], &kk[4..6])).is_none() {
            out.warnings.push("kk_unknown_region");
        }
    }
    if row.name.is_some_and(|n| n.trim().is_empty() || n.chars().any(|c| c.is_ascii_digit())) {
        out.warnings.push("name_suspect");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str) -> Option<&'static str> {
        match code {
            "73" => Some("SULAWESI SELATAN"),
            "73.71" => Some("KOTA MAKASSAR"),
            "73.71.01" => Some("Mariso"),
            _ => None,
        }
    }

    fn row(nik: &str) -> RowInput<'_> {
        RowInput { nik, ..Default::default() }
    }

    #[test]
    fn a_good_row_decodes_its_region_date_and_sex() {
        let r = check(
            &RowInput {
                birth_date: Some("1990-08-17"),
                sex: Some("P"),
                kk: Some("7371010101100001"),
                ..row("7371015708900001")
            },
            region,
        );
        assert_eq!(r.errors, Vec::<&str>::new());
        assert_eq!(
            (r.province.as_str(), r.kab_kota.as_str(), r.kecamatan.as_str()),
            ("SULAWESI SELATAN", "KOTA MAKASSAR", "Mariso")
        );
        assert_eq!((r.birth_date.as_str(), r.sex.as_str()), ("17-08-1990", "P"));
    }

    #[test]
    fn each_planted_error_is_named() {
        let nik = "7371015708900001";
        let cases = [
            (row("737101570890001"), "nik_length"),
            (row("73710157089000x1"), "nik_not_digits"),
            (row("7371013508900001"), "nik_birth_day"),
            (row("7371011513900001"), "nik_birth_month"),
            (row("7371015708900000"), "nik_serial"),
            (RowInput { birth_date: Some("1990-08-18"), ..row(nik) }, "birth_date_mismatch"),
            (RowInput { birth_date: Some("kemarin"), ..row(nik) }, "birth_date_unreadable"),
            (RowInput { sex: Some("L"), ..row(nik) }, "sex_mismatch"),
            (RowInput { kk: Some("73710101011000"), ..row(nik) }, "kk_structure"),
            (RowInput { kk: Some("7371010101100000"), ..row(nik) }, "kk_serial"),
        ];
        for (input, code) in cases {
            assert_eq!(check(&input, region).errors, vec![code], "{input:?}");
        }
    }

    #[test]
    fn odd_but_possible_is_a_warning() {
        let r = check(&row("9999015708900001"), region);
        assert!(r.valid());
        assert_eq!(r.warnings, ["unknown_region"]);
        let r = check(
            &RowInput { birth_date: Some("17/08/1990"), sex: Some("perempuan"), ..row("7371015708900001") },
            region,
        );
        assert!(r.valid() && r.warnings.is_empty(), "{r:?}");
    }
}
