//! Institutions as applicants: public registration (the verification
//! case opens at the office), the office's list, and an institution
//! account's own cases — their progress, documents and its own steps
//! (resubmitting what the office asked for, withdrawing) — as JSON, and the
//! registration page (`/lembaga/daftar`) and an institution's home page
//! (`/lembaga`).

use super::citizen::TrackDocument;
use super::openapi::HtmlPage;
use super::portal::{Choice, NavUser, nav, render};
use crate::auth::{self, CurrentUser};
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Changing, PublicRate};
use crate::i18n::Lang;
use crate::state::AppState;
use app::cases::engine::ActionInput;
use app::cases::views::{self, TrackView};
use app::institutions::{self, Registration};
use askama::Template;
use axum::extract::{ConnectInfo, Form, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::Role;
use domain::case::Party;
use serde::{Deserialize, Serialize};
use store::{Case, Institution};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/institutions", post(register).get(list))
        .route("/api/v1/institutions/{id}", get(one))
        .route("/api/v1/institutions/{id}/access-log", get(access_log))
        .route("/api/v1/my/cases", get(my_cases))
        .route("/api/v1/my/cases/{id}", get(my_case))
        .route("/api/v1/my/cases/{id}/actions", post(my_action))
        .route("/api/v1/my/cases/{id}/documents/{code}", get(my_document))
        .route("/lembaga/daftar", get(register_page).post(register_form))
        .route("/lembaga", get(home))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    register,
    list,
    one,
    access_log,
    my_cases,
    my_case,
    my_action,
    my_document,
    register_page,
    register_form,
    home
))]
pub(super) struct Doc;

/// A registration received: the institution (pending) and its verification case.
#[derive(Serialize, utoipa::ToSchema)]
struct Registered {
    institution: Institution,
    /// The verification case's tracking code.
    tracking_code: String,
}

/// Register an institution and its first account (role `lembaga`); the office verifies it once
#[utoipa::path(post, path = "/api/v1/institutions", request_body = Registration, responses(
    (status = 201, description = "registered, pending verification", body = Registered),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 409, description = "the username is taken", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse),
    (status = 429, description = "too many registrations from this address", body = ErrorResponse)))]
async fn register(
    State(state): State<AppState>,
    _rate: PublicRate,
    crate::extract::Body(body): crate::extract::Body<Registration>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let (institution, case) = institutions::register(&state.app, body).await?;
    Ok((StatusCode::CREATED, Json(Registered { institution, tracking_code: case.tracking_code })))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// An office code; the caller's office without it.
    office: Option<String>,
}

/// The institutions registered with an office (its staff)
#[utoipa::path(get, path = "/api/v1/institutions", params(ListQuery), responses(
    (status = 200, description = "OK", body = Vec<Institution>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not staff of this office", body = ErrorResponse)))]
async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<Institution>>, ApiError> {
    let office = q.office.unwrap_or_else(|| who.user.office.clone());
    if !who.is_staff() || who.user.office != office {
        return Err(ApiError::forbidden("only the office's staff see its institutions"));
    }
    Ok(Json(state.app.store.institutions(&office).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct LogQuery {
    /// `YYYY-1` (January–June) or `YYYY-2` (July–December).
    semester: String,
    /// `csv` or `xlsx` for a file; JSON otherwise.
    format: Option<String>,
}

/// The reads of personal data by an institution's accounts in a semester: its own, or its office's export (admin, auditor, Kepala Dinas, PPID); JSON, CSV or XLSX
#[utoipa::path(get, path = "/api/v1/institutions/{id}/access-log", params(("id" = i64, Path, description = "the institution id"), LogQuery), responses(
    (status = 200, description = "OK (JSON; CSV `at,who,what,why` with format=csv; a workbook with format=xlsx)", body = Vec<app::privacy::AccessEntry>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 404, description = "no such institution for the caller", body = ErrorResponse),
    (status = 422, description = "the semester is not YYYY-1 or YYYY-2, or an unknown format", body = ErrorResponse)))]
async fn access_log(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<LogQuery>,
) -> Result<Response, ApiError> {
    let format = super::export::Format::parse(q.format.as_deref())?;
    let entries = app::privacy::institution_access_log(&state.app, &who, id, &q.semester).await?;
    let semester = q.semester.trim();
    let table = || app::privacy::access_table(&format!("Log akses {semester}"), &entries);
    Ok(super::export::answer(format, &entries, &format!("log-akses-lembaga-{id}-{semester}"), table))
}

/// One institution (staff of its office, or its own accounts)
#[utoipa::path(get, path = "/api/v1/institutions/{id}", params(("id" = i64, Path, description = "the institution id")), responses(
    (status = 200, description = "OK", body = Institution),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 404, description = "no such institution for the caller", body = ErrorResponse)))]
async fn one(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Institution>, ApiError> {
    let missing = || ApiError::not_found(format!("no institution {id}"));
    let i = state.app.store.institution(id).await?.ok_or_else(missing)?;
    let own = who.role == Role::Lembaga && who.user.institution_id == Some(id);
    let staff = who.is_staff() && who.user.office == i.office;
    if !(own || staff) {
        return Err(missing());
    }
    Ok(Json(i))
}

/// One of the institution's cases, for its own account; any other case is
/// answered like a missing one.
async fn own_case(state: &AppState, who: &CurrentUser, id: i64) -> Result<Case, ApiError> {
    let missing = || ApiError::not_found(format!("no case {id} of your institution"));
    if who.role != Role::Lembaga {
        return Err(ApiError::forbidden("only an institution's account has cases of its own here"));
    }
    let c = state.app.store.case(id).await?.ok_or_else(missing)?;
    if c.institution_id.is_none() || c.institution_id != who.user.institution_id {
        return Err(missing());
    }
    Ok(c)
}

/// A case in the institution's list.
#[derive(Serialize, utoipa::ToSchema)]
struct MyCase {
    id: i64,
    tracking_code: String,
    /// The service id, e.g. `62.71-pemanfaatan-data`.
    service: String,
    status: domain::Status,
    current_step: Option<String>,
    created_at: i64,
}

/// The cases of the caller's institution, newest first (its `lembaga` accounts)
#[utoipa::path(get, path = "/api/v1/my/cases", responses(
    (status = 200, description = "OK", body = Vec<MyCase>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an institution's account", body = ErrorResponse)))]
async fn my_cases(State(state): State<AppState>, who: CurrentUser) -> Result<Json<Vec<MyCase>>, ApiError> {
    let Some(inst) = who.user.institution_id.filter(|_| who.role == Role::Lembaga) else {
        return Err(ApiError::forbidden("only an institution's account has cases of its own here"));
    };
    let cases = state.app.store.institution_cases(inst, 200).await?;
    Ok(Json(
        cases
            .into_iter()
            .map(|c| MyCase {
                id: c.id,
                service: format!("{}-{}", c.office, c.service),
                tracking_code: c.tracking_code,
                status: c.status,
                current_step: c.current_step,
                created_at: c.created_at,
            })
            .collect(),
    ))
}

/// An institution's case: its progress and its documents.
#[derive(Serialize, utoipa::ToSchema)]
struct OwnCase {
    id: i64,
    case: TrackView,
    documents: Vec<app::documents::DocumentItem>,
}

/// One case of the caller's institution, with its documents
#[utoipa::path(get, path = "/api/v1/my/cases/{id}", params(("id" = i64, Path, description = "the case id")), responses(
    (status = 200, description = "OK", body = OwnCase),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an institution's account", body = ErrorResponse),
    (status = 404, description = "no such case of the caller's institution", body = ErrorResponse)))]
async fn my_case(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<OwnCase>, ApiError> {
    let c = own_case(&state, &who, id).await?;
    let case = views::track(&state.app, &c).await?;
    let documents = app::documents::of_case(&state.app, &c).await?;
    Ok(Json(OwnCase { id, case, documents }))
}

/// The institution does its own step (with what it records, `data`), resubmits what the office asked for (with files, as multipart) or withdraws
#[utoipa::path(post, path = "/api/v1/my/cases/{id}/actions", params(("id" = i64, Path, description = "the case id")),
    request_body = MyAction, responses(
    (status = 200, description = "OK", body = TrackView),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an institution's account", body = ErrorResponse),
    (status = 404, description = "no such case of the caller's institution", body = ErrorResponse),
    (status = 409, description = "the case changed meanwhile", body = ErrorResponse),
    (status = 415, description = "neither JSON nor multipart", body = ErrorResponse),
    (status = 422, description = "a field is invalid or the action not allowed now", body = ErrorResponse)))]
async fn my_action(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
    req: Request,
) -> Result<Json<TrackView>, ApiError> {
    let c = own_case(&state, &who, id).await?;
    let (body, uploads) = super::cases::read_action::<MyAction>(&state, req).await?;
    if !super::cases::APPLICANT_ACTIONS.contains(&body.action.as_str()) {
        return Err(ApiError::invalid(
            "action",
            "an applicant may `advance` their own step, `resubmit` or `withdraw`",
        ));
    }
    let input = ActionInput {
        action: body.action,
        note: body.note,
        expected_version: body.expected_version,
        to_step: None,
        assignee: None,
        data: body.data,
    };
    let updated = app::cases::act(&state.app, &c, &Party::Applicant, &input, &uploads).await?;
    Ok(Json(views::track(&state.app, &updated).await?))
}

/// What an institution does on its own step.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct MyAction {
    /// `advance` (its own step), `resubmit` or `withdraw`.
    action: String,
    expected_version: i64,
    #[serde(default)]
    note: Option<String>,
    /// What its own step records (a semester report's figures).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    data: Option<serde_json::Value>,
}

/// A document of the institution's case (PDF); the read is logged
#[utoipa::path(get, path = "/api/v1/my/cases/{id}/documents/{code}", params(
    ("id" = i64, Path, description = "the case id"), ("code" = String, Path, description = "the document code")), responses(
    (status = 200, description = "PDF", content_type = "application/pdf", body = Vec<u8>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an institution's account", body = ErrorResponse),
    (status = 404, description = "no such document of the caller's case", body = ErrorResponse)))]
async fn my_document(
    State(state): State<AppState>,
    who: CurrentUser,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    let c = own_case(&state, &who, id).await?;
    let d = state
        .app
        .store
        .document(&code)
        .await?
        .filter(|d| d.case_id == Some(c.id))
        .ok_or_else(|| ApiError::not_found("no such document in this case"))?;
    let object = format!("case:{} document:{}", c.id, d.code);
    state.app.store.log_access(&who.user.username, &object, "institution's own copy").await?;
    super::docs::pdf_bytes(&state, &d).await
}

/// One input of the registration form.
struct Input {
    code: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "institution_register.html")]
struct RegisterPage {
    lang: Lang,
    user: Option<NavUser>,
    csrf: String,
    offices: Vec<Choice>,
    kinds: Vec<Choice>,
    inputs: Vec<Input>,
    form: RegisterForm,
    error: Option<String>,
    error_field: String,
    /// The verification case's tracking code once registered.
    registered: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    legal_basis: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    officer_name: String,
    #[serde(default)]
    officer_position: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

async fn register_page_of(
    state: &AppState,
    lang: Lang,
    csrf: String,
    form: RegisterForm,
) -> Result<RegisterPage, ApiError> {
    // The offices that verify institutions (they run the shared procedure).
    let verifies =
        |code: &str| state.app.catalog.get(&format!("{code}-{}", institutions::VERIFICATION)).is_some();
    let offices = state
        .app
        .store
        .offices()
        .await?
        .into_iter()
        .filter(|o| verifies(&o.code))
        .map(|o| Choice { code: o.code, name: o.name })
        .collect();
    let kinds = domain::InstitutionKind::ALL
        .iter()
        .map(|k| Choice { code: k.as_str().into(), name: lang.t(&format!("kind_{}", k.as_str())).into() })
        .collect();
    let f = &form;
    let input = |code, label: &str, kind, autocomplete, value: &String| Input {
        code,
        label: lang.t(label),
        kind,
        autocomplete,
        value: value.clone(),
    };
    let inputs = vec![
        input("name", "inst_name", "text", "organization", &f.name),
        input("kind", "inst_kind", "text", "", &f.kind),
        input("legal_basis", "inst_legal_basis", "text", "", &f.legal_basis),
        input("address", "inst_address", "text", "street-address", &f.address),
        input("officer_name", "inst_officer_name", "text", "name", &f.officer_name),
        input("officer_position", "inst_officer_position", "text", "organization-title", &f.officer_position),
        input("email", "inst_email", "email", "email", &f.email),
        input("phone", "inst_phone", "tel", "tel", &f.phone),
        input("username", "username", "text", "username", &f.username),
        input("password", "password", "password", "new-password", &String::new()),
    ];
    Ok(RegisterPage {
        lang,
        user: None,
        csrf,
        offices,
        kinds,
        inputs,
        form,
        error: None,
        error_field: String::new(),
        registered: None,
    })
}

/// An institution's registration form
#[utoipa::path(get, path = "/lembaga/daftar", responses(HtmlPage))]
async fn register_page(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let (csrf, set) = auth::form_token(&headers, state.config.cookie_secure);
    let mut res =
        render(&register_page_of(&state, lang, csrf, RegisterForm::default()).await?)?.into_response();
    if let Some(c) = set.and_then(|c| c.parse().ok()) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// Register an institution (form with CSRF token); a refusal shows the form again with the field named
#[utoipa::path(post, path = "/lembaga/daftar", responses(HtmlPage))]
async fn register_form(
    State(state): State<AppState>,
    lang: Lang,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<RegisterForm>,
) -> Result<Response, PageError> {
    auth::check_form_token(&headers, &f.csrf)?;
    auth::public_rate(&state, &headers, addr)?;
    let kind = f.kind.parse::<domain::InstitutionKind>().map_err(|e| app::Error::invalid("kind", e));
    let result = match kind {
        Ok(kind) => {
            let r = Registration {
                office: f.office.clone(),
                name: f.name.clone(),
                kind,
                legal_basis: f.legal_basis.clone(),
                address: f.address.clone(),
                officer_name: f.officer_name.clone(),
                officer_position: f.officer_position.clone(),
                email: f.email.clone(),
                phone: f.phone.clone(),
                username: f.username.clone(),
                password: f.password.clone(),
            };
            institutions::register(&state.app, r).await
        }
        Err(e) => Err(e),
    };
    let mut page = register_page_of(&state, lang, f.csrf.clone(), f).await?;
    match result.map_err(ApiError::from) {
        Ok((_, case)) => {
            page.registered = Some(case.tracking_code);
            Ok((StatusCode::CREATED, render(&page)?).into_response())
        }
        Err(e) if matches!(e.status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT) => {
            page.error_field = e.body.field.clone().unwrap_or_default();
            page.error = Some(e.body.message);
            Ok((e.status, render(&page)?).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

/// A case on the institution's home page.
struct HomeCase {
    id: i64,
    code: String,
    title: String,
    status: &'static str,
    documents: Vec<TrackDocument>,
}

#[derive(Template)]
#[template(path = "institution_home.html")]
struct HomePage {
    lang: Lang,
    user: Option<NavUser>,
    name: String,
    status: String,
    cases: Vec<HomeCase>,
}

/// An institution's home: its verification and its cases with their documents
#[utoipa::path(get, path = "/lembaga", responses(HtmlPage))]
async fn home(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
) -> Result<Html<String>, PageError> {
    let id = who
        .user
        .institution_id
        .filter(|_| who.role == Role::Lembaga)
        .ok_or_else(|| ApiError::forbidden("only an institution's account has this page"))?;
    let inst =
        state.app.store.institution(id).await?.ok_or_else(|| ApiError::not_found("no such institution"))?;
    let mut cases = Vec::new();
    for c in state.app.store.institution_cases(id, 100).await? {
        let documents = TrackDocument::valid_of(&state, c.id).await?;
        let title = state.app.catalog.title(&c.office, &c.service);
        cases.push(HomeCase {
            id: c.id,
            title,
            status: super::citizen::status_label(lang, c.status),
            code: c.tracking_code,
            documents,
        });
    }
    let status = lang.t(&format!("inst_{}", inst.status)).to_string();
    render(&HomePage { lang, user: nav(&Some(who.clone())), name: inst.name, status, cases })
}
