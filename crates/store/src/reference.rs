//! Reference data shipped inside the binary (never downloaded at run time):
//! the Kemendagri region codes (Kepmendagri 300.2.2-2138/2025, MIT licence,
//! see `reference/wilayah.LICENSE`) and the national holidays 2023-2027.

use crate::{Holiday, Region, Result, Store, StoreError};

pub const WILAYAH_CSV: &str = include_str!("../../../reference/wilayah.csv");
pub const HOLIDAYS_CSV: &str = include_str!("../../../reference/holidays.csv");

/// Parses `kode,nama` rows. A malformed row is an error naming its line,
/// so an edited file cannot half-load.
pub fn parse_regions(csv_text: &str) -> Result<Vec<Region>> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out = Vec::with_capacity(92_000);
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| StoreError::Invalid(format!("regions line {line}: {e}")))?;
        let (Some(code), Some(name)) = (rec.get(0), rec.get(1)) else {
            return Err(StoreError::Invalid(format!("regions line {line}: expected `kode,nama`")));
        };
        let level = code.split('.').count();
        let valid = (1..=4).contains(&level)
            && code.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if !valid || name.trim().is_empty() {
            return Err(StoreError::Invalid(format!("regions line {line}: bad code `{code}` or empty name")));
        }
        let parent = code.rsplit_once('.').map(|(p, _)| p.to_string());
        out.push(Region { code: code.to_string(), name: name.to_string(), level: level as i32, parent });
    }
    Ok(out)
}

/// Parses `date,kind,name` rows of the holiday table.
pub fn parse_holidays(csv_text: &str) -> Result<Vec<Holiday>> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| StoreError::Invalid(format!("holidays line {line}: {e}")))?;
        let (Some(date), Some(kind), Some(name)) = (rec.get(0), rec.get(1), rec.get(2)) else {
            return Err(StoreError::Invalid(format!("holidays line {line}: expected `date,kind,name`")));
        };
        if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err()
            || !matches!(kind, "libur_nasional" | "cuti_bersama")
        {
            return Err(StoreError::Invalid(format!(
                "holidays line {line}: bad date `{date}` or kind `{kind}`"
            )));
        }
        out.push(Holiday { date: date.into(), kind: kind.into(), name: name.into() });
    }
    Ok(out)
}

/// Loads the regions and holidays into an empty store and says how many
/// of each; a store that has them already is left alone (`None`), so
/// restarts are fast.
pub async fn ensure_loaded(store: &dyn Store) -> Result<Option<(u64, u64)>> {
    if store.region_count().await? > 0 {
        return Ok(None);
    }
    let regions = store.import_regions(&parse_regions(WILAYAH_CSV)?).await?;
    let holidays = store.import_holidays(&parse_holidays(HOLIDAYS_CSV)?).await?;
    Ok(Some((regions, holidays)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_parse_with_the_decree_counts() {
        let regions = parse_regions(WILAYAH_CSV).unwrap();
        assert_eq!(regions.len(), 91_599);
        let count = |l| regions.iter().filter(|r| r.level == l).count();
        assert_eq!((count(1), count(2), count(3), count(4)), (38, 514, 7_285, 83_762));
        let jepara = regions.iter().find(|r| r.code == "33.20").unwrap();
        assert_eq!((jepara.name.as_str(), jepara.parent.as_deref()), ("Kabupaten Jepara", Some("33")));
        let holidays = parse_holidays(HOLIDAYS_CSV).unwrap();
        let cuti_2026 =
            holidays.iter().filter(|h| h.date.starts_with("2026") && h.kind == "cuti_bersama").count();
        assert_eq!(cuti_2026, 8);
    }

    #[test]
    fn a_bad_row_is_named_by_line() {
        let e = parse_regions("kode,nama\n11,Aceh\n11.x1,Bad\n").unwrap_err();
        assert!(e.to_string().contains("line 3"), "{e}");
        let e = parse_holidays("date,kind,name\n2026-13-01,libur_nasional,X\n").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
