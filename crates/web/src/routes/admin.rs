//! Office administration: the maklumat and calendar setting of an office
//! (its admin only). Staff accounts are in `accounts.rs`.

use super::openapi::HtmlPage;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Body, Changing};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use domain::Role;
use serde::Deserialize;

/// A maklumat is a short public pledge; this bounds a pasted document.
const MAKLUMAT_MAX_CHARS: usize = 5_000;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/office", get(settings_form).post(settings_submit))
        .route("/api/v1/offices/{code}/settings", put(settings_api))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(settings_api, settings_form, settings_submit))]
pub(super) struct Doc;

#[derive(Deserialize, utoipa::ToSchema)]
struct SettingsBody {
    /// The office's public pledge; empty withdraws it.
    #[schema(max_length = 5000)]
    maklumat: Option<String>,
    /// Whether cuti bersama days stop SLA clocks.
    cuti_bersama_off: Option<bool>,
    /// `mon-thu 08:00-16:00; fri 08:00-16:30`; empty restores the default.
    hours: Option<String>,
}

/// Validates and saves; `None` fields keep their value, an empty maklumat
/// withdraws it.
async fn save_settings(
    state: &AppState,
    who: &CurrentUser,
    code: &str,
    body: SettingsBody,
) -> Result<store::Office, ApiError> {
    who.require(&[Role::Admin], code)?;
    let mut office = state
        .app
        .store
        .office(code)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no office with code `{code}`")))?;
    if let Some(m) = body.maklumat {
        let m = m.trim().to_string();
        if m.chars().count() > MAKLUMAT_MAX_CHARS {
            return Err(ApiError::invalid("maklumat", format!("at most {MAKLUMAT_MAX_CHARS} characters")));
        }
        office.maklumat = (!m.is_empty()).then_some(m);
    }
    if let Some(c) = body.cuti_bersama_off {
        office.cuti_bersama_off = c;
    }
    if let Some(h) = body.hours {
        let h = h.trim();
        office.hours = if h.is_empty() {
            None
        } else {
            let parsed = domain::calendar::WeekHours::parse(h)
                .map_err(|e| ApiError::invalid("hours", e.to_string()))?;
            Some(parsed.to_string())
        };
    }
    state.app.store.upsert_office(&who.user.username, &office).await?;
    app::cases::clock::forget_calendar(&state.app, &office.code);
    Ok(office)
}

/// Publish the office's maklumat and set whether cuti bersama stops SLA clocks (the office's admin)
#[utoipa::path(put, path = "/api/v1/offices/{code}/settings", request_body = SettingsBody, responses(
    (status = 200, description = "OK", body = store::Office),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not this office's admin", body = ErrorResponse),
    (status = 404, description = "no such office", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse)))]
async fn settings_api(
    State(state): State<AppState>,
    who: Changing,
    Path(code): Path<String>,
    Body(body): Body<SettingsBody>,
) -> Result<Json<store::Office>, ApiError> {
    Ok(Json(save_settings(&state, &who, &code, body).await?))
}

#[derive(Template)]
#[template(path = "admin_office.html")]
struct SettingsPage {
    lang: Lang,
    user: Option<super::portal::NavUser>,
    office: store::Office,
    hours: String,
    saved: bool,
    /// The open SIAK/network outage, if any.
    outage: Option<OutageLine>,
    /// The latest outages, for the record.
    outages: Vec<OutageLine>,
}

struct OutageLine {
    id: i64,
    reason: String,
    from: String,
    to: String,
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<u8>,
}

/// Office settings form (the office's admin)
#[utoipa::path(get, path = "/admin/office", responses(HtmlPage))]
async fn settings_form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Query(q): Query<SavedQuery>,
) -> Result<Html<String>, PageError> {
    who.require(&[Role::Admin], &who.user.office)?;
    let office =
        state.app.store.office(&who.user.office).await?.ok_or_else(|| ApiError::not_found("office"))?;
    let user = super::portal::nav(&Some(who));
    let hours = office.hours.clone().unwrap_or_else(|| domain::calendar::WeekHours::default().to_string());
    let zone = app::clock::office_zone(&office.code);
    let line = |o: store::Outage| OutageLine {
        id: o.id,
        reason: o.reason,
        from: app::clock::human(Some(o.starts_at), zone),
        to: o.ends_at.map_or_else(String::new, |t| app::clock::human(Some(t), zone)),
    };
    let outages: Vec<_> = state.app.store.outages(&office.code, 10).await?.into_iter().map(line).collect();
    let outage = state.app.store.open_outage(&office.code).await?.map(line);
    super::portal::render(&SettingsPage {
        lang,
        user,
        office,
        hours,
        saved: q.saved.is_some(),
        outage,
        outages,
    })
}

#[derive(Deserialize)]
struct SettingsForm {
    csrf: String,
    maklumat: String,
    #[serde(default)]
    hours: String,
    /// A checkbox: present when ticked.
    cuti_bersama_off: Option<String>,
}

/// Save office settings (form with CSRF token)
#[utoipa::path(post, path = "/admin/office", responses(HtmlPage))]
async fn settings_submit(
    State(state): State<AppState>,
    who: CurrentUser,
    Form(f): Form<SettingsForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    let code = who.user.office.clone();
    let body = SettingsBody {
        maklumat: Some(f.maklumat),
        cuti_bersama_off: Some(f.cuti_bersama_off.is_some()),
        hours: Some(f.hours),
    };
    save_settings(&state, &who, &code, body).await?;
    Ok(Redirect::to("/admin/office?saved=1").into_response())
}
