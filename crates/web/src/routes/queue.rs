//! The counter queue: the entrance page where people take a number
//! (`/antrian/{office}`, large buttons, a priority group to choose, a
//! ticket to print), the waiting room's display (`/antrian/{office}/layar`,
//! refreshing itself), the counter's caller page (`/antrian/panggil`: the
//! next number, priority first, and a link to that service's intake form),
//! and the same as JSON under `/api/v1/queue`.

use super::citizen::with_cookie;
use super::openapi::HtmlPage;
use super::portal::{Choice, NavUser, nav, render};
use crate::auth::{self, CurrentUser, MaybeUser};
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Body, Changing, PublicRate};
use crate::i18n::Lang;
use crate::state::AppState;
use app::queue::{Taken, WaitingBoard};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/queue/tickets", post(take_api))
        .route("/api/v1/queue/call", post(call_api))
        .route("/api/v1/queue/{office}", get(board_api))
        .route("/antrian/panggil", get(caller).post(call_form))
        .route("/antrian/{office}", get(entrance).post(take_form))
        .route("/antrian/{office}/layar", get(display))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(take_api, call_api, board_api, caller, call_form, entrance, take_form, display))]
pub(super) struct Doc;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct TakeInput {
    office: String,
    /// The service's id (`33.20-legalisir`).
    service: String,
    /// `lansia`, `disabilitas` or `ibu_anak`; none when absent.
    #[serde(default)]
    priority: String,
}

/// Takes a number for a service at an office's counter, with a priority group if the person belongs to one
#[utoipa::path(post, path = "/api/v1/queue/tickets", request_body = TakeInput, responses(
    (status = 201, description = "the ticket, and how many wait before it", body = Taken),
    (status = 422, description = "no counter for this service, or an unknown priority group", body = ErrorResponse),
    (status = 429, description = "too many requests", body = ErrorResponse)))]
async fn take_api(
    State(state): State<AppState>,
    _: PublicRate,
    Body(input): Body<TakeInput>,
) -> Result<(StatusCode, Json<Taken>), ApiError> {
    let taken = app::queue::take(&state.app, &input.office, &input.service, &input.priority).await?;
    Ok((StatusCode::CREATED, Json(taken)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CallInput {
    /// The counter's name, as the display shows it (`Loket 1`).
    counter: String,
    /// Only this service's numbers (its id); all when absent.
    #[serde(default)]
    service: Option<String>,
}

/// Calls the next number at the caller's office (priority groups first)
#[utoipa::path(post, path = "/api/v1/queue/call", request_body = CallInput, responses(
    (status = 200, description = "the number called", body = store::Ticket),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not the office's counter staff", body = ErrorResponse),
    (status = 404, description = "nobody waits", body = ErrorResponse),
    (status = 422, description = "no counter name, or another office's service", body = ErrorResponse)))]
async fn call_api(
    State(state): State<AppState>,
    who: Changing,
    Body(input): Body<CallInput>,
) -> Result<Json<store::Ticket>, ApiError> {
    match app::queue::call_next(&state.app, &who, &input.counter, input.service.as_deref()).await? {
        Some(t) => Ok(Json(t)),
        None => Err(ApiError::not_found("nobody is waiting")),
    }
}

/// Today's board of an office: the numbers called per counter, those waiting, the median wait
#[utoipa::path(get, path = "/api/v1/queue/{office}", responses(
    (status = 200, description = "OK", body = WaitingBoard),
    (status = 404, description = "no such office", body = ErrorResponse)))]
async fn board_api(
    State(state): State<AppState>,
    Path(office): Path<String>,
) -> Result<Json<WaitingBoard>, ApiError> {
    Ok(Json(app::queue::board(&state.app, &office).await?))
}

/// The services of an office with a counter, as the pages offer them.
fn counter_services(state: &AppState, office: &str) -> Vec<Choice> {
    state
        .app
        .catalog
        .for_office(office)
        .filter(|s| !s.steps.is_empty() && s.channels.iter().any(|c| c.code == "counter"))
        .map(|s| Choice { code: s.id(), name: s.title.clone() })
        .collect()
}

#[derive(Template)]
#[template(path = "queue_entrance.html")]
struct EntrancePage {
    lang: Lang,
    user: Option<NavUser>,
    office: String,
    office_name: String,
    services: Vec<Choice>,
    groups: Vec<Choice>,
    csrf: String,
    error: Option<String>,
    taken: Option<Taken>,
}

async fn entrance_page(
    state: &AppState,
    lang: Lang,
    user: Option<NavUser>,
    office: &str,
    csrf: String,
) -> Result<EntrancePage, PageError> {
    let name =
        state.app.store.office(office).await?.ok_or_else(|| ApiError::not_found("no such office"))?.name;
    let groups =
        domain::queue::PRIORITY_GROUPS.iter().map(|(c, n)| Choice { code: (*c).into(), name: (*n).into() });
    Ok(EntrancePage {
        lang,
        user,
        office: office.into(),
        office_name: name,
        services: counter_services(state, office),
        groups: groups.collect(),
        csrf,
        error: None,
        taken: None,
    })
}

/// The entrance page: a large button per service to take a number, a priority group to choose
#[utoipa::path(get, path = "/antrian/{office}", responses(HtmlPage))]
async fn entrance(
    State(state): State<AppState>,
    lang: Lang,
    MaybeUser(u): MaybeUser,
    headers: HeaderMap,
    Path(office): Path<String>,
) -> Result<Response, PageError> {
    let (csrf, cookie) = auth::form_token(&headers, state.config.cookie_secure);
    let page = entrance_page(&state, lang, nav(&u), &office, csrf).await?;
    Ok(with_cookie(render(&page)?.into_response(), cookie))
}

#[derive(Deserialize)]
struct TakeForm {
    csrf: String,
    service: String,
    #[serde(default)]
    priority: String,
}

/// Takes a number from the entrance page (its form token): the ticket to print
#[utoipa::path(post, path = "/antrian/{office}", responses(HtmlPage))]
async fn take_form(
    State(state): State<AppState>,
    _: PublicRate,
    lang: Lang,
    MaybeUser(u): MaybeUser,
    headers: HeaderMap,
    Path(office): Path<String>,
    Form(f): Form<TakeForm>,
) -> Result<Response, PageError> {
    auth::check_form_token(&headers, &f.csrf)?;
    let mut page = entrance_page(&state, lang, nav(&u), &office, f.csrf.clone()).await?;
    let status = match app::queue::take(&state.app, &office, &f.service, &f.priority).await {
        Ok(t) => {
            page.taken = Some(t);
            StatusCode::OK
        }
        Err(app::Error::Invalid { message, .. }) => {
            page.error = Some(message);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e) => return Err(e.into()),
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "queue_display.html")]
struct DisplayPage {
    lang: Lang,
    user: Option<NavUser>,
    office_name: String,
    board: WaitingBoard,
}

/// The waiting room's display: the numbers called per counter and those waiting; it refreshes itself
#[utoipa::path(get, path = "/antrian/{office}/layar", responses(HtmlPage))]
async fn display(
    State(state): State<AppState>,
    lang: Lang,
    Path(office): Path<String>,
) -> Result<Response, PageError> {
    let board = app::queue::board(&state.app, &office).await?;
    let office_name = state.app.store.office(&office).await?.map(|o| o.name).unwrap_or_default();
    Ok(render(&DisplayPage { lang, user: None, office_name, board })?.into_response())
}

#[derive(Template)]
#[template(path = "queue_caller.html")]
struct CallerPage {
    lang: Lang,
    user: Option<NavUser>,
    services: Vec<Choice>,
    counter: String,
    service: String,
    csrf: String,
    /// What the last press did: the number called (with its service id), or nobody waiting.
    called: Option<(store::Ticket, String)>,
    nobody: bool,
    error: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
struct CallerQuery {
    counter: Option<String>,
    service: Option<String>,
}

/// The counter's caller page: the next number at a press, priority first, and the intake form of its service
#[utoipa::path(get, path = "/antrian/panggil", params(CallerQuery), responses(HtmlPage))]
async fn caller(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Query(q): Query<CallerQuery>,
) -> Result<Response, PageError> {
    who.require(&[domain::Role::Operator, domain::Role::Verifikator], &who.user.office)?;
    let page = CallerPage {
        lang,
        user: nav(&Some(who.clone())),
        services: counter_services(&state, &who.user.office),
        counter: q.counter.unwrap_or_else(|| "Loket 1".into()),
        service: q.service.unwrap_or_default(),
        csrf: who.session.csrf_token.clone(),
        called: None,
        nobody: false,
        error: None,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
struct CallForm {
    csrf: String,
    counter: String,
    #[serde(default)]
    service: String,
}

/// Calls the next number from the caller page (CSRF)
#[utoipa::path(post, path = "/antrian/panggil", responses(HtmlPage))]
async fn call_form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Form(f): Form<CallForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    let mut page = CallerPage {
        lang,
        user: nav(&Some(who.clone())),
        services: counter_services(&state, &who.user.office),
        counter: f.counter.clone(),
        service: f.service.clone(),
        csrf: who.session.csrf_token.clone(),
        called: None,
        nobody: false,
        error: None,
    };
    match app::queue::call_next(&state.app, &who, &f.counter, Some(&f.service)).await {
        Ok(Some(t)) => {
            let id = format!("{}-{}", t.office, t.service);
            page.called = Some((t, id));
        }
        Ok(None) => page.nobody = true,
        Err(app::Error::Invalid { message, .. }) => page.error = Some(message),
        Err(e) => return Err(e.into()),
    }
    Ok(render(&page)?.into_response())
}
