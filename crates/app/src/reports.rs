//! Reports an office publishes about a service. The IKD activation report
//! (Sulsel's *Aktivasi IKD*): per channel, kab/kota of origin and month,
//! the activations (cases completed), the failures by their recorded reason
//! (cases refused: `alasan_gagal`) and the median time from application to
//! activation. The legalisation register (Jepara's legalisir, step 7's
//! *agenda*): every sheet stamped, by its number. The village kiosks'
//! applications, per village and service.

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
    let (from_ms, to_ms) = months(office, from, to)?;
    let cases = app.store.finished_cases(office, IKD, from_ms, to_ms).await?;
    Ok(lines(&cases, crate::clock::office_zone(office).offset()))
}

/// The months `from`..=`to` (`YYYY-MM`) in the office's time, as ms: the
/// first month's start and the day after the last.
pub(crate) fn months(office: &str, from: &str, to: &str) -> Result<(i64, i64), Error> {
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
    match (ms(first), ms(end)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(Error::invalid("from", "months that exist")),
    }
}

/// The kind of a legalised sheet's stamp page.
const LEGALISIR: &str = "legalisir";
/// At most this many rows in one register answer.
const REGISTER_ROWS: i64 = 10_000;

/// One sheet stamped: a row of the legalisation register.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Legalisation {
    /// The legalisation number the stamp page carries.
    pub number: String,
    /// When it was signed (RFC 3339, office time).
    pub signed_at: String,
    /// Its verification code (`/verify/{code}`).
    pub code: String,
    pub tracking_code: String,
    /// The applicant, masked.
    pub holder: String,
    /// The documents the request names.
    pub documents: String,
    /// This sheet, and of how many in the request.
    pub sheet: u32,
    pub sheets: u32,
    pub revoked: bool,
}

/// The legalisation register of the caller's office for the months
/// `from`..=`to`: every stamp page in the order of its number, with the
/// request it belongs to.
pub async fn legalisations(
    app: &App,
    who: &Principal,
    from: &str,
    to: &str,
) -> Result<Vec<Legalisation>, Error> {
    if !who.role.is_staff() {
        return Err(Error::forbidden("the office's staff read its registers"));
    }
    let office = who.user.office.as_str();
    let (from_ms, to_ms) = months(office, from, to)?;
    let docs = app.store.documents_issued(office, LEGALISIR, from_ms, to_ms, REGISTER_ROWS).await?;
    let zone = crate::clock::office_zone(office);
    let mut cases: BTreeMap<i64, (store::Case, u32)> = BTreeMap::new();
    let mut rows = Vec::with_capacity(docs.len());
    for d in docs {
        let Some(case_id) = d.case_id else { continue };
        if let std::collections::btree_map::Entry::Vacant(slot) = cases.entry(case_id) {
            let Some(c) = app.store.case(case_id).await? else { continue };
            // Sheets signed before `from` count too: the first here may be the third.
            let before = app.store.case_documents(case_id).await?;
            let earlier = before.iter().filter(|x| x.doc_type == LEGALISIR && x.issued_at < from_ms).count();
            slot.insert((c, earlier as u32));
        }
        let Some((c, seen)) = cases.get_mut(&case_id) else { continue };
        *seen += 1;
        let fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&c.fields).unwrap_or_default();
        let text = |k: &str| fields.get(k).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
        rows.push(Legalisation {
            number: d.number,
            signed_at: crate::clock::rfc3339(Some(d.issued_at), zone).unwrap_or_default(),
            code: d.code,
            tracking_code: c.tracking_code.clone(),
            holder: d.holder,
            documents: text("dokumen").unwrap_or_default(),
            sheet: *seen,
            sheets: text("jumlah_lembar").and_then(|n| n.trim().parse().ok()).unwrap_or(*seen),
            revoked: d.revoked_at.is_some(),
        });
    }
    Ok(rows)
}

/// The register as a table (CSV and XLSX).
pub fn legalisations_table(rows: &[Legalisation]) -> ::documents::xlsx::Sheet {
    use ::documents::xlsx::Cell;
    let header = [
        "nomor",
        "ditandatangani",
        "kode_verifikasi",
        "kode_lacak",
        "pemohon",
        "dokumen",
        "lembar",
        "dicabut",
    ];
    ::documents::xlsx::Sheet {
        name: "Register Legalisir".into(),
        header: header.map(String::from).to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::from(r.number.as_str()),
                    Cell::from(r.signed_at.as_str()),
                    Cell::from(r.code.as_str()),
                    Cell::from(r.tracking_code.as_str()),
                    Cell::from(r.holder.as_str()),
                    Cell::from(r.documents.as_str()),
                    Cell::from(format!("{} / {}", r.sheet, r.sheets).as_str()),
                    Cell::from(if r.revoked { "ya" } else { "" }),
                ]
            })
            .collect(),
    }
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

/// One village kiosk's applications for one service.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct KioskLine {
    /// The village's code (the kiosk account's unit) and name.
    pub village: String,
    pub village_name: String,
    pub service: String,
    pub applications: i64,
}

/// The applications the office's village kiosks registered in the months
/// `from`..=`to`, per village and service, for its staff.
pub async fn kiosks(app: &App, who: &Principal, from: &str, to: &str) -> Result<Vec<KioskLine>, Error> {
    if !who.role.is_staff() {
        return Err(Error::forbidden("the office's staff read its reports"));
    }
    let office = who.user.office.as_str();
    let (from_ms, to_ms) = months(office, from, to)?;
    let kiosks: BTreeMap<String, String> = app
        .store
        .users(Some(office))
        .await?
        .into_iter()
        .filter(|u| u.role == domain::Role::Desa)
        .filter_map(|u| Some((u.username, u.unit?)))
        .collect();
    let mut lines: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in app.store.registered_by(office, from_ms, to_ms).await? {
        if let Some(village) = kiosks.get(&r.created_by) {
            *lines.entry((village.clone(), r.service)).or_default() += r.cases;
        }
    }
    let mut out = Vec::with_capacity(lines.len());
    for ((village, service), applications) in lines {
        let village_name = app.store.region(&village).await?.map(|r| r.name).unwrap_or_default();
        out.push(KioskLine { village, village_name, service, applications });
    }
    Ok(out)
}

/// The kiosks' report as a table (CSV and XLSX).
pub fn kiosks_table(lines: &[KioskLine]) -> ::documents::xlsx::Sheet {
    use ::documents::xlsx::Cell;
    ::documents::xlsx::Sheet {
        name: "Kios Desa".into(),
        header: ["kode_desa", "desa_kelurahan", "layanan", "permohonan"].map(String::from).to_vec(),
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    Cell::from(l.village.as_str()),
                    Cell::from(l.village_name.as_str()),
                    Cell::from(l.service.as_str()),
                    Cell::from(l.applications),
                ]
            })
            .collect(),
    }
}
