//! The SKM survey and the IKM: the API (`POST /api/v1/surveys`, the
//! published `GET /api/v1/reports/ikm`, the staff's SKM workbook
//! `GET /api/v1/reports/skm`), the public questionnaire `/survei` (opened
//! from a completed application's tracking page or its completion message,
//! or per service), the staff's keyboard-only entry of paper questionnaires
//! `/survei/kertas`, and the office's public IKM page `/ikm/{office}`.

use super::citizen::with_cookie;
use super::openapi::HtmlPage;
use super::portal::{Choice, NavUser, nav, render};
use crate::auth::{self, CurrentUser, MaybeUser};
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Body, MaybeChanging, PublicRate};
use crate::i18n::Lang;
use crate::state::AppState;
use app::performance::Scope;
use app::surveys::{IkmReport, NewResponse};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::ikm::{self, Respondent, UNSUR};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/surveys", post(create))
        .route("/api/v1/reports/ikm", get(ikm_api))
        .route("/api/v1/reports/skm", get(skm_report))
        .route("/survei", get(public_form).post(public_submit))
        .route("/survei/kertas", get(paper_form).post(paper_submit))
        .route("/ikm/{office}", get(ikm_page))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create,
    ikm_api,
    skm_report,
    public_form,
    public_submit,
    paper_form,
    paper_submit,
    ikm_page
))]
pub(super) struct Doc;

/// A stored response.
#[derive(Serialize, utoipa::ToSchema)]
struct Stored {
    id: i64,
}

/// Answers the satisfaction survey (anonymous; one response per completed application; staff enter paper questionnaires with their token)
#[utoipa::path(post, path = "/api/v1/surveys", request_body = NewResponse, responses(
    (status = 201, description = "stored", body = Stored),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 403, description = "staff of another office", body = ErrorResponse),
    (status = 409, description = "this application has its response already", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse),
    (status = 429, description = "too many requests", body = ErrorResponse)))]
async fn create(
    State(state): State<AppState>,
    _: PublicRate,
    MaybeChanging(user): MaybeChanging,
    Body(input): Body<NewResponse>,
) -> Result<(StatusCode, Json<Stored>), ApiError> {
    let id = app::surveys::submit(&state.app, &input, user.as_ref().map(|u| &u.principal)).await?;
    Ok((StatusCode::CREATED, Json(Stored { id })))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct IkmQuery {
    /// The office's code.
    office: String,
    /// One service's id; all the office's when absent.
    service: Option<String>,
    /// Only this unit's services (a unit as the standards name it).
    unit: Option<String>,
    /// The first day (`YYYY-MM-DD`) or month (`YYYY-MM`); 1 January when absent.
    from: Option<String>,
    /// The last day or month, inclusive; today when absent.
    to: Option<String>,
}

impl IkmQuery {
    fn scope(&self) -> Scope {
        Scope::of(self.service.as_deref(), self.unit.as_deref())
    }
}

/// The published IKM of an office (or one service) over a period: NRR per unsur, IKM, mutu, kinerja, respondents against the Krejcie–Morgan sample, and the same per service
#[utoipa::path(get, path = "/api/v1/reports/ikm", params(IkmQuery), responses(
    (status = 200, description = "OK", body = IkmReport),
    (status = 422, description = "an unknown office or service, or a bad period", body = ErrorResponse)))]
async fn ikm_api(
    State(state): State<AppState>,
    Query(q): Query<IkmQuery>,
) -> Result<Json<IkmReport>, ApiError> {
    let r =
        app::surveys::report(&state.app, &q.office, q.scope(), q.from.as_deref(), q.to.as_deref()).await?;
    Ok(Json(r))
}

/// The SKM report for the office's staff, in the regulation's structure: the IKM per service and unsur, the respondent profile, the lowest unsur's follow-up plan, the comments; a workbook, or a PDF with the kop surat and charts (format=pdf)
#[utoipa::path(get, path = "/api/v1/reports/skm", params(IkmQuery, ("format" = Option<String>, Query, description = "`xlsx` (the default) or `pdf`")), responses(
    (status = 200, description = "the workbook or the PDF", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not this office's staff", body = ErrorResponse),
    (status = 422, description = "an unknown office, service or unit, a bad period or format", body = ErrorResponse)))]
async fn skm_report(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<IkmQuery>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let pdf = super::export::wants_pdf(f.format.as_deref())?;
    let r =
        app::surveys::report(&state.app, &q.office, q.scope(), q.from.as_deref(), q.to.as_deref()).await?;
    let (profile, comments) = app::surveys::profile(&state.app, &who, &r).await?;
    let stem = format!("skm-{}-{}-{}", r.office, r.from, r.to);
    if pdf {
        let bytes = app::evaluation::skm_pdf(&state.app, &who, &r, &profile, &comments).await?;
        return Ok(super::export::pdf(&stem, bytes));
    }
    Ok(super::export::workbook(&stem, &app::surveys::report_sheets(&r, &profile, &comments)))
}

#[derive(Deserialize)]
struct FormatQuery {
    format: Option<String>,
}

/// One unsur on the form: its code, name, question and answers (value, words).
struct Question {
    code: &'static str,
    name: &'static str,
    question: &'static str,
    answers: Vec<(u8, &'static str)>,
}

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    lang: Lang,
    user: Option<NavUser>,
    /// Staff entering paper questionnaires.
    paper: bool,
    action: &'static str,
    csrf: String,
    services: Vec<Choice>,
    questions: Vec<Question>,
    profile: Vec<(&'static str, &'static str, Vec<Choice>)>,
    values: HashMap<String, String>,
    error: Option<String>,
    saved: bool,
    /// The service the form rates, when it is fixed (a case's).
    title: Option<String>,
}

impl SurveyPage {
    fn value(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }
}

fn survey_page(
    state: &AppState,
    lang: Lang,
    user: &Option<CurrentUser>,
    paper: bool,
    csrf: String,
    values: HashMap<String, String>,
) -> SurveyPage {
    let own = user.as_ref().filter(|_| paper).map(|u| u.user.office.clone());
    let services = state
        .app
        .catalog
        .for_office_or_all(own.as_deref())
        .filter(|s| !s.steps.is_empty() && s.slug != domain::complaint::SERVICE)
        .map(|s| Choice { code: s.id(), name: format!("{} — {}", s.office, s.title) })
        .collect();
    let questions = UNSUR
        .iter()
        .map(|u| Question {
            code: u.code,
            name: if lang == Lang::En { u.name_en } else { u.name },
            question: u.question,
            answers: (1..=4u8).zip(u.answers).collect(),
        })
        .collect();
    let choices = |list: &[(&str, &str)]| {
        list.iter().map(|(c, l)| Choice { code: (*c).into(), name: format!("{c} — {l}") }).collect()
    };
    let profile = vec![
        ("sex", "survey_sex", choices(&ikm::SEXES)),
        ("age_band", "survey_age", choices(&ikm::AGE_BANDS)),
        ("education", "survey_education", choices(&ikm::EDUCATIONS)),
        ("occupation", "survey_occupation", choices(&ikm::OCCUPATIONS)),
    ];
    let title = values.get("service").and_then(|id| state.app.catalog.get(id)).map(|s| s.title.clone());
    SurveyPage {
        lang,
        user: nav(user),
        paper,
        action: if paper { "/survei/kertas" } else { "/survei" },
        csrf,
        services,
        questions,
        profile,
        values,
        error: None,
        saved: false,
        title: title.filter(|_| !paper),
    }
}

/// The response the form's values describe.
fn from_form(v: &HashMap<String, String>) -> NewResponse {
    let get = |k: &str| v.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let answers = UNSUR
        .iter()
        .map(|u| {
            let given = get(u.code);
            let value =
                given.parse::<u64>().map_or(serde_json::Value::String(given), serde_json::Value::from);
            (u.code.to_string(), value)
        })
        .collect();
    NewResponse {
        service: get("service"),
        case: Some(get("case")).filter(|c| !c.is_empty()),
        answers,
        respondent: Respondent {
            sex: get("sex"),
            age_band: get("age_band"),
            education: get("education"),
            occupation: get("occupation"),
        },
        comment: Some(get("comment")).filter(|c| !c.is_empty()),
    }
}

#[derive(Deserialize)]
struct Prefill {
    /// A completed application's tracking code.
    kasus: Option<String>,
    /// A service's id.
    layanan: Option<String>,
}

/// The questionnaire: the nine unsur (1–4), the respondent profile, a comment; `?kasus=CODE` rates that completed application, `?layanan=ID` a service
#[utoipa::path(get, path = "/survei", responses(HtmlPage))]
async fn public_form(
    State(state): State<AppState>,
    lang: Lang,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Query(p): Query<Prefill>,
) -> Result<Response, PageError> {
    let (csrf, cookie) = auth::form_token(&headers, state.config.cookie_secure);
    let mut values = HashMap::new();
    if let Some(code) = p.kasus.map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty()) {
        if let Some(c) = state.app.store.case_by_tracking(&code).await? {
            values.insert("service".to_string(), format!("{}-{}", c.office, c.service));
        }
        values.insert("case".to_string(), code);
    }
    values.extend(p.layanan.map(|s| ("service".to_string(), s)));
    let page = survey_page(&state, lang, &user, false, csrf, values);
    Ok(with_cookie(render(&page)?.into_response(), cookie))
}

/// Stores the questionnaire's response (its form token) and thanks the respondent
#[utoipa::path(post, path = "/survei", responses(HtmlPage))]
async fn public_submit(
    State(state): State<AppState>,
    _: PublicRate,
    lang: Lang,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let token = values.get("csrf").cloned().unwrap_or_default();
    auth::check_form_token(&headers, &token)?;
    let result = app::surveys::submit(&state.app, &from_form(&values), None).await;
    let mut page = survey_page(&state, lang, &user, false, token, values);
    finish(&mut page, result)
}

/// The page after a response: thanks (the paper form again, empty but for
/// its service), or the refusal with what was chosen.
fn finish(page: &mut SurveyPage, result: Result<i64, app::Error>) -> Result<Response, PageError> {
    match result {
        Ok(_) => {
            page.saved = true;
            page.values.retain(|k, _| k == "service");
            Ok((StatusCode::CREATED, render(&*page)?).into_response())
        }
        Err(e) => {
            let (status, message) = PageError::refusal(e)?;
            page.error = Some(message);
            Ok((status, render(&*page)?).into_response())
        }
    }
}

/// The staff's entry of paper questionnaires: one form per questionnaire, by keyboard alone (digits 1–4 for the unsur, a letter or digit picks each profile answer), the service kept for the next
#[utoipa::path(get, path = "/survei/kertas", responses(HtmlPage))]
async fn paper_form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Query(p): Query<Prefill>,
) -> Result<Response, PageError> {
    if !who.is_staff() {
        return Err(ApiError::forbidden("the office's staff enter paper questionnaires").into());
    }
    let csrf = who.session.csrf_token.clone();
    let values: HashMap<String, String> = p.layanan.map(|s| ("service".to_string(), s)).into_iter().collect();
    Ok(render(&survey_page(&state, lang, &Some(who), true, csrf, values))?.into_response())
}

/// Stores one paper questionnaire (CSRF) and shows the form again for the next
#[utoipa::path(post, path = "/survei/kertas", responses(HtmlPage))]
async fn paper_submit(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !who.is_staff() {
        return Err(ApiError::forbidden("the office's staff enter paper questionnaires").into());
    }
    who.check_csrf(values.get("csrf").map(String::as_str))?;
    let result = app::surveys::submit(&state.app, &from_form(&values), Some(&who)).await;
    let csrf = who.session.csrf_token.clone();
    let mut page = survey_page(&state, lang, &Some(who), true, csrf, values);
    finish(&mut page, result)
}

#[derive(Template)]
#[template(path = "ikm.html")]
struct IkmPage {
    lang: Lang,
    user: Option<NavUser>,
    report: IkmReport,
    /// (code, name, NRR) of the office's whole period.
    nrr: Vec<(&'static str, &'static str, String)>,
    lowest: String,
}

#[derive(Deserialize)]
struct Period {
    from: Option<String>,
    to: Option<String>,
}

/// The office's published IKM: per service and in all, with the sample's adequacy and the weakest unsur
#[utoipa::path(get, path = "/ikm/{office}", responses(HtmlPage))]
async fn ikm_page(
    State(state): State<AppState>,
    lang: Lang,
    MaybeUser(user): MaybeUser,
    Path(office): Path<String>,
    Query(p): Query<Period>,
) -> Result<Response, PageError> {
    let report =
        app::surveys::report(&state.app, &office, Scope::default(), p.from.as_deref(), p.to.as_deref())
            .await
            .map_err(|e| match e {
                app::Error::Invalid { field: Some(f), .. } if f == "office" => {
                    ApiError::not_found("no such office")
                }
                e => e.into(),
            })?;
    let name = |u: &domain::ikm::Unsur| if lang == Lang::En { u.name_en } else { u.name };
    let nrr = UNSUR
        .iter()
        .map(|u| (u.code, name(u), report.figures.nrr.get(u.code).map_or("-".into(), |v| format!("{v:.2}"))))
        .collect();
    let lowest = report
        .figures
        .lowest
        .as_deref()
        .and_then(|c| UNSUR.iter().find(|u| u.code == c))
        .map_or(String::new(), |u| format!("{} {}", u.code, name(u)));
    Ok(render(&IkmPage { lang, user: nav(&user), report, nrr, lowest })?.into_response())
}
