//! The village kiosk (*kios pelayanan desa/kelurahan*): a device account of
//! the `desa` role, bound to its village (its unit), registers applications
//! for residents on large-button pages — the office's counter services
//! (`/kios`), the service's form (`/kios/{id}`) — and prints the receipt,
//! which names the village; the office's report counts them per village
//! (`GET /api/v1/reports/kiosks`, in `reports.rs`).

use super::citizen::{ApplyPage, submission};
use super::multipart;
use super::openapi::HtmlPage;
use super::portal::{Choice, NavUser, nav, render};
use super::staff::staffed_channels;
use crate::auth::CurrentUser;
use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::state::AppState;
use app::cases::engine::{kiosk_village, masked_name};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::Role;
use std::collections::HashMap;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/kios", get(home)).route("/kios/{id}", get(form).post(register))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(home, form, register))]
pub(super) struct Doc;

#[derive(Template)]
#[template(path = "kiosk.html")]
struct KioskPage {
    lang: Lang,
    user: Option<NavUser>,
    village: String,
    services: Vec<Choice>,
}

/// The kiosk's village, or 403 for any other account.
async fn village_of(state: &AppState, who: &CurrentUser) -> Result<String, ApiError> {
    who.require(&[Role::Desa], &who.user.office)?;
    Ok(kiosk_village(&state.app, Some(who)).await?.unwrap_or_default())
}

/// The kiosk's home: a large button per counter service of its office
#[utoipa::path(get, path = "/kios", responses(HtmlPage))]
async fn home(State(state): State<AppState>, lang: Lang, who: CurrentUser) -> Result<Response, PageError> {
    let village = village_of(&state, &who).await?;
    let services = state
        .app
        .catalog
        .for_office(&who.user.office)
        .filter(|s| !staffed_channels(s).is_empty())
        .map(|s| Choice { code: s.id(), name: s.title.clone() })
        .collect();
    Ok(render(&KioskPage { lang, user: nav(&Some(who)), village, services })?.into_response())
}

/// A counter service of the kiosk's office, `None` (404) otherwise.
fn kiosk_standard(
    state: &AppState,
    who: &CurrentUser,
    id: &str,
) -> Result<std::sync::Arc<domain::Standard>, ApiError> {
    let std = state.app.catalog.service(id)?;
    if std.office.as_str() != who.user.office || staffed_channels(&std).is_empty() {
        return Err(ApiError::not_found("this kiosk registers no applications for this service"));
    }
    Ok(std)
}

/// The page of one service's form at the kiosk, with the resident's data to fill in.
fn form_page(
    state: &AppState,
    lang: Lang,
    who: &CurrentUser,
    std: &domain::Standard,
    text: &HashMap<String, String>,
    error: Option<&ApiError>,
) -> ApplyPage {
    let mut page = ApplyPage::new(state, std, lang, format!("/kios/{}", std.id()), text, error, None);
    page.channels = staffed_channels(std);
    page.csrf = who.session.csrf_token.clone();
    page.user = nav(&Some(who.clone()));
    page
}

/// A service's form at the kiosk
#[utoipa::path(get, path = "/kios/{id}", responses(HtmlPage))]
async fn form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    village_of(&state, &who).await?;
    let std = kiosk_standard(&state, &who, &id)?;
    Ok(render(&form_page(&state, lang, &who, &std, &HashMap::new(), None))?.into_response())
}

#[derive(Template)]
#[template(path = "kiosk_receipt.html")]
struct KioskReceipt {
    lang: Lang,
    user: Option<NavUser>,
    village: String,
    title: String,
    code: String,
    applicant: String,
    received: String,
}

/// Registers the resident's application (multipart, CSRF) and shows the receipt to print
#[utoipa::path(post, path = "/kios/{id}", responses(HtmlPage))]
async fn register(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Path(id): Path<String>,
    m: Multipart,
) -> Result<Response, PageError> {
    let village = village_of(&state, &who).await?;
    let std = kiosk_standard(&state, &who, &id)?;
    let parts = multipart::read(m, state.app.config.max_upload_bytes).await?;
    who.check_csrf(parts.text.get("csrf").map(String::as_str))?;
    let channel = parts.text.get("channel").cloned().unwrap_or_default();
    let result = match submission(&std, &channel, &parts.text) {
        Ok(sub) => app::cases::submit(&state.app, &sub, &parts.files, Some(&who.principal))
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(c) => {
            let zone = app::clock::office_zone(&c.office);
            let page = KioskReceipt {
                lang,
                user: nav(&Some(who)),
                village,
                title: std.title.clone(),
                code: c.tracking_code.clone(),
                applicant: masked_name(&c.applicant_name),
                received: app::clock::human(Some(c.created_at), zone),
            };
            Ok(render(&page)?.into_response())
        }
        Err(e) if e.status.is_client_error() => {
            let page = form_page(&state, lang, &who, &std, &parts.text, Some(&e));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}
