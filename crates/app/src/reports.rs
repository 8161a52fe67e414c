//! Reports an office publishes about a service. The IKD activation report
//! (Sulsel's *Aktivasi IKD*): per channel, kab/kota of origin and month,
//! the activations (cases completed), the failures by their recorded reason
//! (cases refused: `alasan_gagal`) and the median time from application to
//! activation.

use crate::accounts::Principal;
use crate::{App, Error};
use std::collections::BTreeMap;
use store::FinishedCase;

/// The IKD service of an office.
const IKD: &str = "aktivasi-ikd";
/// The field naming the applicant's kab/kota of origin.
const ORIGIN: &str = "kabkota_asal";
/// What a failed activation records.
const REASON: &str = "alasan_gagal";

/// One line: a channel, a kab/kota of origin and a month.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct IkdLine {
    pub channel: String,
    /// As the applicant gave it; `-` when not given (the counter's form
    /// does not ask).
    pub kab_kota: String,
    /// `YYYY-MM`, of the day the case ended (office time).
    pub month: String,
    pub activated: i64,
    pub failed: i64,
    /// Failures by reason (`tanpa_alasan` for one refused without).
    pub failures: BTreeMap<String, i64>,
    /// The median minutes from application to activation.
    pub median_minutes: Option<i64>,
}

/// The IKD report of the caller's office for the months `from`..=`to`
/// (`YYYY-MM`), for its staff.
pub async fn ikd(app: &App, who: &Principal, from: &str, to: &str) -> Result<Vec<IkdLine>, Error> {
    if !who.role.is_staff() {
        return Err(Error::forbidden("the office's staff read its reports"));
    }
    let office = who.user.office.as_str();
    let month = |text: &str, field: &'static str| {
        domain::stock::month(text, field).map_err(|(f, m)| Error::invalid(f, m))
    };
    let (first, last) = (month(from, "from")?, month(to, "to")?);
    if last < first {
        return Err(Error::invalid("to", "the last month comes after the first"));
    }
    let end = last.checked_add_months(chrono::Months::new(1)).unwrap_or(last);
    let zone = crate::clock::office_zone(office).offset();
    let ms = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(zone).single()).map(|t| t.timestamp_millis())
    };
    let (Some(from_ms), Some(to_ms)) = (ms(first), ms(end)) else {
        return Err(Error::invalid("from", "months that exist"));
    };
    let cases = app.store.finished_cases(office, IKD, from_ms, to_ms).await?;
    Ok(lines(&cases, zone))
}

/// The report's lines, sorted by channel, kab/kota and month.
fn lines(cases: &[FinishedCase], zone: chrono::FixedOffset) -> Vec<IkdLine> {
    let mut groups: BTreeMap<(String, String, String), (IkdLine, Vec<i64>)> = BTreeMap::new();
    for f in cases {
        let c = &f.case;
        let Some(ended) = c.finished_at else { continue };
        let fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&c.fields).unwrap_or_default();
        let origin = fields.get(ORIGIN).and_then(|v| v.as_str()).map(str::trim).filter(|s| !s.is_empty());
        let month = chrono::DateTime::from_timestamp_millis(ended)
            .unwrap_or_default()
            .with_timezone(&zone)
            .format("%Y-%m")
            .to_string();
        let key = (c.channel.clone(), origin.unwrap_or("-").to_string(), month.clone());
        let (line, minutes) = groups.entry(key).or_insert_with(|| {
            let line = IkdLine {
                channel: c.channel.clone(),
                kab_kota: origin.unwrap_or("-").to_string(),
                month,
                activated: 0,
                failed: 0,
                failures: BTreeMap::new(),
                median_minutes: None,
            };
            (line, Vec::new())
        });
        match c.status {
            domain::Status::Completed => {
                line.activated += 1;
                minutes.push((ended - c.created_at) / 60_000);
            }
            _ => {
                line.failed += 1;
                let data: serde_json::Map<String, serde_json::Value> =
                    f.refusal.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default();
                let reason = data.get(REASON).and_then(|v| v.as_str()).unwrap_or("tanpa_alasan");
                *line.failures.entry(reason.to_string()).or_default() += 1;
            }
        }
    }
    groups
        .into_values()
        .map(|(mut line, mut minutes)| {
            minutes.sort_unstable();
            line.median_minutes = median(&minutes);
            line
        })
        .collect()
}

/// The median of sorted values (the lower of the two middle ones).
fn median(sorted: &[i64]) -> Option<i64> {
    (!sorted.is_empty()).then(|| sorted[(sorted.len() - 1) / 2])
}

/// The report as a table (CSV and XLSX).
pub fn ikd_table(lines: &[IkdLine]) -> ::documents::xlsx::Sheet {
    use ::documents::xlsx::Cell;
    let header = ["channel", "kab_kota", "month", "activated", "failed", "failures", "median_minutes"];
    ::documents::xlsx::Sheet {
        name: "Aktivasi IKD".into(),
        header: header.map(String::from).to_vec(),
        rows: lines
            .iter()
            .map(|l| {
                let failures: Vec<String> = l.failures.iter().map(|(r, n)| format!("{r} {n}")).collect();
                vec![
                    Cell::from(l.channel.as_str()),
                    Cell::from(l.kab_kota.as_str()),
                    Cell::from(l.month.as_str()),
                    Cell::from(l.activated),
                    Cell::from(l.failed),
                    Cell::from(failures.join("; ")),
                    l.median_minutes.map(Cell::from).unwrap_or_else(|| Cell::from("")),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_median_is_the_middle_value() {
        assert_eq!(super::median(&[]), None);
        assert_eq!(super::median(&[5]), Some(5));
        assert_eq!(super::median(&[1, 5, 9]), Some(5));
        assert_eq!(super::median(&[1, 5, 9, 20]), Some(5));
    }
}
