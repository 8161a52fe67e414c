//! The blanko KTP-el stock of each office: its ledger (balance and
//! movements), the movements its staff record by hand (receipts from the
//! ministry, cards printed, blanks spoiled), the hand-over a BAST moves
//! between the province and a kab/kota (`hand_over`, written by the case
//! engine in the confirming step's transaction), the kab/kota offices'
//! monthly reports (and the months they still owe), and the province's
//! view over its kab/kota offices.

use crate::accounts::Principal;
use crate::{App, Error};
use domain::Role;
use domain::stock::{Entry, MovementKind, StockRule};
use serde::{Deserialize, Serialize};
use store::{Case, Movement, NewMovement, StockReport};

/// An office's ledger page: its balance now and its movements, newest
/// first; `next_before` pages on.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Ledger {
    pub office: String,
    pub office_name: String,
    pub balance: i64,
    pub movements: Vec<Movement>,
    /// Pass as `before` for the next page; none on the last.
    pub next_before: Option<i64>,
}

/// Who reads an office's stock: its own staff, and its province's staff
/// (the province distributes to its kab/kota).
fn check_reader(who: &Principal, office: &str) -> Result<(), Error> {
    let own = who.user.office == office;
    let province = office.split_once('.').is_some_and(|(p, _)| p == who.user.office);
    if who.role.is_staff() && (own || province) {
        Ok(())
    } else {
        Err(Error::forbidden(format!("the stock of office {office} is for its own and its province's staff")))
    }
}

pub async fn ledger(
    app: &App,
    who: &Principal,
    office: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Ledger, Error> {
    check_reader(who, office)?;
    let o = app.store.office(office).await?.ok_or_else(|| Error::not_found(format!("office {office}")))?;
    let limit = limit.clamp(1, 200);
    let movements = app.store.stock_movements(office, before, limit).await?;
    let next_before = (movements.len() as i64 == limit).then(|| movements.last().map(|m| m.id)).flatten();
    Ok(Ledger {
        office: o.code,
        office_name: o.name,
        balance: app.store.stock_balance(office).await?,
        movements,
        next_before,
    })
}

/// A movement recorded by hand (`POST /api/v1/stock/movements`).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    pub office: String,
    /// `receipt`, `printed` or `spoiled` (transfers move with a BAST).
    pub kind: String,
    pub quantity: i64,
    pub reason: String,
    pub source_document: String,
    #[serde(default)]
    pub serial_from: Option<String>,
    #[serde(default)]
    pub serial_to: Option<String>,
}

/// Who records movements: the office's own staff who keep the stock.
const KEEPERS: &[Role] = &[Role::Operator, Role::Verifikator, Role::Admin];

/// Whether `who` keeps `office`'s stock (records movements and reports).
pub fn keeps(who: &Principal, office: &str) -> bool {
    who.user.office == office && KEEPERS.contains(&who.role)
}

/// Records one movement by hand; a movement that would take the balance
/// below zero is a `Conflict` naming the balance.
pub async fn record(app: &App, who: &Principal, e: &NewEntry) -> Result<Movement, Error> {
    who.require(KEEPERS, &e.office)?;
    let kind: MovementKind = e.kind.parse().map_err(|m: String| Error::invalid("kind", m))?;
    if !kind.recorded_by_hand() {
        return Err(Error::invalid("kind", "a transfer moves with its BAST's hand-over, not by hand"));
    }
    let entry = Entry {
        kind,
        quantity: e.quantity,
        reason: &e.reason,
        source_document: &e.source_document,
        serial_from: e.serial_from.as_deref(),
        serial_to: e.serial_to.as_deref(),
    };
    domain::stock::check(&entry).map_err(|(field, message)| Error::invalid(field, message))?;
    let m = movement(&e.office, &entry, &who.user.username, app.now().timestamp_millis());
    let mut rows = app.store.record_movements(&[m]).await?;
    rows.pop().ok_or_else(|| Error::internal("no movement recorded"))
}

fn movement(office: &str, e: &Entry, actor: &str, at: i64) -> NewMovement {
    let text = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    NewMovement {
        office: office.into(),
        kind: e.kind.as_str().into(),
        quantity: e.quantity,
        sign: e.kind.sign(),
        reason: e.reason.trim().into(),
        source_document: e.source_document.trim().into(),
        serial_from: text(e.serial_from),
        serial_to: text(e.serial_to),
        actor: actor.into(),
        at,
        ..Default::default()
    }
}

/// The two movements of a BAST's hand-over: the approved amount out of the
/// case's office, into the receiving office, each naming the other and the
/// BAST. `recorded` is what the case's steps recorded.
pub async fn hand_over(
    app: &App,
    rule: &StockRule,
    case: &Case,
    recorded: &serde_json::Map<String, serde_json::Value>,
    actor: &str,
) -> Result<Vec<NewMovement>, Error> {
    let approved = recorded.get(&rule.approved).and_then(number).unwrap_or(0);
    if approved <= 0 {
        return Err(Error::invalid(&format!("data.{}", rule.approved), "no approved amount to hand over"));
    }
    let to = receiver(app, rule, &case.office, &case.fields).await?;
    let docs = app.store.case_documents(case.id).await?;
    let bast = docs
        .iter()
        .find(|d| d.doc_type == rule.document && d.revoked_at.is_none())
        .ok_or_else(|| Error::NotAllowed(format!("the {} is not signed yet", rule.document)))?;
    let reason = format!("Serah terima blangko KTP-el, permohonan {}", case.tracking_code);
    let at = app.now().timestamp_millis();
    let leg = |office: &str, kind: MovementKind, other: &str| NewMovement {
        counterpart: Some(other.to_string()),
        case_id: Some(case.id),
        ..movement(
            office,
            &Entry {
                kind,
                quantity: approved,
                reason: &reason,
                source_document: &bast.number,
                serial_from: None,
                serial_to: None,
            },
            actor,
            at,
        )
    };
    Ok(vec![
        leg(&case.office, MovementKind::TransferOut, &to),
        leg(&to, MovementKind::TransferIn, &case.office),
    ])
}

fn number(v: &serde_json::Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// The text of a form field in a case's fields (JSON).
fn field(fields: &str, code: &str) -> String {
    let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_str(fields).unwrap_or_default();
    fields.get(code).map(text).unwrap_or_default()
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.trim().to_string(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The office the `receiver` field of `fields` (a case's, as JSON) names:
/// one under `office`.
pub async fn receiver(app: &App, rule: &StockRule, office: &str, fields: &str) -> Result<String, Error> {
    let code = field(fields, &rule.receiver);
    let under = code.split_once('.').is_some_and(|(p, _)| p == office);
    match app.store.office(&code).await? {
        Some(o) if under => Ok(o.code),
        _ => Err(Error::invalid(
            &format!("fields.{}", rule.receiver),
            format!("`{code}` is not a kab/kota office of {office}"),
        )),
    }
}

/// The approval step's amount against the case's request (a different
/// amount needs its reason); `data` is what the step records.
pub fn check_approval(rule: &StockRule, case: &Case, data: Option<&serde_json::Value>) -> Result<i64, Error> {
    let recorded = |code: &str| data.and_then(|d| d.get(code)).map(text);
    let requested = field(&case.fields, &rule.requested);
    domain::stock::check_approval(
        rule,
        recorded(&rule.approved).as_deref(),
        Some(requested.as_str()),
        recorded(&rule.reason).as_deref(),
    )
    .map_err(|(f, m)| Error::invalid(&f, m))
}

/// A kab/kota office's monthly adminduk service report
/// (`POST /api/v1/stock/reports`): what it printed and spoiled in a month
/// that has ended, the stock at the month's end, and its recap.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    pub office: String,
    /// `YYYY-MM`, a month that has ended.
    pub month: String,
    pub printed: i64,
    pub spoiled: i64,
    pub stated_balance: i64,
    pub recap: String,
}

/// Files a monthly report: its printed and spoiled blanks go out of the
/// office's ledger with it (409 when the ledger cannot cover them, or the
/// month is reported already).
pub async fn file_report(app: &App, who: &Principal, r: &NewReport) -> Result<StockReport, Error> {
    who.require(KEEPERS, &r.office)?;
    let month = domain::stock::month(&r.month, "month").map_err(|(f, m)| Error::invalid(f, m))?;
    let this_month = domain::stock::month(&app.today(&r.office).format("%Y-%m").to_string(), "month")
        .map_err(|(f, m)| Error::invalid(f, m))?;
    if month >= this_month {
        return Err(Error::invalid("month", "a month is reported once it has ended"));
    }
    for (field, n) in [("printed", r.printed), ("spoiled", r.spoiled), ("stated_balance", r.stated_balance)] {
        if !(0..=domain::stock::MAX_QUANTITY).contains(&n) {
            return Err(Error::invalid(field, "a number of blanks, 0 or more"));
        }
    }
    if r.recap.trim().is_empty() || r.recap.chars().count() > 2000 {
        return Err(Error::invalid("recap", "the recap of blanko use (at most 2000 characters)"));
    }
    let label = month.format("%Y-%m").to_string();
    let (reason, source) =
        (format!("Laporan bulanan {label}"), format!("Laporan pelayanan adminduk {label}"));
    let at = app.now().timestamp_millis();
    let movements: Vec<_> = [(MovementKind::Printed, r.printed), (MovementKind::Spoiled, r.spoiled)]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(kind, quantity)| {
            let entry = Entry {
                kind,
                quantity,
                reason: &reason,
                source_document: &source,
                serial_from: None,
                serial_to: None,
            };
            movement(&r.office, &entry, &who.user.username, at)
        })
        .collect();
    let report = StockReport {
        office: r.office.clone(),
        month: label,
        printed: r.printed,
        spoiled: r.spoiled,
        stated_balance: r.stated_balance,
        ledger_balance: 0,
        recap: r.recap.trim().into(),
        actor: who.user.username.clone(),
        at,
    };
    Ok(app.store.file_stock_report(&report, &movements).await?)
}

/// The months an office still owes a report for: from its ledger's first
/// month to the one before this.
pub async fn missing_reports(app: &App, office: &str) -> Result<Vec<String>, Error> {
    let Some(since) = app.store.stock_since(office).await? else { return Ok(Vec::new()) };
    let zone = crate::clock::office_zone(office).offset();
    let first =
        chrono::DateTime::from_timestamp_millis(since).unwrap_or_default().with_timezone(&zone).date_naive();
    let filed: Vec<String> = app.store.stock_reports(office).await?.into_iter().map(|r| r.month).collect();
    Ok(domain::stock::missing_months(first, app.today(office), &filed))
}

/// Reminds each kab/kota office with a blanko ledger of every month it owes
/// a report for (the seed's *wajib*), once per month owed: its operators
/// and admin on their worklist's notices, and the office's e-mail. Returns
/// how many months were reminded.
pub async fn remind_reports(app: &App) -> Result<usize, Error> {
    let mut reminded = 0;
    let offices = app.store.offices().await?;
    for o in offices.iter().filter(|o| o.level == domain::OfficeLevel::KabKota.as_str()) {
        let owed = missing_reports(app, &o.code).await?;
        if owed.is_empty() {
            continue;
        }
        let keepers =
            crate::outbox::reminded(app, &o.code, &[domain::Role::Operator, domain::Role::Admin]).await?;
        for month in owed {
            let subject = format!("Laporan bulanan pelayanan adminduk {month} belum disampaikan");
            let body = format!(
                "{} belum menyampaikan laporan bulanan pelayanan adminduk bulan {month} (KTP-el tercetak, \
                 blangko rusak, sisa stok akhir bulan, rekap penggunaan blangko). Sampaikan di halaman Stok.",
                o.name
            );
            let notes = crate::outbox::office_reminder(o, &keepers, &subject, &body);
            let at = app.now().timestamp_millis();
            if app.store.remind_stock_report(&o.code, &month, &notes, at).await? {
                reminded += 1;
            }
        }
    }
    Ok(reminded)
}

/// Runs the monthly reports' reminder every `every` until the process ends.
pub fn spawn(app: App, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    crate::spawn_reminder(app, every, "monthly adminduk reports owed", |app| async move {
        remind_reports(&app).await
    })
}

/// An office's monthly reports, newest month first, and the months it
/// still owes: for the readers of its stock.
pub async fn reports(
    app: &App,
    who: &Principal,
    office: &str,
) -> Result<(Vec<StockReport>, Vec<String>), Error> {
    check_reader(who, office)?;
    app.store.office(office).await?.ok_or_else(|| Error::not_found(format!("office {office}")))?;
    Ok((app.store.stock_reports(office).await?, missing_reports(app, office).await?))
}

/// What a stock request's first journal row says for the verifier: the
/// months the requesting office has not reported (`laporan_bulanan_belum`).
pub async fn request_flags(
    app: &App,
    rule: &StockRule,
    office: &str,
    fields: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
    let from = receiver(app, rule, office, fields).await?;
    let missing = missing_reports(app, &from).await?;
    let mut flags = serde_json::Map::new();
    if !missing.is_empty() {
        flags.insert("laporan_bulanan_belum".into(), serde_json::json!(missing));
    }
    Ok(flags)
}

/// One office in the province's view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfficeStock {
    pub office: String,
    pub name: String,
    pub balance: i64,
    /// Blanks printed or spoiled in the last 90 days.
    pub used_90_days: i64,
    /// At that rate, how many months the balance lasts (none without use).
    pub months_left: Option<f64>,
    /// The monthly reports it still owes.
    pub missing_reports: Vec<String>,
    /// Its blanko requests the province has not finished (their tracking codes).
    pub pending_requests: Vec<String>,
}

/// The province's stock and each of its kab/kota offices', for the
/// province's staff.
pub async fn overview(app: &App, who: &Principal, province: &str) -> Result<Vec<OfficeStock>, Error> {
    if !who.role.is_staff() || who.user.office != province {
        return Err(Error::forbidden("the province's staff see its kab/kota stock"));
    }
    overview_of(app, province).await
}

/// The stock of `office` and of the kab/kota offices under it (a province),
/// for the callers that checked who may read it.
pub(crate) async fn overview_of(app: &App, province: &str) -> Result<Vec<OfficeStock>, Error> {
    let since = app.now().timestamp_millis() - 90 * 86_400_000;
    let names: std::collections::HashMap<String, String> =
        app.store.offices().await?.into_iter().map(|o| (o.code, o.name)).collect();
    // The open requests of the province's `[stock]` services, by the office
    // they name (an office without such a service reads no cases).
    let mut pending: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    let services: Vec<_> = app.catalog.for_office(province).filter(|s| s.stock.is_some()).collect();
    let open = if services.is_empty() { Vec::new() } else { app.store.open_cases(province, 10_000).await? };
    for std in services {
        let Some(rule) = &std.stock else { continue };
        for c in open.iter().filter(|c| c.service == std.slug) {
            let fields: serde_json::Value = serde_json::from_str(&c.fields).unwrap_or_default();
            if let Some(office) = fields.get(&rule.receiver).and_then(|v| v.as_str()) {
                pending.entry(office.to_string()).or_default().push(c.tracking_code.clone());
            }
        }
    }
    let mut out = Vec::new();
    for (office, balance, used) in app.store.stock_overview(province, since).await? {
        out.push(OfficeStock {
            pending_requests: pending.remove(&office).unwrap_or_default(),
            name: names.get(&office).cloned().unwrap_or_default(),
            months_left: (used > 0).then(|| (balance as f64 / (used as f64 / 3.0) * 10.0).round() / 10.0),
            missing_reports: missing_reports(app, &office).await?,
            office,
            balance,
            used_90_days: used,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_come_as_recorded() {
        assert_eq!(super::number(&serde_json::json!("400")), Some(400));
        assert_eq!(super::number(&serde_json::json!(400)), Some(400));
        assert_eq!(super::number(&serde_json::json!("empat")), None);
    }
}
