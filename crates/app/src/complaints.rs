//! Complaints, suggestions and feedback from every channel the standards
//! name. A complaint is a case of the office's `pengaduan` procedure
//! (`standards/shared/pengaduan.toml`): it runs on the engine's clocks
//! (5 working days unless the office publishes another time), escalates
//! like any case, keeps its journal, and its answer reaches the complainant
//! by their contact and on the tracking page. This module takes complaints
//! in (the web form, staff entering a slip, a call or a post, a question of
//! the information desk that was really a complaint, a SP4N-LAPOR! export)
//! and recaps them per month, unit and channel.

use crate::accounts::Principal;
use crate::cases::{Applicant, Submission};
use crate::{App, Error};
use documents::xlsx::{Cell, Sheet};
use domain::Role;
use domain::complaint::{self, Channel, LaporRow};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use store::Case;

/// A complaint as the API and the forms take it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComplaint {
    /// The office it is addressed to (`33.20`).
    pub office: String,
    /// The service it concerns (`33.20-legalisir`), if any.
    #[serde(default)]
    pub service: Option<String>,
    /// The tracking code of the application it concerns, if any.
    #[serde(default)]
    pub case: Option<String>,
    /// `web`, `langsung`, `telepon`, `whatsapp`, `email`, `media_sosial`,
    /// `kotak_saran` or `lapor`; all but `web` are entered by staff.
    #[schema(value_type = String)]
    pub channel: Option<Channel>,
    /// Optional: a complaint may be anonymous.
    #[serde(default)]
    pub name: Option<String>,
    /// A phone number or an e-mail address for the answer (optional).
    #[serde(default)]
    pub contact: Option<String>,
    pub text: String,
    /// One of the procedure's categories (`waktu`, `persyaratan`, …,
    /// `lainnya`, the default).
    #[serde(default)]
    pub category: Option<String>,
    /// The post's link, for `media_sosial`.
    #[serde(default)]
    pub link: Option<String>,
    /// The SP4N-LAPOR! report number, for `lapor`.
    #[serde(default)]
    pub lapor_number: Option<String>,
    /// When it was handed in (YYYY-MM-DD), for a slip or a report entered later.
    #[serde(default)]
    pub received_on: Option<String>,
}

/// The office's complaints procedure.
pub fn procedure<'a>(app: &'a App, office: &str) -> Result<&'a domain::Standard, Error> {
    app.catalog
        .get(&format!("{office}-{}", complaint::SERVICE))
        .map(|s| s.as_ref())
        .ok_or_else(|| Error::invalid("office", format!("office {office} takes no complaints here")))
}

/// Takes a complaint in: checks what it names (the service and the
/// application must be the office's), and opens its case on the channel it
/// came by. Channels other than the web form need the office's staff (`by`).
pub async fn submit(app: &App, c: &NewComplaint, by: Option<&Principal>) -> Result<Case, Error> {
    let channel = c.channel.ok_or_else(|| Error::invalid("channel", "say how the complaint arrived"))?;
    let std = procedure(app, c.office.trim())?;
    let sub = Submission {
        service: std.id(),
        channel: channel.case_channel().into(),
        applicant: complainant(c.name.as_deref(), c.contact.as_deref()),
        fields: form_fields(app, c, channel, std.office.as_str()).await?,
        letter: None,
    };
    let fields_named = |e: Error| match e {
        Error::Invalid { field, message } => Error::Invalid { field: field.map(|f| api_field(&f)), message },
        e => e,
    };
    crate::cases::submit(app, &sub, &[], by).await.map_err(fields_named)
}

/// The procedure's form filled from a complaint: its words, channel and
/// category, the service and unit it concerns (the application's when it
/// names one), the post's link, the LAPOR! number, the day it was handed in.
async fn form_fields(
    app: &App,
    c: &NewComplaint,
    channel: Channel,
    office: &str,
) -> Result<Map<String, Value>, Error> {
    let text = c.text.trim();
    if text.is_empty() || text.chars().count() > complaint::MAX_TEXT {
        let max = complaint::MAX_TEXT;
        let message = format!("write the complaint, suggestion or feedback (at most {max} characters)");
        return Err(Error::invalid("text", message));
    }
    let mut fields = Map::new();
    let mut put = |k: &str, v: &str| {
        if !v.trim().is_empty() {
            fields.insert(k.into(), Value::String(v.trim().to_string()));
        }
    };
    put("kanal", channel.as_str());
    put("kategori", c.category.as_deref().unwrap_or("lainnya"));
    put("isi", text);
    let concerned = concerned_case(app, office, c.case.as_deref()).await?;
    let service = match (&c.service, &concerned) {
        (Some(s), _) if !s.trim().is_empty() => Some(s.trim().to_string()),
        (_, Some(case)) => Some(format!("{}-{}", case.office, case.service)),
        _ => None,
    };
    if let Some(id) = &service {
        let s = app
            .catalog
            .get(id)
            .filter(|s| s.office.as_str() == office)
            .ok_or_else(|| Error::invalid("service", format!("office {office} has no service `{id}`")))?;
        put("layanan", id);
        put("unit", &s.unit);
        put("petugas", s.complaints.as_ref().map_or("", |c| c.officer.as_str()));
    }
    if let Some(case) = &concerned {
        put("kode_lacak_permohonan", &case.tracking_code);
    }
    if channel.needs_link() {
        let link = c.link.as_deref().unwrap_or_default();
        complaint::check_link(link).map_err(|m| Error::invalid("link", m))?;
        put("tautan", link);
    }
    put("nomor_lapor", c.lapor_number.as_deref().unwrap_or_default());
    put("tanggal_diterima", c.received_on.as_deref().unwrap_or_default());
    Ok(fields)
}

/// The API's name for a field the procedure's form names.
fn api_field(field: &str) -> String {
    match field {
        "fields.kanal" => "channel",
        "fields.kategori" => "category",
        "fields.isi" => "text",
        "fields.tautan" => "link",
        "fields.nomor_lapor" => "lapor_number",
        "fields.tanggal_diterima" => "received_on",
        "applicant.name" => "name",
        "applicant.phone" | "applicant.email" => "contact",
        other => other,
    }
    .to_string()
}

/// The complainant: a name and a contact if they gave them (a contact with
/// `@` is an e-mail address, anything else a phone number).
fn complainant(name: Option<&str>, contact: Option<&str>) -> Applicant {
    let contact = contact.map(str::trim).filter(|c| !c.is_empty());
    Applicant {
        name: name.map(str::trim).unwrap_or_default().to_string(),
        phone: contact.filter(|c| !c.contains('@')).map(String::from),
        email: contact.filter(|c| c.contains('@')).map(String::from),
        ..Applicant::default()
    }
}

/// The application a complaint names by its tracking code: it must be one
/// of the office's.
async fn concerned_case(app: &App, office: &str, code: Option<&str>) -> Result<Option<Case>, Error> {
    let Some(code) = code.map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    match app.store.case_by_tracking(&code).await? {
        Some(c) if c.office == office => Ok(Some(c)),
        _ => Err(Error::invalid(
            "case",
            format!("office {office} has no application with tracking code {code}"),
        )),
    }
}

/// A question of the information desk that is really a complaint becomes
/// one: the asker, their words and their channel move to a complaint that
/// names the question's tracking code, and the question's journal says so.
pub async fn from_question(app: &App, who: &Principal, question: &Case) -> Result<Case, Error> {
    who.require(&[Role::Operator, Role::Verifikator, Role::ComplaintHandler], &question.office)?;
    let at_desk = crate::informasi::desk(app, &question.office).is_ok_and(|d| d.slug == question.service);
    if !at_desk {
        return Err(Error::invalid("case", "only a question of the information desk is converted"));
    }
    if !question.status.is_active() {
        return Err(Error::NotAllowed("the question is already closed".into()));
    }
    let fields: Map<String, Value> = serde_json::from_str(&question.fields).unwrap_or_default();
    let text = fields.get(crate::informasi::QUESTION).and_then(Value::as_str).unwrap_or_default();
    let contact = question.applicant.phone.clone().or_else(|| question.applicant.email.clone());
    let c = NewComplaint {
        office: question.office.clone(),
        case: Some(question.tracking_code.clone()),
        channel: Some(if question.channel == "whatsapp" { Channel::Whatsapp } else { Channel::Web }),
        name: Some(question.applicant.name.clone()),
        contact,
        text: text.to_string(),
        ..NewComplaint::default()
    };
    let complaint = submit(app, &c, Some(who)).await?;
    let note = crate::cases::engine::ActionInput {
        action: "note".into(),
        note: Some(format!("Dialihkan menjadi pengaduan {}.", complaint.tracking_code)),
        expected_version: question.version,
        to_step: None,
        assignee: None,
        data: None,
    };
    let party = domain::case::Party::Staff {
        username: who.user.username.clone(),
        role: who.role,
        office: who.user.office.clone(),
    };
    crate::cases::act(app, question, &party, &note, &[]).await?;
    Ok(complaint)
}

/// What an import of a SP4N-LAPOR! export did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct LaporImport {
    /// New complaints opened, with their tracking codes.
    pub imported: Vec<String>,
    /// Reports already taken (by their LAPOR! number).
    pub skipped: usize,
    /// Rows refused: the row (1 = the first report) and why, naming the
    /// column; each a pair `[row, why]` (described as an array of any, as
    /// utoipa cannot write a tuple's schema that OpenAPI 3.1 accepts).
    #[schema(value_type = Vec<Vec<serde_json::Value>>)]
    pub refused: Vec<(usize, String)>,
}

/// Imports a SP4N-LAPOR! export (CSV with a header naming `id_laporan`, or
/// JSON: an array of reports, or an object whose `data` is one) into the
/// caller's office: each report a complaint on the `lapor` channel, a
/// report already taken skipped by its number. The export is the working
/// default; [`LaporApi`] is where the API goes once the office holds a
/// developer account.
pub async fn import_lapor(app: &App, who: &Principal, text: &str) -> Result<LaporImport, Error> {
    who.require(&[Role::ComplaintHandler, Role::Operator], &who.user.office)?;
    let office = who.user.office.clone();
    let rows = parse_lapor(text)?;
    let mut taken: std::collections::HashSet<String> = app
        .store
        .cases_received(&office, complaint::SERVICE, 0, i64::MAX)
        .await?
        .iter()
        .filter_map(|c| serde_json::from_str::<Map<String, Value>>(&c.fields).ok())
        .filter_map(|f| f.get("nomor_lapor").and_then(Value::as_str).map(String::from))
        .collect();
    let mut report = LaporImport::default();
    for (n, row) in rows.into_iter().enumerate() {
        let row = match row {
            Ok(r) => r,
            Err(m) => {
                report.refused.push((n + 1, m));
                continue;
            }
        };
        if !taken.insert(row.id.clone()) {
            report.skipped += 1;
            continue;
        }
        let (phone, email) = row.phone_or_email();
        let c = NewComplaint {
            office: office.clone(),
            channel: Some(Channel::Lapor),
            name: Some(row.name.clone()),
            contact: phone.or(email),
            text: row.complaint_text(),
            lapor_number: Some(row.id.clone()),
            received_on: date_of(&row.date),
            ..NewComplaint::default()
        };
        match submit(app, &c, Some(who)).await {
            Ok(case) => report.imported.push(case.tracking_code),
            Err(Error::Invalid { field, message }) => {
                report.refused.push((n + 1, format!("{}: {message}", field.unwrap_or_default())));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

/// The date part of a LAPOR! timestamp (`2026-11-02 10:15:00` →
/// `2026-11-02`), when it is one.
fn date_of(s: &str) -> Option<String> {
    let d = s.trim().get(..10)?;
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().map(|_| d.to_string())
}

/// The reports of an export, each parsed or refused with its column.
fn parse_lapor(text: &str) -> Result<Vec<Result<LaporRow, String>>, Error> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        let v: Value = serde_json::from_str(trimmed)
            .map_err(|e| Error::invalid("file", format!("the JSON export cannot be read: {e}")))?;
        let list = match &v {
            Value::Array(a) => a,
            Value::Object(o) => o.get("data").and_then(Value::as_array).ok_or_else(|| {
                Error::invalid(
                    "file",
                    "the JSON export is an array of reports, or an object whose `data` is one",
                )
            })?,
            _ => return Err(Error::invalid("file", "the JSON export is an array of reports")),
        };
        if list.is_empty() {
            return Err(Error::invalid("file", "the export holds no report"));
        }
        return Ok(list.iter().map(LaporRow::from_json).collect());
    }
    let mut columns = crate::Columns::new(complaint::LAPOR_COLUMNS, "id_laporan", std::array::from_fn(Some));
    let rows: Vec<_> = complaint::csv_records(trimmed)
        .iter()
        .filter_map(|line| columns.read(line))
        .map(|(cells, cols)| LaporRow::from_cells(&cells, &cols))
        .collect();
    if rows.is_empty() {
        return Err(Error::invalid("file", "the export holds no report"));
    }
    Ok(rows)
}

/// SP4N-LAPOR!'s own API, whose specification is given only to registered
/// developer accounts: an office that holds one implements this to fetch
/// new reports; until then the export file is read by [`import_lapor`].
#[async_trait::async_trait]
pub trait LaporApi: Send + Sync {
    /// The reports addressed to the office since `since` (RFC 3339), in the
    /// export's shape.
    async fn reports_since(&self, since: &str) -> Result<Vec<LaporRow>, Error>;
}

/// One line of the monthly recap: a unit (or the office as a whole when a
/// complaint names no service) and what happened to its complaints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecapRow {
    pub unit: String,
    pub received: u32,
    /// Answered (the case completed).
    pub answered: u32,
    /// Answered within the procedure's time.
    pub answered_in_time: u32,
    pub open: u32,
    /// Still open past its due time.
    pub overdue: u32,
}

/// The month's complaints of an office: per unit, per channel and per category.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Recap {
    pub office: String,
    /// `YYYY-MM`.
    pub month: String,
    pub units: Vec<RecapRow>,
    pub total: RecapRow,
    /// (channel, count), every channel listed.
    pub channels: Vec<(String, u32)>,
    /// (category, count), only those with complaints.
    pub categories: Vec<(String, u32)>,
}

/// The recap of `month` (`YYYY-MM`) of the caller's office, for its staff.
pub async fn recap(app: &App, who: &Principal, month: &str) -> Result<Recap, Error> {
    if !who.role.is_staff() {
        return Err(Error::forbidden("the office's staff read its complaints"));
    }
    let office = who.user.office.as_str();
    let (from, to) = crate::reports::months(office, month, month)
        .map_err(|_| Error::invalid("month", "give the month as YYYY-MM"))?;
    let cases = app.store.cases_received(office, complaint::SERVICE, from, to).await?;
    let now = app.now().timestamp_millis();
    let mut units: std::collections::BTreeMap<String, RecapRow> = Default::default();
    let mut total = RecapRow { unit: "Jumlah".into(), ..RecapRow::default() };
    let mut channels: Vec<(String, u32)> = Channel::ALL.iter().map(|c| (c.as_str().to_string(), 0)).collect();
    let mut categories: std::collections::BTreeMap<String, u32> = Default::default();
    for c in &cases {
        let f: Map<String, Value> = serde_json::from_str(&c.fields).unwrap_or_default();
        let get = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let unit =
            Some(get("unit")).filter(|u| !u.is_empty()).unwrap_or_else(|| "Umum (tanpa layanan)".into());
        let row = units.entry(unit.clone()).or_insert_with(|| RecapRow { unit, ..RecapRow::default() });
        for r in [row, &mut total] {
            count(r, c, now);
        }
        if let Some(ch) = channels.iter_mut().find(|(k, _)| *k == get("kanal")) {
            ch.1 += 1;
        }
        *categories.entry(get("kategori")).or_default() += 1;
    }
    Ok(Recap {
        office: office.into(),
        month: month.into(),
        units: units.into_values().collect(),
        total,
        channels,
        categories: categories.into_iter().collect(),
    })
}

fn count(r: &mut RecapRow, c: &Case, now: i64) {
    r.received += 1;
    if c.status.is_active() {
        r.open += 1;
        r.overdue += u32::from(c.due_at.is_some_and(|d| d < now));
    } else if c.status == domain::Status::Completed {
        r.answered += 1;
        r.answered_in_time += u32::from(matches!((c.finished_at, c.due_at), (Some(f), Some(d)) if f <= d));
    }
}

/// The recap as tables (units, then channels) for CSV and XLSX.
pub fn recap_table(r: &Recap) -> Sheet {
    let header = ["Unit", "Diterima", "Dijawab", "Dijawab tepat waktu", "Belum selesai", "Lewat waktu"];
    let row = |u: &RecapRow| {
        vec![
            Cell::Text(u.unit.clone()),
            Cell::Number(f64::from(u.received)),
            Cell::Number(f64::from(u.answered)),
            Cell::Number(f64::from(u.answered_in_time)),
            Cell::Number(f64::from(u.open)),
            Cell::Number(f64::from(u.overdue)),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = r.units.iter().map(row).collect();
    rows.push(row(&r.total));
    Sheet { name: format!("Rekap pengaduan {}", r.month), header: header.map(String::from).to_vec(), rows }
}
