//! Office identity: the Kemendagri region code, the level and the time zone.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A Kemendagri code of a province (`73`) or a kab/kota (`33.20`), the key
/// of an office. Parsed once at the edge so the rest of the code can trust it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OfficeCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid office code `{0}`: expected a province code `PP` or a kab/kota code `PP.KK` (digits)")]
pub struct InvalidOfficeCode(pub String);

impl OfficeCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The two-digit province prefix.
    pub fn province(&self) -> &str {
        &self.0[..2]
    }

    pub fn level(&self) -> OfficeLevel {
        if self.0.len() == 2 { OfficeLevel::Province } else { OfficeLevel::KabKota }
    }

    /// The office one level up: the province office of a kab/kota office.
    pub fn parent(&self) -> Option<OfficeCode> {
        (self.level() == OfficeLevel::KabKota).then(|| OfficeCode(self.province().to_string()))
    }
}

impl FromStr for OfficeCode {
    type Err = InvalidOfficeCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
        let ok = match s.split_once('.') {
            None => digits(s),
            Some((p, k)) => digits(p) && digits(k) && k != "00",
        };
        if ok && &s[..2] != "00" {
            Ok(OfficeCode(s.to_string()))
        } else {
            Err(InvalidOfficeCode(s.to_string()))
        }
    }
}

impl TryFrom<String> for OfficeCode {
    type Error = InvalidOfficeCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<OfficeCode> for String {
    fn from(c: OfficeCode) -> String {
        c.0
    }
}

impl fmt::Display for OfficeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficeLevel {
    Province,
    KabKota,
}

impl OfficeLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeLevel::Province => "province",
            OfficeLevel::KabKota => "kab_kota",
        }
    }
}

/// Indonesia's three zones. None observes daylight saving, so a fixed
/// offset is exact and we need no tz database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum TimeZone {
    #[serde(rename = "WIB")]
    Wib,
    #[serde(rename = "WITA")]
    Wita,
    #[serde(rename = "WIT")]
    Wit,
}

impl TimeZone {
    /// The zone of a province, by its Kemendagri code. Source: UU/Keppres
    /// 41/1987 zoning; Kalimantan Barat and Tengah are WIB, Kalimantan
    /// Selatan, Timur and Utara, Sulawesi, Bali and Nusa Tenggara are WITA,
    /// Maluku and Papua are WIT.
    pub fn for_province(province: &str) -> TimeZone {
        match province {
            "51" | "52" | "53" | "63" | "64" | "65" | "71" | "72" | "73" | "74" | "75" | "76" => {
                TimeZone::Wita
            }
            "81" | "82" | "91" | "92" | "93" | "94" | "95" | "96" | "97" => TimeZone::Wit,
            _ => TimeZone::Wib,
        }
    }

    pub fn utc_offset_hours(self) -> i32 {
        match self {
            TimeZone::Wib => 7,
            TimeZone::Wita => 8,
            TimeZone::Wit => 9,
        }
    }

    pub fn offset(self) -> chrono::FixedOffset {
        chrono::FixedOffset::east_opt(self.utc_offset_hours() * 3600)
            .expect("7 to 9 hours is within FixedOffset's range")
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TimeZone::Wib => "WIB",
            TimeZone::Wita => "WITA",
            TimeZone::Wit => "WIT",
        }
    }
}

impl FromStr for TimeZone {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "WIB" => Ok(TimeZone::Wib),
            "WITA" => Ok(TimeZone::Wita),
            "WIT" => Ok(TimeZone::Wit),
            other => Err(format!("unknown time zone `{other}` (expected WIB, WITA or WIT)")),
        }
    }
}

impl std::fmt::Display for TimeZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The store keeps a zone as its name.
impl TryFrom<String> for TimeZone {
    type Error = String;
    fn try_from(s: String) -> Result<TimeZone, String> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_the_seed_offices_parse_with_their_level_and_parent() {
        let jepara: OfficeCode = "33.20".parse().unwrap();
        assert_eq!(jepara.level(), OfficeLevel::KabKota);
        assert_eq!(jepara.parent().unwrap().as_str(), "33");
        let sulsel: OfficeCode = "73".parse().unwrap();
        assert_eq!(sulsel.level(), OfficeLevel::Province);
        assert_eq!(sulsel.parent(), None);
    }

    #[test]
    fn malformed_codes_are_rejected() {
        for bad in ["", "7", "733", "33.2", "33.200", "aa", "33.00", "00", "33-20", "33.20.01"] {
            assert!(bad.parse::<OfficeCode>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn zones_of_the_seed_provinces() {
        assert_eq!(TimeZone::for_province("73"), TimeZone::Wita);
        assert_eq!(TimeZone::for_province("62"), TimeZone::Wib);
        assert_eq!(TimeZone::for_province("33"), TimeZone::Wib);
        assert_eq!(TimeZone::for_province("16"), TimeZone::Wib);
        assert_eq!(TimeZone::for_province("17"), TimeZone::Wib);
        assert_eq!(TimeZone::for_province("94"), TimeZone::Wit);
        assert_eq!(TimeZone::Wita.offset().local_minus_utc(), 8 * 3600);
    }
}
