//! How an office keeps its promises over a period: the dashboard (cases by
//! service, channel and status; SLA attainment per service — on the
//! service clock, paused time excluded — and per step from the step log;
//! median and p90 completion time in working minutes against the
//! standard's; backlog and overdue; complaints by status and age; IKM per
//! service; the staffing model per step), and staff performance per
//! officer (the seeds' *evaluasi kinerja pelaksana*).

use crate::accounts::Principal;
use crate::cases::clock::at;
use crate::{App, Error};
use chrono::Datelike;
use documents::xlsx::{Cell, Sheet};
use domain::Status;
use domain::staffing::{Outcome, StepLoad};
use domain::standard::Actor;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A period of whole days in the office's time.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Period {
    /// `YYYY-MM-DD`, the first day.
    pub from: String,
    /// `YYYY-MM-DD`, the last day (inclusive).
    pub to: String,
    #[serde(skip)]
    pub from_ms: i64,
    #[serde(skip)]
    pub to_ms: i64,
}

impl Period {
    /// `from`..=`to` (days or months; the current month by default).
    pub fn of(app: &App, office: &str, from: Option<&str>, to: Option<&str>) -> Result<Period, Error> {
        let today = app.today(office);
        let first = today.with_day0(0).unwrap_or(today);
        let (from, to) = crate::clock::period(from, to, first, today)?;
        let (from_ms, to_ms) = crate::clock::span(office, from, to)?;
        Ok(Period { from: from.to_string(), to: to.to_string(), from_ms, to_ms })
    }
}

/// One service on the dashboard.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ServiceLine {
    pub service: String,
    pub title: String,
    pub received: u32,
    pub completed: u32,
    pub rejected: u32,
    /// Open now (submitted, in progress, returned).
    pub open: u32,
    /// Open past the service's due time.
    pub overdue: u32,
    /// Finished in the period with a due time.
    pub timed: u32,
    /// Of those, finished by it.
    pub on_time: u32,
    /// `on_time / timed` in percent, to one decimal.
    pub attainment: Option<f64>,
    /// Working minutes from the service clock's start to completion.
    pub median_minutes: Option<i64>,
    pub p90_minutes: Option<i64>,
    /// The standard's time, in its words.
    pub standard: String,
    /// Received per channel.
    pub channels: BTreeMap<String, u32>,
}

/// One step on the dashboard, with the staffing model.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepLine {
    pub service: String,
    pub step: String,
    pub description: String,
    pub actor: String,
    pub done: i64,
    pub timed: i64,
    pub on_time: i64,
    pub attainment: Option<f64>,
    pub returns: i64,
    pub mean_minutes: Option<f64>,
    /// The office's active accounts with the step's role.
    pub staff: u32,
    /// The model at today's staffing (staff steps with observed times).
    pub model: Option<Outcome>,
}

/// The office's dashboard for a period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub office: String,
    pub office_name: String,
    #[serde(flatten)]
    pub period: Period,
    /// The services shown (all when empty).
    pub scope: Scope,
    /// The units of the office's services (the page's filter).
    pub units: Vec<String>,
    pub services: Vec<ServiceLine>,
    /// Cases received in the period per status (as they stand now).
    pub statuses: BTreeMap<String, u32>,
    pub steps: Vec<StepLine>,
    /// Complaints received in the period: open, answered, and the open
    /// ones by age in working days (`0-2`, `3-5`, `>5`).
    pub complaints: BTreeMap<String, u32>,
    /// IKM per service over the period (none without respondents).
    pub ikm: Vec<(String, Option<f64>)>,
    /// The IKM month by month over the year to the period's end.
    pub ikm_trend: Vec<IkmMonth>,
    /// The office's blanko stock, when it keeps one.
    pub stock: Vec<crate::stock::OfficeStock>,
    /// Its agreements' duty periods by state (`filed`, `late`, `missing`,
    /// `open`); empty without agreements.
    pub agreements: BTreeMap<String, u32>,
}

/// One month of the IKM trend.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IkmMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub respondents: u64,
    pub ikm: Option<f64>,
    /// Per service with responses that month, by title.
    pub services: BTreeMap<String, Option<f64>>,
}

impl Dashboard {
    /// SLA attainment per service (%), the services with timed cases.
    pub fn attainment_bars(&self) -> Vec<(String, f64)> {
        self.services.iter().filter_map(|s| s.attainment.map(|a| (s.title.clone(), a))).collect()
    }

    /// Cases received per status (the status's code).
    pub fn status_bars(&self) -> Vec<(String, f64)> {
        self.statuses.iter().map(|(s, n)| (s.clone(), f64::from(*n))).collect()
    }

    /// IKM per service, the services with respondents.
    pub fn ikm_bars(&self) -> Vec<(String, f64)> {
        self.ikm.iter().filter_map(|(t, v)| v.map(|v| (t.clone(), v))).collect()
    }
}

/// The share of waits the staffing model aims for.
const TARGET_SHARE: f64 = 0.95;

/// Which of the office's services a dashboard shows: one service, one
/// unit's, or all.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Scope {
    /// A service's id (`16.06-ktp-el`).
    pub service: Option<String>,
    /// A unit as the standards name it.
    pub unit: Option<String>,
}

impl Scope {
    /// From a query's values: blank is absent.
    pub fn of(service: Option<&str>, unit: Option<&str>) -> Scope {
        let given = |v: Option<&str>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        Scope { service: given(service), unit: given(unit) }
    }

    /// The slugs of the office's runnable services in scope; an unknown
    /// service or unit is refused by its field.
    pub(crate) fn slugs(&self, app: &App, office: &str) -> Result<BTreeSet<String>, Error> {
        let all: Vec<_> = app.catalog.for_office(office).filter(|s| !s.steps.is_empty()).collect();
        if let Some(id) = &self.service
            && !all.iter().any(|s| s.id() == *id)
        {
            return Err(Error::invalid("service", format!("office {office} has no service `{id}`")));
        }
        if let Some(unit) = &self.unit
            && !all.iter().any(|s| s.unit == *unit)
        {
            return Err(Error::invalid("unit", format!("no service of office {office} belongs to `{unit}`")));
        }
        Ok(all
            .iter()
            .filter(|s| self.service.as_ref().is_none_or(|id| s.id() == *id))
            .filter(|s| self.unit.as_ref().is_none_or(|u| s.unit == *u))
            .map(|s| s.slug.clone())
            .collect())
    }

    /// Whether a complaint (its form's fields) is about a service in scope.
    fn covers(&self, complaint: &store::Case) -> bool {
        let fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&complaint.fields).unwrap_or_default();
        let names = |key: &str, wanted: &Option<String>| {
            wanted.as_ref().is_none_or(|w| fields.get(key).and_then(|v| v.as_str()) == Some(w.as_str()))
        };
        names("layanan", &self.service) && names("unit", &self.unit)
    }
}

/// The caller's office dashboard over `from`..=`to` (staff of the office),
/// for the services in `scope`.
pub async fn dashboard(
    app: &App,
    who: &Principal,
    from: Option<&str>,
    to: Option<&str>,
    scope: Scope,
) -> Result<Dashboard, Error> {
    if !who.role.is_staff() {
        return Err(Error::forbidden("the office's staff read its dashboard"));
    }
    let office = who.user.office.clone();
    let period = Period::of(app, &office, from, to)?;
    let (mut d, trend, stock, agreements) = tokio::try_join!(
        office_dashboard(app, &office, period.clone(), scope.clone(), true),
        ikm_trend(app, &office, &period, &scope),
        crate::stock::overview_of(app, &office),
        duty_states(app, who, &office),
    )?;
    d.ikm_trend = trend;
    d.stock = stock.into_iter().filter(|s| s.office == office).collect();
    d.stock.retain(|s| s.balance != 0 || s.used_90_days != 0 || !s.missing_reports.is_empty());
    d.agreements = agreements;
    Ok(d)
}

/// The figures of one office's dashboard (with the staffing model per
/// step when `steps`), for callers that checked who reads them.
async fn office_dashboard(
    app: &App,
    office: &str,
    period: Period,
    scope: Scope,
    with_steps: bool,
) -> Result<Dashboard, Error> {
    let office = office.to_string();
    let o = app.store.office(&office).await?.ok_or_else(|| Error::NotFound("no such office".into()))?;
    let kept = scope.slugs(app, &office)?;
    let cal = crate::cases::clock::calendar(app, &office).await?;
    let now = app.now().timestamp_millis();
    let (from, to) = (period.from_ms, period.to_ms);
    let mut lap = Lap::start(&office);
    // The reads run side by side (each on its own connection): on a large
    // database the counts of received and open cases each scan an office's
    // cases, and they are what a dashboard waits for.
    let steps =
        async { if with_steps { step_lines(app, &office, &period, &cal).await } else { Ok(Vec::new()) } };
    let (received, backlog, finished, complaints, mut steps, tallies) = tokio::try_join!(
        async { Ok::<_, Error>(app.store.received(&office, from, to).await?) },
        async { Ok::<_, Error>(app.store.backlog(&office, now).await?) },
        async { Ok::<_, Error>(app.store.finished_lines(&office, from, to).await?) },
        complaint_counts(app, &office, &period, &cal, now, &scope),
        steps,
        async { Ok::<_, Error>(app.store.survey_tallies(&office, from, to).await?) },
    )?;
    lap.at("reads");
    let mut services: BTreeMap<String, ServiceLine> = BTreeMap::new();
    let mut statuses: BTreeMap<String, u32> = BTreeMap::new();
    for r in received.into_iter().filter(|r| kept.contains(&r.service)) {
        let line = services.entry(r.service).or_default();
        let n = u32::try_from(r.cases).unwrap_or(u32::MAX);
        line.received += n;
        *line.channels.entry(r.channel).or_default() += n;
        *statuses.entry(r.status).or_default() += n;
    }
    for b in backlog.into_iter().filter(|b| kept.contains(&b.service)) {
        let line = services.entry(b.service).or_default();
        (line.open, line.overdue) = (b.open as u32, b.overdue as u32);
    }
    let mut durations: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for c in finished.into_iter().filter(|c| kept.contains(&c.service)) {
        let (Some(f), Ok(status)) = (c.finished_at, Status::try_from(c.status.clone())) else { continue };
        let line = services.entry(c.service.clone()).or_default();
        line.completed += u32::from(status == Status::Completed);
        line.rejected += u32::from(status == Status::Rejected);
        if let Some(due) = c.due_at {
            line.timed += 1;
            line.on_time += u32::from(f <= due);
        }
        if let (Status::Completed, Some(s)) = (status, c.service_started_at) {
            let minutes = cal.working_minutes_between(at(s), at(f.max(s)));
            durations.entry(c.service).or_default().push(minutes);
        }
    }
    let mut out = Vec::new();
    for std in app.catalog.for_office(&office).filter(|s| kept.contains(&s.slug)) {
        let mut line = services.remove(&std.slug).unwrap_or_default();
        line.service = std.id();
        line.title = std.title.clone();
        line.standard = std.sla.wording.clone();
        line.attainment = percent(i64::from(line.on_time), i64::from(line.timed));
        let mut d = durations.remove(&std.slug).unwrap_or_default();
        d.sort_unstable();
        (line.median_minutes, line.p90_minutes) = (nearest_rank(&d, 0.5), nearest_rank(&d, 0.9));
        out.push(line);
    }
    let in_scope = |id: &str| kept.iter().any(|k| id == format!("{office}-{k}"));
    steps.retain(|s| in_scope(&s.service));
    let mut units: Vec<String> =
        app.catalog.for_office(&office).filter(|s| !s.steps.is_empty()).map(|s| s.unit.clone()).collect();
    units.sort();
    units.dedup();
    // The IKM per service from the responses' sums alone (the published
    // report's sample figures would count the period's cases again).
    let ikm = app
        .catalog
        .for_office(&office)
        .filter(|s| kept.contains(&s.slug) && s.slug != domain::complaint::SERVICE)
        .map(|s| {
            let t = tallies.iter().find(|t| t.service == s.slug);
            (s.title.clone(), t.and_then(crate::surveys::service_ikm))
        })
        .collect();
    lap.at("figures");
    Ok(Dashboard {
        office: office.clone(),
        office_name: o.name,
        period,
        scope,
        units,
        services: out,
        statuses,
        steps,
        complaints,
        ikm,
        ikm_trend: Vec::new(),
        stock: Vec::new(),
        agreements: BTreeMap::new(),
    })
}

/// The IKM month by month over the year up to the period's last month
/// (or this month, if the period runs on): the office's (or the scope's)
/// and each service's.
async fn ikm_trend(app: &App, office: &str, period: &Period, scope: &Scope) -> Result<Vec<IkmMonth>, Error> {
    let to = chrono::NaiveDate::parse_from_str(&period.to, "%Y-%m-%d").map_err(Error::internal)?;
    let last = to.min(app.today(office));
    let kept = scope.slugs(app, office)?;
    let mut out = Vec::new();
    for back in (0..12).rev() {
        let Some(month) = last.with_day(1).and_then(|d| d.checked_sub_months(chrono::Months::new(back)))
        else {
            continue;
        };
        let end =
            month.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(month);
        let (from, to) = crate::clock::span(office, month, end)?;
        let tallies = app.store.survey_tallies(office, from, to).await?;
        let mut all = domain::ikm::Tally::default();
        let mut services = BTreeMap::new();
        for t in tallies.iter().filter(|t| kept.contains(&t.service)) {
            let tally = crate::surveys::tally(t);
            all.respondents += tally.respondents;
            all.sums.iter_mut().zip(tally.sums).for_each(|(a, b)| *a += b);
            let title = app
                .catalog
                .get(&format!("{office}-{}", t.service))
                .map_or(t.service.clone(), |s| s.title.clone());
            services.insert(title, crate::surveys::published(&tally));
        }
        out.push(IkmMonth {
            month: month.format("%Y-%m").to_string(),
            respondents: all.respondents,
            ikm: crate::surveys::published(&all),
            services,
        });
    }
    Ok(out)
}

/// The office's agreement duties by state today (filed, late, missing,
/// open), over every period of its compliance board.
async fn duty_states(app: &App, who: &Principal, office: &str) -> Result<BTreeMap<String, u32>, Error> {
    let mut out = BTreeMap::new();
    for table in crate::duties::board(app, who, office).await?.tables {
        for cell in table.rows.iter().flat_map(|r| &r.cells) {
            *out.entry(cell.state.as_str().to_string()).or_default() += 1;
        }
    }
    Ok(out)
}

/// One office in its province's roll-up.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RollupLine {
    pub office: String,
    pub name: String,
    pub received: u32,
    pub completed: u32,
    pub timed: u32,
    pub on_time: u32,
    pub attainment: Option<f64>,
    pub open: u32,
    pub overdue: u32,
    pub complaints_open: u32,
    /// The office's IKM over the period (none without respondents).
    pub ikm: Option<f64>,
    /// Its blanko stock, when it keeps one.
    pub stock: Option<crate::stock::OfficeStock>,
}

/// The province's roll-up over itself and its kab/kota offices, for the
/// province's staff.
pub async fn rollup(
    app: &App,
    who: &Principal,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Period, Vec<RollupLine>), Error> {
    let province = who.user.office.clone();
    let own = app.store.office(&province).await?.ok_or_else(|| Error::NotFound("no such office".into()))?;
    if !who.role.is_staff() || own.level != domain::OfficeLevel::Province.as_str() {
        return Err(Error::forbidden("a province's staff read its roll-up over its kab/kota"));
    }
    let period = Period::of(app, &province, from, to)?;
    let mut stock: BTreeMap<String, crate::stock::OfficeStock> =
        crate::stock::overview_of(app, &province).await?.into_iter().map(|s| (s.office.clone(), s)).collect();
    let mut offices = vec![own];
    offices.extend(app.store.offices().await?.into_iter().filter(|o| o.parent.as_deref() == Some(&province)));
    let mut out = Vec::new();
    for o in offices {
        let d = office_dashboard(app, &o.code, period.clone(), Scope::default(), false).await?;
        let ikm =
            crate::surveys::report(app, &o.code, Scope::default(), Some(&period.from), Some(&period.to))
                .await?;
        let sum = |f: fn(&ServiceLine) -> u32| d.services.iter().map(f).sum::<u32>();
        let (timed, on_time) = (sum(|s| s.timed), sum(|s| s.on_time));
        out.push(RollupLine {
            received: sum(|s| s.received),
            completed: sum(|s| s.completed),
            timed,
            on_time,
            attainment: percent(i64::from(on_time), i64::from(timed)),
            open: sum(|s| s.open),
            overdue: sum(|s| s.overdue),
            complaints_open: d.complaints.get("open").copied().unwrap_or(0),
            ikm: ikm.figures.ikm,
            stock: stock.remove(&o.code),
            name: o.name,
            office: o.code,
        });
    }
    Ok((period, out))
}

/// The roll-up as a table (CSV/XLSX).
pub fn rollup_table(lines: &[RollupLine]) -> Sheet {
    let header = [
        "Kantor",
        "Nama",
        "Diterima",
        "Selesai",
        "Tepat waktu (%)",
        "Berjalan",
        "Lewat waktu",
        "Pengaduan dalam proses",
        "IKM",
        "Saldo blanko",
        "Cukup untuk (bulan)",
        "Laporan bulanan belum",
    ];
    let n = |v: u32| Cell::Number(f64::from(v));
    let opt = |v: Option<f64>| v.map_or(Cell::Text("-".into()), Cell::Number);
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                Cell::Text(l.office.clone()),
                Cell::Text(l.name.clone()),
                n(l.received),
                n(l.completed),
                opt(l.attainment),
                n(l.open),
                n(l.overdue),
                n(l.complaints_open),
                opt(l.ikm),
                opt(l.stock.as_ref().map(|s| s.balance as f64)),
                opt(l.stock.as_ref().and_then(|s| s.months_left)),
                Cell::Text(l.stock.as_ref().map(|s| s.missing_reports.join(", ")).unwrap_or_default()),
            ]
        })
        .collect();
    Sheet { name: "Rekap provinsi".into(), header: header.map(String::from).to_vec(), rows }
}

/// The period's complaints: open or answered, and the open ones by age in
/// working days.
async fn complaint_counts(
    app: &App,
    office: &str,
    period: &Period,
    cal: &domain::calendar::BusinessCalendar,
    now: i64,
    scope: &Scope,
) -> Result<BTreeMap<String, u32>, Error> {
    let mut out: BTreeMap<String, u32> =
        ["open", "answered", "0-2", "3-5", ">5"].map(|k| (k.to_string(), 0)).into();
    let all =
        app.store.cases_received(office, domain::complaint::SERVICE, period.from_ms, period.to_ms).await?;
    for c in all.into_iter().filter(|c| scope.covers(c)) {
        if c.status.is_active() {
            *out.entry("open".into()).or_default() += 1;
            let band = match cal.working_days_between(at(c.created_at), at(now)) {
                ..=2 => "0-2",
                3..=5 => "3-5",
                _ => ">5",
            };
            *out.entry(band.into()).or_default() += 1;
        } else if c.status == Status::Completed {
            *out.entry("answered".into()).or_default() += 1;
        }
    }
    Ok(out)
}

/// The time each phase of a dashboard took, logged at debug level
/// (`RUST_LOG=app::performance=debug`): where its time goes on a large
/// database.
struct Lap<'a> {
    office: &'a str,
    last: std::time::Instant,
}

impl<'a> Lap<'a> {
    fn start(office: &'a str) -> Self {
        Lap { office, last: std::time::Instant::now() }
    }

    fn at(&mut self, phase: &'static str) {
        let ms = self.last.elapsed().as_secs_f64() * 1000.0;
        tracing::debug!(office = self.office, phase, ms, "dashboard phase");
        self.last = std::time::Instant::now();
    }
}

/// `part / whole` in percent to one decimal; none of nothing.
fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (1000.0 * part as f64 / whole as f64).round() / 10.0)
}

/// The nearest-rank percentile of sorted values: the smallest value with
/// at least `q` of them at or below it.
pub fn nearest_rank(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank - 1).copied()
}

/// The step log added up, with the staffing model for each staff step.
async fn step_lines(
    app: &App,
    office: &str,
    period: &Period,
    cal: &domain::calendar::BusinessCalendar,
) -> Result<Vec<StepLine>, Error> {
    let stats = app.store.step_stats(office, period.from_ms, period.to_ms).await?;
    let users = app.store.users(Some(office)).await?;
    let open_minutes = cal.working_minutes_between(at(period.from_ms), at(period.to_ms)).max(1);
    let mut out = Vec::new();
    for s in stats {
        let Some(std) = app.catalog.get(&format!("{office}-{}", s.service)) else { continue };
        let step = std.step(Some(&s.step));
        let staff = match step.map(|st| st.actor) {
            Some(Actor::Staff(role)) => users.iter().filter(|u| u.active && u.role == role).count() as u32,
            _ => 0,
        };
        let model = match step {
            Some(st) if staff > 0 && matches!(st.actor, Actor::Staff(_)) => {
                let times: Vec<f64> = app
                    .store
                    .step_minutes(office, &s.service, &s.step, period.from_ms, period.to_ms, 5_000)
                    .await?
                    .into_iter()
                    .map(|m| m as f64)
                    .collect();
                // The longest acceptable wait: the step's own time, else a working day.
                let target_wait =
                    st.duration.as_ref().and_then(|d| d.working_minutes()).map_or(8.0 * 60.0, |m| m as f64);
                StepLoad {
                    arrivals_per_minute: s.done as f64 / open_minutes as f64,
                    times: &times,
                    staff,
                    target_wait,
                    target_share: TARGET_SHARE,
                }
                .outcome()
            }
            _ => None,
        };
        out.push(StepLine {
            description: step.map(|st| format!("{}. {}", st.no, st.description)).unwrap_or_default(),
            attainment: percent(s.on_time, s.timed),
            mean_minutes: (s.done > 0).then(|| s.work_minutes as f64 / s.done as f64),
            service: std.id(),
            step: s.step,
            actor: s.actor,
            done: s.done,
            timed: s.timed,
            on_time: s.on_time,
            returns: s.returns,
            staff,
            model,
        });
    }
    Ok(out)
}

/// One officer's period.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct OfficerLine {
    pub username: String,
    pub name: String,
    pub role: String,
    /// Steps they ended, per service step (`33.20-legalisir` step `3`).
    pub steps: Vec<OfficerStep>,
    pub done: i64,
    pub on_time: i64,
    pub timed: i64,
    pub attainment: Option<f64>,
    pub returns: i64,
    pub rejects: i64,
    pub escalations: i64,
    /// Complaints received in the period about applications whose steps
    /// they handled.
    pub complaints: u32,
}

/// One officer's work on one step.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct OfficerStep {
    pub service: String,
    pub step: String,
    pub done: i64,
    pub mean_minutes: f64,
    /// The standard's mean minutes for the timed ones, if any.
    pub standard_minutes: Option<f64>,
}

/// Staff performance of the caller's office over a period: for the Kepala
/// Dinas, the Kabid and the Kasi who evaluate (and the admin, auditor).
pub async fn officers(
    app: &App,
    who: &Principal,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Period, Vec<OfficerLine>), Error> {
    use domain::Role::{Admin, Auditor, KepalaDinas, Validator, Verifikator};
    who.require(&[KepalaDinas, Validator, Verifikator, Admin, Auditor], &who.user.office)?;
    let office = who.user.office.as_str();
    let period = Period::of(app, office, from, to)?;
    let stats = app.store.officer_stats(office, period.from_ms, period.to_ms).await?;
    let users = app.store.users(Some(office)).await?;
    let complained = complained_cases(app, office, &period).await?;
    let mut by: BTreeMap<String, OfficerLine> = BTreeMap::new();
    for s in stats {
        let line = by.entry(s.done_by.clone()).or_insert_with(|| {
            let u = users.iter().find(|u| u.username == s.done_by);
            OfficerLine {
                username: s.done_by.clone(),
                name: u.map(|u| u.display_name.clone()).unwrap_or_default(),
                role: u.map(|u| u.role.as_str().to_string()).unwrap_or_default(),
                ..OfficerLine::default()
            }
        });
        line.done += s.done;
        line.on_time += s.on_time;
        line.timed += s.timed;
        line.returns += s.returns;
        line.rejects += s.rejects;
        line.escalations += s.escalations;
        line.steps.push(OfficerStep {
            service: format!("{office}-{}", s.service),
            step: s.step,
            done: s.done,
            mean_minutes: s.work_minutes as f64 / s.done.max(1) as f64,
            standard_minutes: (s.timed > 0).then(|| s.limit_minutes as f64 / s.timed as f64),
        });
    }
    for (username, n) in complained {
        if let Some(line) = by.get_mut(&username) {
            line.complaints += n;
        }
    }
    let mut lines: Vec<OfficerLine> = by.into_values().collect();
    for l in &mut lines {
        l.attainment = percent(l.on_time, l.timed);
    }
    Ok((period, lines))
}

/// For each officer, how many complaints of the period name an application
/// whose steps they handled.
async fn complained_cases(app: &App, office: &str, period: &Period) -> Result<BTreeMap<String, u32>, Error> {
    let complaints =
        app.store.cases_received(office, domain::complaint::SERVICE, period.from_ms, period.to_ms).await?;
    let mut out = BTreeMap::new();
    for c in complaints {
        let fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&c.fields).unwrap_or_default();
        let Some(code) = fields.get("kode_lacak_permohonan").and_then(|v| v.as_str()) else { continue };
        let Some(case) = app.store.case_by_tracking(code).await? else { continue };
        let mut handlers: Vec<String> = app
            .store
            .journal(case.id)
            .await?
            .into_iter()
            .filter(|j| j.from_step.is_some() && j.actor != Actor::Applicant.as_str())
            .map(|j| j.actor)
            .collect();
        handlers.sort();
        handlers.dedup();
        for h in handlers {
            *out.entry(h).or_default() += 1;
        }
    }
    Ok(out)
}

/// Staff performance as a table (CSV/XLSX).
pub fn officers_table(lines: &[OfficerLine]) -> Sheet {
    let header = [
        "Petugas",
        "Nama",
        "Peran",
        "Langkah selesai",
        "Tepat waktu",
        "Berbatas waktu",
        "Capaian (%)",
        "Dikembalikan",
        "Ditolak",
        "Eskalasi",
        "Pengaduan",
    ];
    let n = |v: i64| Cell::Number(v as f64);
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                Cell::Text(l.username.clone()),
                Cell::Text(l.name.clone()),
                Cell::Text(l.role.clone()),
                n(l.done),
                n(l.on_time),
                n(l.timed),
                l.attainment.map_or(Cell::Text("-".into()), Cell::Number),
                n(l.returns),
                n(l.rejects),
                n(l.escalations),
                n(i64::from(l.complaints)),
            ]
        })
        .collect();
    Sheet { name: "Kinerja pelaksana".into(), header: header.map(String::from).to_vec(), rows }
}

/// The dashboard's services as a table (CSV/XLSX).
pub fn services_table(d: &Dashboard) -> Sheet {
    let header = [
        "Layanan",
        "Diterima",
        "Selesai",
        "Ditolak",
        "Berjalan",
        "Lewat waktu",
        "Tepat waktu (%)",
        "Median (menit kerja)",
        "P90 (menit kerja)",
        "Standar",
    ];
    let opt = |v: Option<i64>| v.map_or(Cell::Text("-".into()), |v| Cell::Number(v as f64));
    let rows = d
        .services
        .iter()
        .map(|s| {
            vec![
                Cell::Text(s.title.clone()),
                Cell::Number(f64::from(s.received)),
                Cell::Number(f64::from(s.completed)),
                Cell::Number(f64::from(s.rejected)),
                Cell::Number(f64::from(s.open)),
                Cell::Number(f64::from(s.overdue)),
                s.attainment.map_or(Cell::Text("-".into()), Cell::Number),
                opt(s.median_minutes),
                opt(s.p90_minutes),
                Cell::Text(s.standard.clone()),
            ]
        })
        .collect();
    Sheet {
        name: format!("Layanan {} s.d. {}", d.period.from, d.period.to),
        header: header.map(String::from).to_vec(),
        rows,
    }
}

/// The dashboard's steps as a table, with the staffing model.
pub fn steps_table(d: &Dashboard) -> Sheet {
    let header = [
        "Layanan",
        "Langkah",
        "Pelaksana",
        "Selesai",
        "Tepat waktu (%)",
        "Dikembalikan",
        "Rata-rata (menit kerja)",
        "Petugas aktif",
        "Beban (Erlang)",
        "Tunggu rata-rata (menit)",
        "Petugas minimal (95 %)",
        "Metode",
    ];
    let opt = |v: Option<f64>| v.map_or(Cell::Text("-".into()), |v| Cell::Number((v * 10.0).round() / 10.0));
    let rows = d
        .steps
        .iter()
        .map(|s| {
            let m = s.model.as_ref();
            vec![
                Cell::Text(s.service.clone()),
                Cell::Text(s.description.clone()),
                Cell::Text(s.actor.clone()),
                Cell::Number(s.done as f64),
                opt(s.attainment),
                Cell::Number(s.returns as f64),
                opt(s.mean_minutes),
                Cell::Number(f64::from(s.staff)),
                opt(m.map(|m| m.load)),
                opt(m.and_then(|m| m.mean_wait_minutes)),
                opt(m.and_then(|m| m.fewest_staff).map(f64::from)),
                Cell::Text(m.map_or("-", |m| m.method).into()),
            ]
        })
        .collect();
    Sheet { name: "Langkah dan kebutuhan petugas".into(), header: header.map(String::from).to_vec(), rows }
}
