//! The office's dashboard and staff performance: the API
//! (`/api/v1/dashboard`, `/api/v1/reports/officers`, the evaluation
//! workbook `/api/v1/reports/evaluation`) and the pages `/dasbor` (charts
//! drawn on the server, each with its table) and `/kinerja`.

use super::export::{Format, answer};
use super::openapi::HtmlPage;
use super::portal::{NavUser, nav, render};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Body, Changing};
use crate::i18n::Lang;
use crate::state::AppState;
use app::performance::{Dashboard, OfficerLine, Period, RollupLine, Scope};
use app::staff_evaluations::{EvaluationBoard, NewEvaluation};
use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dashboard", get(dashboard_api))
        .route("/api/v1/dashboard/rollup", get(rollup_api))
        .route("/api/v1/reports/officers", get(officers_api))
        .route("/api/v1/reports/evaluation", get(evaluation))
        .route("/dasbor", get(dashboard_page))
        .route("/kinerja", get(officers_page))
        .route("/api/v1/staff-evaluations", get(evaluations_api).post(record_evaluation))
        .route("/kinerja/evaluasi", post(record_evaluation_form))
        .route("/dasbor/provinsi", get(rollup_page))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    dashboard_api,
    rollup_api,
    officers_api,
    evaluation,
    evaluations_api,
    record_evaluation,
    dashboard_page,
    rollup_page,
    officers_page,
    record_evaluation_form
))]
pub(super) struct Doc;

#[derive(Default, Deserialize, utoipa::IntoParams)]
struct PeriodQuery {
    /// The first day (`YYYY-MM-DD`) or month (`YYYY-MM`); the month's first day when absent.
    from: Option<String>,
    /// The last day or month, inclusive; today when absent.
    to: Option<String>,
    /// `csv` or `xlsx` for a file; JSON otherwise.
    format: Option<String>,
    /// Only this service (its id); the dashboard only.
    service: Option<String>,
    /// Only this unit's services; the dashboard only.
    unit: Option<String>,
    /// Which of the dashboard's tables a CSV holds: `services` (the
    /// default) or `steps`; a workbook holds both.
    table: Option<String>,
}

impl PeriodQuery {
    fn scope(&self) -> Scope {
        Scope::of(self.service.as_deref(), self.unit.as_deref())
    }
}

/// The caller's office over a period: cases by service, channel and status, SLA attainment and completion times per service and step, backlog, complaints, IKM, the staffing model
#[utoipa::path(get, path = "/api/v1/dashboard", params(PeriodQuery), responses(
    (status = 200, description = "OK (JSON; a table as CSV with format=csv and table=services|steps, or both in a workbook with format=xlsx)", body = Dashboard),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse),
    (status = 422, description = "a bad period or format", body = ErrorResponse)))]
async fn dashboard_api(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, ApiError> {
    let format = Format::parse(q.format.as_deref())?;
    let d =
        app::performance::dashboard(&state.app, &who, q.from.as_deref(), q.to.as_deref(), q.scope()).await?;
    let stem = format!("dasbor-{}-{}-{}", d.office, d.period.from, d.period.to);
    let steps = match q.table.as_deref().unwrap_or("services") {
        "services" => false,
        "steps" => true,
        _ => return Err(ApiError::invalid("table", "`services` or `steps`")),
    };
    if format == Format::Xlsx {
        let sheets = [app::performance::services_table(&d), app::performance::steps_table(&d)];
        return Ok(super::export::workbook(&stem, &sheets));
    }
    let table =
        || if steps { app::performance::steps_table(&d) } else { app::performance::services_table(&d) };
    Ok(answer(format, &d, &stem, table))
}

/// A province's roll-up in a period
#[derive(Serialize, utoipa::ToSchema)]
struct Rollup {
    #[serde(flatten)]
    period: Period,
    offices: Vec<RollupLine>,
}

/// The province's roll-up over itself and its kab/kota offices: cases, SLA attainment, backlog, open complaints, IKM, blanko stock and the monthly reports owed
#[utoipa::path(get, path = "/api/v1/dashboard/rollup", params(PeriodQuery), responses(
    (status = 200, description = "OK (JSON; CSV or a workbook with format=csv|xlsx)", body = Rollup),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not a province's staff", body = ErrorResponse),
    (status = 422, description = "a bad period or format", body = ErrorResponse)))]
async fn rollup_api(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, ApiError> {
    let format = Format::parse(q.format.as_deref())?;
    let (period, offices) =
        app::performance::rollup(&state.app, &who, q.from.as_deref(), q.to.as_deref()).await?;
    let stem = format!("rekap-{}-{}-{}", who.user.office, period.from, period.to);
    let table = app::performance::rollup_table(&offices);
    Ok(answer(format, &Rollup { period, offices }, &stem, || table))
}

#[derive(Template)]
#[template(path = "rollup.html")]
struct RollupPage {
    lang: Lang,
    user: Option<NavUser>,
    period: Period,
    chart: Chart,
    lines: Vec<RollupLine>,
}

/// The province's roll-up page: SLA attainment per kab/kota as a chart, and the table of every office
#[utoipa::path(get, path = "/dasbor/provinsi", responses(HtmlPage))]
async fn rollup_page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let (period, lines) =
        app::performance::rollup(&state.app, &who, q.from.as_deref(), q.to.as_deref()).await?;
    let bars = lines.iter().filter_map(|l| l.attainment.map(|a| (l.name.clone(), a))).collect();
    let chart = Chart::of("chart-rollup", lang.t("dash_attainment"), bars, 100.0, " %");
    Ok(render(&RollupPage { lang, user: nav(&Some(who)), period, chart, lines })?.into_response())
}

/// Staff performance in a period
#[derive(Serialize, utoipa::ToSchema)]
struct Officers {
    #[serde(flatten)]
    period: Period,
    officers: Vec<OfficerLine>,
}

/// Staff performance of the caller's office in a period: steps handled, time per step against the standard, returns, refusals, escalations, complaints
#[utoipa::path(get, path = "/api/v1/reports/officers", params(PeriodQuery), responses(
    (status = 200, description = "OK (JSON; CSV or a workbook with format=csv|xlsx)", body = Officers),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an evaluating official, admin or auditor", body = ErrorResponse),
    (status = 422, description = "a bad period or format", body = ErrorResponse)))]
async fn officers_api(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, ApiError> {
    let format = Format::parse(q.format.as_deref())?;
    let (period, officers) =
        app::performance::officers(&state.app, &who, q.from.as_deref(), q.to.as_deref()).await?;
    let stem = format!("kinerja-{}-{}-{}", who.user.office, period.from, period.to);
    let table = app::performance::officers_table(&officers);
    Ok(answer(format, &Officers { period, officers }, &stem, || table))
}

/// The Laporan Evaluasi Kinerja Pelayanan of any period as a workbook, or as a PDF with the office's kop surat and the charts (format=pdf): services, steps, staff performance, complaints and IKM
#[utoipa::path(get, path = "/api/v1/reports/evaluation", params(PeriodQuery), responses(
    (status = 200, description = "the workbook (format=xlsx, the default) or the PDF (format=pdf)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an evaluating official, admin or auditor", body = ErrorResponse),
    (status = 422, description = "a bad period or format", body = ErrorResponse)))]
async fn evaluation(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, ApiError> {
    let pdf = super::export::wants_pdf(q.format.as_deref())?;
    let e = app::evaluation::evaluation(&state.app, &who, q.from.as_deref(), q.to.as_deref()).await?;
    let stem = format!("evaluasi-{}-{}-{}", who.user.office, e.period.from, e.period.to);
    if pdf {
        let bytes = app::evaluation::evaluation_pdf(&state.app, &who, &e).await?;
        return Ok(super::export::pdf(&stem, bytes));
    }
    Ok(super::export::workbook(&stem, &e.sheets))
}

/// A chart and the table of its numbers.
struct Chart {
    id: &'static str,
    title: &'static str,
    svg: String,
    rows: Vec<(String, String)>,
}

impl Chart {
    fn of(id: &'static str, title: &'static str, bars: Vec<(String, f64)>, max: f64, unit: &str) -> Chart {
        let rows = bars.iter().map(|(l, v)| (l.clone(), format!("{v:.1}{unit}"))).collect();
        let svg = documents::charts::BarChart { caption: title.into(), bars, max }.svg();
        Chart { id, title, svg, rows }
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    lang: Lang,
    user: Option<NavUser>,
    d: Dashboard,
    /// The office's services, the page's filter.
    all_services: Vec<super::portal::Choice>,
    charts: Vec<Chart>,
    /// The complaints' counts with their words.
    complaints: Vec<(&'static str, u32)>,
    /// Each service's IKM per month of the trend (`-` without responses).
    trend_services: Vec<(String, Vec<String>)>,
    /// The agreements' duty periods per state, in words.
    agreements: Vec<(&'static str, u32)>,
    /// Whether the office is a province (its roll-up is linked).
    province: bool,
}

/// The dashboard page: the period's charts (each with its table), services, steps with the staffing model, complaints
#[utoipa::path(get, path = "/dasbor", responses(HtmlPage))]
async fn dashboard_page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let d =
        app::performance::dashboard(&state.app, &who, q.from.as_deref(), q.to.as_deref(), q.scope()).await?;
    let statuses = d.status_bars().into_iter().map(|(s, n)| (lang.t(&format!("status_{s}")).to_string(), n));
    let statuses: Vec<_> = statuses.collect();
    let most = statuses.iter().map(|(_, n)| *n).fold(1.0, f64::max);
    let trend = d.ikm_trend.iter().filter_map(|m| m.ikm.map(|v| (m.month.clone(), v))).collect();
    let charts = vec![
        Chart::of("chart-attainment", lang.t("dash_attainment"), d.attainment_bars(), 100.0, " %"),
        Chart::of("chart-status", lang.t("dash_status"), statuses, most, ""),
        Chart::of("chart-ikm", lang.t("dash_ikm"), d.ikm_bars(), 100.0, ""),
        Chart::of("chart-ikm-trend", lang.t("dash_ikm_trend"), trend, 100.0, ""),
    ];
    let titles: std::collections::BTreeSet<&String> =
        d.ikm_trend.iter().flat_map(|m| m.services.keys()).collect();
    let trend_services = titles
        .into_iter()
        .map(|t| {
            let cell = |m: &app::performance::IkmMonth| {
                m.services.get(t).copied().flatten().map_or("-".to_string(), |v| format!("{v:.2}"))
            };
            (t.clone(), d.ikm_trend.iter().map(cell).collect())
        })
        .collect();
    let agreements = d.agreements.iter().map(|(k, v)| (lang.t(&format!("duty_{k}")), *v)).collect();
    let level = state.app.store.office(&who.user.office).await.ok().flatten().map(|o| o.level);
    let province = level.as_deref() == Some(domain::OfficeLevel::Province.as_str());
    let word = |k: &str| match k {
        "open" => lang.t("dash_complaints_open"),
        "answered" => lang.t("dash_complaints_answered"),
        "0-2" => lang.t("dash_complaints_young"),
        "3-5" => lang.t("dash_complaints_middle"),
        _ => lang.t("dash_complaints_old"),
    };
    let complaints = d.complaints.iter().map(|(k, v)| (word(k), *v)).collect();
    let all_services = state
        .app
        .catalog
        .for_office(&who.user.office)
        .filter(|s| !s.steps.is_empty())
        .map(|s| super::portal::Choice { code: s.id(), name: s.title.clone() })
        .collect();
    let page = DashboardPage {
        lang,
        user: nav(&Some(who)),
        d,
        all_services,
        charts,
        complaints,
        trend_services,
        agreements,
        province,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "officers.html")]
struct OfficersPage {
    lang: Lang,
    user: Option<NavUser>,
    period: Period,
    /// Each officer with their role's name.
    officers: Vec<(OfficerLine, &'static str)>,
    /// The evaluation periods, for the officials who read them.
    board: Option<EvaluationBoard>,
    /// Whether the caller records evaluations (the form is shown).
    records: bool,
    csrf: String,
    error: Option<String>,
}

/// The office's staff evaluation periods: open (their last month), owed (ended) or recorded, with the findings and actions
#[utoipa::path(get, path = "/api/v1/staff-evaluations", responses(
    (status = 200, description = "OK", body = EvaluationBoard),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not the Kepala Dinas, a Kabid, the admin or the auditor", body = ErrorResponse)))]
async fn evaluations_api(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<EvaluationBoard>, ApiError> {
    Ok(Json(app::staff_evaluations::board(&state.app, &who).await?))
}

/// Records a period's staff evaluation (the Kepala Dinas or a Kabid), once
#[utoipa::path(post, path = "/api/v1/staff-evaluations", request_body = NewEvaluation, responses(
    (status = 201, description = "recorded", body = store::StaffEvaluation),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not the Kepala Dinas or a Kabid", body = ErrorResponse),
    (status = 409, description = "the period is recorded", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse)))]
async fn record_evaluation(
    State(state): State<AppState>,
    who: Changing,
    Body(e): Body<NewEvaluation>,
) -> Result<(StatusCode, Json<store::StaffEvaluation>), ApiError> {
    Ok((StatusCode::CREATED, Json(app::staff_evaluations::record(&state.app, &who, &e).await?)))
}

#[derive(Deserialize)]
struct EvaluationForm {
    csrf: String,
    period: String,
    findings: String,
    actions: String,
}

/// Records a period's staff evaluation from the staff performance page (CSRF)
#[utoipa::path(post, path = "/kinerja/evaluasi", responses(HtmlPage))]
async fn record_evaluation_form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Form(f): Form<EvaluationForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    let e = NewEvaluation { period: f.period, findings: f.findings, actions: f.actions };
    match app::staff_evaluations::record(&state.app, &who, &e).await {
        Ok(_) => Ok(Redirect::to("/kinerja#evaluasi").into_response()),
        Err(e) => {
            let (status, message) = PageError::refusal(e)?;
            let page = officers_view(&state, lang, who, &PeriodQuery::default(), Some(message)).await?;
            Ok((status, page).into_response())
        }
    }
}

/// Staff performance: per officer, the steps they handled against the standard's time
#[utoipa::path(get, path = "/kinerja", responses(HtmlPage))]
async fn officers_page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    Ok(officers_view(&state, lang, who, &q, None).await?.into_response())
}

/// The staff performance page, with the evaluation board for those who read it.
async fn officers_view(
    state: &AppState,
    lang: Lang,
    who: CurrentUser,
    q: &PeriodQuery,
    error: Option<String>,
) -> Result<axum::response::Html<String>, PageError> {
    let (period, officers) =
        app::performance::officers(&state.app, &who, q.from.as_deref(), q.to.as_deref()).await?;
    let officers = officers
        .into_iter()
        .map(|o| {
            let role = o.role.parse().map_or("", |r| lang.role(r));
            (o, role)
        })
        .collect();
    let board = app::staff_evaluations::board(&state.app, &who).await.ok().filter(|b| b.every.is_some());
    let records = matches!(who.role, domain::Role::KepalaDinas | domain::Role::Validator);
    let csrf = who.session.csrf_token.clone();
    let page = OfficersPage { lang, user: nav(&Some(who)), period, officers, board, records, csrf, error };
    render(&page)
}
