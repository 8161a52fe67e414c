//! Server-rendered pages: the public catalogue (offices, services, the
//! standard of each) and the staff login. No JavaScript needed.

use super::openapi::HtmlPage;
use super::view::{actor_label, time_limit};
use crate::auth::{self, CurrentUser, MaybeUser, SESSION_COOKIE, set_cookie};
use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::state::AppState;
use app::catalog::level_key;
use askama::Template;
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Router, routing::post};
use domain::standard::{COMPONENTS, ComponentGroup};
use serde::Deserialize;
use std::net::SocketAddr;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/offices/{code}", get(office))
        .route("/services/{id}", get(service))
        .route("/login", get(login_form).post(login_submit))
        .route("/logout", post(logout))
        .route("/static/style.css", get(style))
        .route("/static/canned.js", get(canned_script))
        .route("/static/print.js", get(print_script))
        .route("/static/refresh.js", get(refresh_script))
        .route("/static/verify.js", get(verify_script))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    index,
    office,
    service,
    login_form,
    login_submit,
    logout,
    style,
    canned_script,
    print_script,
    refresh_script,
    verify_script
))]
pub(super) struct Doc;

#[utoipa::path(get, path = "/static/style.css", summary = "Style sheet", responses((status = 200, description = "OK", content_type = "text/css", body = String)))]
async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/style.css"),
    )
}

#[utoipa::path(get, path = "/static/canned.js", summary = "Inserts a canned answer into the answer being drafted (one click)", responses((status = 200, description = "OK", content_type = "text/javascript", body = String)))]
async fn canned_script() -> impl IntoResponse {
    script(include_str!("../../static/canned.js"))
}

#[utoipa::path(get, path = "/static/verify.js", summary = "Checks the signed payload a QR code carries against the published office keys", responses((status = 200, description = "OK", content_type = "text/javascript", body = String)))]
async fn verify_script() -> impl IntoResponse {
    script(include_str!("../../static/verify.js"))
}

/// A script of `static/`, cached an hour.
fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

#[utoipa::path(get, path = "/static/print.js", summary = "A ticket's or receipt's print button", responses((status = 200, description = "OK", content_type = "text/javascript", body = String)))]
async fn print_script() -> impl IntoResponse {
    script(include_str!("../../static/print.js"))
}

#[utoipa::path(get, path = "/static/refresh.js", summary = "Reloads the waiting room's board every 10 s", responses((status = 200, description = "OK", content_type = "text/javascript", body = String)))]
async fn refresh_script() -> impl IntoResponse {
    script(include_str!("../../static/refresh.js"))
}

/// The header's view of the logged-in user.
pub(super) struct NavUser {
    pub username: String,
    pub role: domain::Role,
    pub office: String,
    pub csrf: String,
}

impl NavUser {
    pub fn is_admin(&self) -> bool {
        self.role == domain::Role::Admin
    }

    pub fn is_kiosk(&self) -> bool {
        self.role == domain::Role::Desa
    }
}

/// A label and its value: one row of a fact list.
pub(super) struct Fact {
    pub label: String,
    pub value: String,
}

/// One option of a choice: the code sent back and what it says.
pub(super) struct Choice {
    pub code: String,
    pub name: String,
}

pub(super) fn nav(user: &Option<CurrentUser>) -> Option<NavUser> {
    user.as_ref().map(|u| NavUser {
        username: u.user.username.clone(),
        role: u.user.role,
        office: u.user.office.clone(),
        csrf: u.session.csrf_token.clone(),
    })
}

pub(super) fn render(t: &impl Template) -> Result<Html<String>, PageError> {
    t.render().map(Html).map_err(|e| {
        tracing::error!(error = %e, "template failed");
        PageError(ApiError::internal())
    })
}

struct OfficeCard {
    code: String,
    name: String,
    level_key: &'static str,
    time_zone: &'static str,
    services: usize,
    /// The kab/kota offices under a province.
    children: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    lang: Lang,
    user: Option<NavUser>,
    offices: Vec<OfficeCard>,
}

#[utoipa::path(get, path = "/", summary = "Public portal: the offices", responses(HtmlPage))]
async fn index(
    State(state): State<AppState>,
    lang: Lang,
    MaybeUser(u): MaybeUser,
) -> Result<Html<String>, PageError> {
    let all = state.app.store.offices().await?;
    let children_of = |code: &str| {
        all.iter()
            .filter(|c| c.parent.as_deref() == Some(code))
            .map(|c| Choice { code: c.code.clone(), name: c.name.clone() })
            .collect()
    };
    let offices = all
        .iter()
        .cloned()
        .map(|o| OfficeCard {
            children: children_of(&o.code),
            services: state.app.catalog.for_office(&o.code).count(),
            level_key: level_key(&o.level),
            code: o.code,
            name: o.name,
            time_zone: o.time_zone.as_str(),
        })
        .collect();
    render(&IndexPage { lang, user: nav(&u), offices })
}

struct ServiceCard {
    id: String,
    title: String,
    channels: String,
    time_limit: String,
}

#[derive(Template)]
#[template(path = "office.html")]
struct OfficePage {
    lang: Lang,
    user: Option<NavUser>,
    office: store::Office,
    services: Vec<ServiceCard>,
}

#[utoipa::path(
    get,
    path = "/offices/{code}",
    summary = "An office: its services and maklumat",
    responses(HtmlPage)
)]
async fn office(
    State(state): State<AppState>,
    lang: Lang,
    MaybeUser(u): MaybeUser,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let office = state
        .app
        .store
        .office(&code)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no office with code `{code}`")))?;
    let services = state
        .app
        .catalog
        .for_office(&code)
        .map(|s| ServiceCard {
            id: s.id(),
            title: title_in(lang, &s.title, s.title_en.as_deref()),
            channels: s.channels.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(" / "),
            time_limit: time_limit(s),
        })
        .collect();
    render(&OfficePage { lang, user: nav(&u), office, services })
}

pub(super) fn title_in(lang: Lang, id: &str, en: Option<&str>) -> String {
    match (lang, en) {
        (Lang::En, Some(en)) => en.to_string(),
        _ => id.to_string(),
    }
}

struct ComponentRow {
    code: &'static str,
    name: &'static str,
    text: String,
}

struct StepRow {
    no: String,
    actor: String,
    description: String,
    duration: String,
    output: String,
    flags: String,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    lang: Lang,
    user: Option<NavUser>,
    id: String,
    online: bool,
    title: String,
    office_code: String,
    office_name: String,
    unit: String,
    version: u32,
    source: String,
    channels: Vec<String>,
    public: Vec<ComponentRow>,
    internal: Vec<ComponentRow>,
    sop: Vec<Fact>,
    requirements: Vec<String>,
    steps: Vec<StepRow>,
    maklumat: Option<String>,
    notes: Vec<String>,
}

#[utoipa::path(
    get,
    path = "/services/{id}",
    summary = "A service standard: the 6 public components, steps and times (all 14 for staff)",
    responses(HtmlPage)
)]
async fn service(
    State(state): State<AppState>,
    lang: Lang,
    MaybeUser(u): MaybeUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let s =
        state.app.catalog.get(&id).ok_or_else(|| ApiError::not_found(format!("no service `{id}`")))?.clone();
    let office = state.app.store.office(s.office.as_str()).await?;
    let staff = u.as_ref().is_some_and(|u| u.is_staff());
    let rows = |group| {
        COMPONENTS
            .iter()
            .filter(|c| c.group == group)
            .map(|c| ComponentRow {
                code: c.code,
                name: if lang == Lang::En { c.name_en } else { c.name_id },
                text: s.component(c.code).trim().to_string(),
            })
            .collect::<Vec<_>>()
    };
    let sop = match (&s.sop, staff) {
        (Some(h), true) => [
            ("Kualifikasi Pelaksana", &h.kualifikasi_pelaksana),
            ("Keterkaitan", &h.keterkaitan),
            ("Peralatan/Perlengkapan", &h.peralatan),
            ("Peringatan", &h.peringatan),
            ("Pencatatan dan Pendataan", &h.pencatatan),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| Fact { label: k.to_string(), value: v.trim().to_string() }))
        .collect(),
        _ => Vec::new(),
    };
    let steps = s
        .steps
        .iter()
        .map(|st| {
            let mut flags = Vec::new();
            if st.optional {
                flags.push(lang.t("optional"));
            }
            if st.can_reject {
                flags.push(lang.t("can_reject"));
            }
            let channel =
                if st.channels.is_empty() { String::new() } else { format!("[{}] ", st.channels.join(", ")) };
            StepRow {
                no: st.no.clone(),
                actor: actor_label(st.actor, st.party.as_deref()),
                description: format!("{channel}{}", st.description),
                duration: st.duration.as_ref().map_or_else(|| "—".to_string(), ToString::to_string),
                output: st.output.clone().unwrap_or_else(|| "—".into()),
                flags: flags.join(", "),
            }
        })
        .collect();
    let channels = s
        .channels
        .iter()
        .map(|c| match (&c.sla, &c.clock_starts) {
            (Some(d), Some(from)) => format!("{} — {d} ({from})", c.name),
            (Some(d), None) => format!("{} — {d}", c.name),
            _ => c.name.clone(),
        })
        .collect();
    let requirements = s
        .requirements
        .iter()
        .map(|r| {
            let mut t = r.name.clone();
            if !r.required {
                t.push_str(&format!(" ({})", lang.t("optional_doc")));
            }
            if !r.upload {
                t.push_str(&format!(" ({})", lang.t("bring")));
            }
            t
        })
        .collect();
    let page = ServicePage {
        lang,
        user: nav(&u),
        id: s.id(),
        online: s.channels.iter().any(|c| app::cases::engine::is_self_service(&c.code))
            && !s.steps.is_empty(),
        title: title_in(lang, &s.title, s.title_en.as_deref()),
        office_code: s.office.to_string(),
        office_name: office.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        unit: s.unit.clone(),
        version: s.version,
        source: format!("{} No. {} ({})", s.source.document, s.source.number, s.source.date),
        channels,
        public: rows(ComponentGroup::Delivery),
        internal: if staff { rows(ComponentGroup::Manufacturing) } else { Vec::new() },
        sop,
        requirements,
        steps,
        maklumat: office.and_then(|o| o.maklumat),
        notes: s.notes.clone(),
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: Lang,
    user: Option<NavUser>,
    csrf: String,
    username: String,
    error: Option<&'static str>,
    notice: Option<&'static str>,
    /// The password was right and the account's second factor is asked.
    code_asked: bool,
}

impl LoginPage {
    fn new(lang: Lang, username: String) -> LoginPage {
        LoginPage {
            lang,
            user: None,
            csrf: String::new(),
            username,
            error: None,
            notice: None,
            code_asked: false,
        }
    }
}

#[derive(Deserialize)]
struct LoginQuery {
    done: Option<String>,
}

/// The login form with a pre-session CSRF token (double submit: cookie and
/// hidden field must match).
#[utoipa::path(get, path = "/login", summary = "Login form", responses(HtmlPage))]
async fn login_form(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    let notice = (q.done.as_deref() == Some("password")).then(|| lang.t("password_changed"));
    login_page(&state, &headers, LoginPage { notice, ..LoginPage::new(lang, String::new()) }, StatusCode::OK)
}

/// Sends the login form with its pre-session CSRF token.
fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    page: LoginPage,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (csrf, set) = auth::form_token(headers, state.config.cookie_secure);
    let html = render(&LoginPage { csrf, ..page })?;
    let mut res = (status, html).into_response();
    if let Some(c) = set.and_then(|c| c.parse().ok()) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(res)
}

#[derive(Deserialize)]
struct LoginForm {
    csrf: String,
    username: String,
    password: String,
    /// The second factor, for an account that has one.
    #[serde(default)]
    code: String,
}

#[utoipa::path(
    post,
    path = "/login",
    summary = "Log in (form with CSRF token); 303 to / on success",
    responses(HtmlPage)
)]
async fn login_submit(
    State(state): State<AppState>,
    lang: Lang,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    auth::check_form_token(&headers, &f.csrf)?;
    let client = auth::client_ip(
        &headers,
        Some(addr),
        state.config.client_ip_header.as_deref(),
        state.config.trusted_proxies,
    );
    let credentials = app::accounts::Credentials {
        username: f.username.trim(),
        password: &f.password,
        code: Some(f.code.as_str()),
    };
    match auth::login(&state, &client, &credentials).await {
        Ok(done) => {
            let cookie = set_cookie(
                SESSION_COOKIE,
                &done.token,
                state.app.config.session_hours * 3600,
                state.config.cookie_secure,
            );
            // The page of the gate the account stands at (a temporary
            // password, a second factor to set up), else the home page.
            let next = auth::gate(&state.app, &app::Principal::of(done.user)).map_or("/", |g| g.page);
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to(next)).into_response())
        }
        Err(e) if e.status == StatusCode::TOO_MANY_REQUESTS => Err(PageError(e)),
        Err(e) if e.status == StatusCode::UNAUTHORIZED => {
            let page = LoginPage { error: Some(lang.t("login_failed")), ..LoginPage::new(lang, f.username) };
            login_page(&state, &headers, page, StatusCode::UNAUTHORIZED)
        }
        Err(e) if e.body.field.as_deref() == Some("code") => {
            let error = Some(lang.t("login_code_asked"));
            let page = LoginPage { error, code_asked: true, ..LoginPage::new(lang, f.username) };
            login_page(&state, &headers, page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(PageError(e)),
    }
}

/// A page's form that posts nothing but the session's CSRF token (a
/// button: log out, send again, turn into a complaint).
#[derive(Deserialize)]
pub(super) struct CsrfForm {
    pub csrf: String,
}

#[utoipa::path(
    post,
    path = "/logout",
    summary = "Log out (form with CSRF token); 303 to /",
    responses(HtmlPage)
)]
async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(Some(&f.csrf))?;
    state.app.store.delete_session(&user.session.token_hash).await?;
    let cookie = set_cookie(SESSION_COOKIE, "", 0, state.config.cookie_secure);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}
