//! Complaints, suggestions and feedback: the API (`POST /api/v1/complaints`,
//! the SP4N-LAPOR! import, a question turned into a complaint, the monthly
//! recap), the public form `/pengaduan` (anonymous allowed; a tracking page
//! links to it with its code filled in), the staff's entry page
//! `/pengaduan/catat` (a slip, a call, a post, a LAPOR! export) and the
//! recap page `/pengaduan/rekap`. The answer is read on the tracking page.

use super::citizen::with_cookie;
use super::export::{Format, answer};
use super::multipart;
use super::openapi::HtmlPage;
use super::portal::{Choice, NavUser, nav, render};
use crate::auth::{self, CurrentUser, MaybeUser};
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Body, Changing, MaybeChanging, PublicRate};
use crate::i18n::Lang;
use crate::state::AppState;
use app::cases::views::{self, Receipt};
use app::complaints::{LaporImport, NewComplaint, Recap};
use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::Role;
use domain::complaint::Channel;
use serde::Deserialize;
use std::collections::HashMap;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/complaints", post(create))
        .route("/api/v1/complaints/lapor", post(import_lapor))
        .route("/api/v1/cases/{id}/complaint", post(from_question))
        .route("/api/v1/reports/complaints", get(recap))
        .route("/pengaduan", get(public_form).post(public_submit))
        .route("/pengaduan/catat", get(staff_form).post(staff_submit))
        .route("/pengaduan/lapor", post(lapor_page))
        .route("/pengaduan/rekap", get(recap_page))
        .route("/staff/cases/{id}/complaint", post(question_page))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create,
    import_lapor,
    from_question,
    recap,
    public_form,
    public_submit,
    staff_form,
    staff_submit,
    lapor_page,
    recap_page,
    question_page
))]
pub(super) struct Doc;

/// Files a complaint, suggestion or feedback: anonymous on the `web` channel; staff (token or cookie with CSRF) enter every other channel
#[utoipa::path(post, path = "/api/v1/complaints", request_body = NewComplaint, responses(
    (status = 201, description = "the complaint's tracking code and due time", body = Receipt),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "a staff channel needs the office's staff", body = ErrorResponse),
    (status = 403, description = "not the office's complaints officer or operator", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse),
    (status = 429, description = "too many requests", body = ErrorResponse)))]
async fn create(
    State(state): State<AppState>,
    _: PublicRate,
    MaybeChanging(user): MaybeChanging,
    Body(input): Body<NewComplaint>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let c = app::complaints::submit(&state.app, &input, user.as_ref().map(|u| &u.principal)).await?;
    Ok((StatusCode::CREATED, Json(views::receipt(&c))))
}

/// Imports a SP4N-LAPOR! export (CSV with a header naming `id_laporan`, or JSON) into the caller's office; a report already taken is skipped
#[utoipa::path(post, path = "/api/v1/complaints/lapor", request_body(content = String, content_type = "text/csv"), responses(
    (status = 200, description = "what was imported, skipped and refused", body = LaporImport),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not a complaints officer or operator", body = ErrorResponse),
    (status = 422, description = "the file cannot be read", body = ErrorResponse)))]
async fn import_lapor(
    State(state): State<AppState>,
    who: Changing,
    body: String,
) -> Result<Json<LaporImport>, ApiError> {
    Ok(Json(app::complaints::import_lapor(&state.app, &who, &body).await?))
}

/// Turns a question of the information desk that is really a complaint into one
#[utoipa::path(post, path = "/api/v1/cases/{id}/complaint", params(("id" = i64, Path, description = "the question's case id")), responses(
    (status = 201, description = "the complaint", body = Receipt),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not its desk's staff (another office's case: 404)", body = ErrorResponse),
    (status = 404, description = "no such case", body = ErrorResponse),
    (status = 422, description = "not an open question of the information desk", body = ErrorResponse)))]
async fn from_question(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let question = super::cases::staff_case(&state, &who, id).await?;
    let c = app::complaints::from_question(&state.app, &who, &question).await?;
    Ok((StatusCode::CREATED, Json(views::receipt(&c))))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct RecapQuery {
    /// The month, `YYYY-MM`.
    month: String,
    /// `csv` or `xlsx` for a file; JSON otherwise.
    format: Option<String>,
}

/// The month's complaints of the caller's office per unit (received, answered, in time, open, overdue), channel and category
#[utoipa::path(get, path = "/api/v1/reports/complaints", params(RecapQuery), responses(
    (status = 200, description = "OK (JSON; a CSV or a workbook with format=csv|xlsx)", body = Recap),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not office staff", body = ErrorResponse),
    (status = 422, description = "the month is not YYYY-MM, or an unknown format", body = ErrorResponse)))]
async fn recap(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<RecapQuery>,
) -> Result<Response, ApiError> {
    let format = Format::parse(q.format.as_deref())?;
    let r = app::complaints::recap(&state.app, &who, q.month.trim()).await?;
    let stem = format!("rekap-pengaduan-{}-{}", r.office, r.month);
    Ok(answer(format, &r, &stem, || app::complaints::recap_table(&r)))
}

#[derive(Template)]
#[template(path = "complaint.html")]
struct ComplaintPage {
    lang: Lang,
    user: Option<NavUser>,
    /// Staff entering a complaint that arrived elsewhere.
    staff: bool,
    action: &'static str,
    csrf: String,
    offices: Vec<Choice>,
    services: Vec<Choice>,
    channels: Vec<Choice>,
    categories: Vec<String>,
    /// The values the form shows (after a refusal, what was typed).
    values: HashMap<String, String>,
    error: Option<String>,
    /// The complaint just filed: its tracking code.
    filed: Option<String>,
    lapor: Option<LaporImport>,
}

impl ComplaintPage {
    fn value(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }
}

/// The form's choices: offices that take complaints (all, or the staff
/// member's), their services, the channels and the categories.
async fn complaint_page(
    state: &AppState,
    lang: Lang,
    user: &Option<CurrentUser>,
    staff: bool,
    csrf: String,
    values: HashMap<String, String>,
) -> Result<ComplaintPage, ApiError> {
    let own = user.as_ref().filter(|_| staff).map(|u| u.user.office.clone());
    let offices: Vec<Choice> = state
        .app
        .store
        .offices()
        .await?
        .into_iter()
        .filter(|o| app::complaints::procedure(&state.app, &o.code).is_ok())
        .filter(|o| own.as_ref().is_none_or(|own| *own == o.code))
        .map(|o| Choice { code: o.code, name: o.name })
        .collect();
    let services = state
        .app
        .catalog
        .for_office_or_all(own.as_deref())
        .filter(|s| !s.steps.is_empty() && s.slug != domain::complaint::SERVICE)
        .filter(|s| offices.iter().any(|o| o.code == s.office.as_str()))
        .map(|s| Choice { code: s.id(), name: format!("{} — {}", s.office, s.title) })
        .collect();
    let channels = Channel::ALL
        .into_iter()
        .filter(|c| staff != (*c == Channel::Web))
        .map(|c| Choice { code: c.as_str().into(), name: lang.channel(c.as_str()) })
        .collect();
    let categories = app::complaints::procedure(&state.app, offices.first().map_or("", |o| o.code.as_str()))
        .ok()
        .and_then(|p| p.fields.iter().find(|f| f.code == "kategori").map(|f| f.options.clone()))
        .unwrap_or_default();
    Ok(ComplaintPage {
        lang,
        user: nav(user),
        staff,
        action: if staff { "/pengaduan/catat" } else { "/pengaduan" },
        csrf,
        offices,
        services,
        channels,
        categories,
        values,
        error: None,
        filed: None,
        lapor: None,
    })
}

#[derive(Deserialize)]
struct Prefill {
    office: Option<String>,
    /// The tracking code of the application complained about.
    kasus: Option<String>,
    layanan: Option<String>,
}

/// The public complaint form (anonymous allowed); `?office=&kasus=` fill in the office and the application complained about
#[utoipa::path(get, path = "/pengaduan", responses(HtmlPage))]
async fn public_form(
    State(state): State<AppState>,
    lang: Lang,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Query(p): Query<Prefill>,
) -> Result<Response, PageError> {
    let (csrf, cookie) = auth::form_token(&headers, state.config.cookie_secure);
    let mut values = HashMap::new();
    for (k, v) in [("office", p.office), ("case", p.kasus), ("service", p.layanan)] {
        values.extend(v.map(|v| (k.to_string(), v)));
    }
    let page = complaint_page(&state, lang, &user, false, csrf, values).await?;
    Ok(with_cookie(render(&page)?.into_response(), cookie))
}

/// The complaint the form's values describe.
fn from_form(v: &HashMap<String, String>, channel: Option<Channel>) -> NewComplaint {
    let opt = |k: &str| v.get(k).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    NewComplaint {
        office: opt("office").unwrap_or_default(),
        service: opt("service"),
        case: opt("case"),
        channel,
        name: opt("name"),
        contact: opt("contact"),
        text: opt("text").unwrap_or_default(),
        category: opt("category"),
        link: opt("link"),
        lapor_number: opt("lapor_number"),
        received_on: opt("received_on"),
    }
}

/// Files the public form's complaint (its form token) and shows its tracking code
#[utoipa::path(post, path = "/pengaduan", responses(HtmlPage))]
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
    let complaint = from_form(&values, Some(Channel::Web));
    let result = app::complaints::submit(&state.app, &complaint, None).await;
    let mut page = complaint_page(&state, lang, &user, false, token, values).await?;
    finish(&mut page, result)
}

/// The page after a submission: the tracking code and an empty form, or the
/// refusal with what was typed.
fn finish(page: &mut ComplaintPage, result: Result<store::Case, app::Error>) -> Result<Response, PageError> {
    match result {
        Ok(c) => {
            page.filed = Some(c.tracking_code);
            page.values.retain(|k, _| k == "office" || k == "channel");
            Ok((StatusCode::CREATED, render(&*page)?).into_response())
        }
        Err(e) => {
            let (status, message) = PageError::refusal(e)?;
            page.error = Some(message);
            Ok((status, render(&*page)?).into_response())
        }
    }
}

/// The roles that enter complaints arriving elsewhere.
const ENTERING: [Role; 2] = [Role::ComplaintHandler, Role::Operator];

/// The staff's entry page: a complaint that arrived in person, by telephone, e-mail, social media, the suggestion box or SP4N-LAPOR!, and the LAPOR! export's import
#[utoipa::path(get, path = "/pengaduan/catat", responses(HtmlPage))]
async fn staff_form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
) -> Result<Response, PageError> {
    who.require(&ENTERING, &who.user.office)?;
    let csrf = who.session.csrf_token.clone();
    let values = HashMap::from([("office".to_string(), who.user.office.clone())]);
    let page = complaint_page(&state, lang, &Some(who), true, csrf, values).await?;
    Ok(render(&page)?.into_response())
}

/// Enters one complaint (CSRF) and shows the form again, empty, for the next slip
#[utoipa::path(post, path = "/pengaduan/catat", responses(HtmlPage))]
async fn staff_submit(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Form(mut values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    who.require(&ENTERING, &who.user.office)?;
    who.check_csrf(values.get("csrf").map(String::as_str))?;
    values.insert("office".into(), who.user.office.clone());
    let channel = values.get("channel").and_then(|c| c.parse::<Channel>().ok());
    let result = app::complaints::submit(&state.app, &from_form(&values, channel), Some(&who)).await;
    let csrf = who.session.csrf_token.clone();
    let mut page = complaint_page(&state, lang, &Some(who), true, csrf, values).await?;
    finish(&mut page, result)
}

/// Imports a SP4N-LAPOR! export from the entry page (multipart with `file`, CSRF) and shows what it did
#[utoipa::path(post, path = "/pengaduan/lapor", responses(HtmlPage))]
async fn lapor_page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    m: Multipart,
) -> Result<Response, PageError> {
    // Who may import is checked before the body is read.
    who.require(&ENTERING, &who.user.office)?;
    let parts = multipart::read(m, state.app.config.max_upload_bytes).await?;
    who.check_csrf(parts.text.get("csrf").map(String::as_str))?;
    let file =
        parts.files.into_iter().next().ok_or_else(|| ApiError::invalid("file", "choose the export file"))?;
    let text = String::from_utf8(file.bytes)
        .map_err(|_| ApiError::invalid("file", "the export is not UTF-8 text"))?;
    let report = app::complaints::import_lapor(&state.app, &who, &text).await;
    let csrf = who.session.csrf_token.clone();
    let values = HashMap::from([("office".to_string(), who.user.office.clone())]);
    let mut page = complaint_page(&state, lang, &Some(who), true, csrf, values).await?;
    match report {
        Ok(r) => page.lapor = Some(r),
        Err(e) => page.error = Some(PageError::refusal(e)?.1),
    }
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "complaint_recap.html")]
struct RecapPage {
    lang: Lang,
    user: Option<NavUser>,
    recap: Recap,
}

#[derive(Deserialize)]
struct MonthQuery {
    month: Option<String>,
}

/// The month's complaint recap of the caller's office (this month unless `?month=YYYY-MM`)
#[utoipa::path(get, path = "/pengaduan/rekap", responses(HtmlPage))]
async fn recap_page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    let month = match q.month.filter(|m| !m.trim().is_empty()) {
        Some(m) => m,
        None => state.app.today(&who.user.office).format("%Y-%m").to_string(),
    };
    let recap = app::complaints::recap(&state.app, &who, month.trim()).await?;
    Ok(render(&RecapPage { lang, user: nav(&Some(who)), recap })?.into_response())
}

/// Turns the desk's question into a complaint from its case page (CSRF) and opens the complaint
#[utoipa::path(post, path = "/staff/cases/{id}/complaint", params(("id" = i64, Path, description = "the question's case id")), responses(HtmlPage))]
async fn question_page(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<super::portal::CsrfForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    let question = super::cases::staff_case(&state, &who, id).await?;
    let c = app::complaints::from_question(&state.app, &who, &question).await?;
    Ok(axum::response::Redirect::to(&format!("/staff/cases/{}", c.id)).into_response())
}
