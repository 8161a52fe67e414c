//! Staff accounts of an office: the list (its admin and auditor; reading
//! one account writes an access row), and what its admin does to an
//! account — open it, turn it off and on, change its role or unit, move it
//! to another office, reset its password, unlock it, reset its second
//! factor — as JSON and as the `/admin/users` page; and one's own password
//! (`/akun/sandi`). One's own second factor is `second_factor.rs`.

use super::openapi::HtmlPage;
use super::portal::{Choice, NavUser, nav, render};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse, PageError};
use crate::extract::{Body, Changing};
use crate::i18n::Lang;
use crate::state::AppState;
use app::accounts::AccountChange;
use app::accounts::{self, NewAccount};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use domain::Role;
use serde::Deserialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(users).post(create_api))
        .route("/api/v1/users/{id}", get(user).put(change_api))
        .route("/api/v1/users/{id}/active", put(active_api))
        .route("/api/v1/users/{id}/password-reset", post(reset_api))
        .route("/api/v1/users/{id}/unlock", post(unlock_api))
        .route("/api/v1/users/{id}/second-factor-reset", post(second_factor_reset_api))
        .route("/api/v1/me/password", put(own_password_api))
        .route("/admin/users", get(page).post(create_form))
        .route("/admin/users/{id}/active", post(active_form))
        .route("/admin/users/{id}/change", post(change_form))
        .route("/akun/sandi", get(own_password_page).post(own_password_form))
        .route("/api/v1/acting", get(actings).post(acting_api))
        .route("/admin/acting", post(acting_form))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    users,
    user,
    create_api,
    active_api,
    change_api,
    reset_api,
    unlock_api,
    second_factor_reset_api,
    own_password_api,
    page,
    create_form,
    active_form,
    change_form,
    own_password_page,
    own_password_form,
    actings,
    acting_api,
    acting_form
))]
pub(super) struct Doc;

const READERS: &[Role] = &[Role::Admin, Role::Auditor];

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct UsersQuery {
    /// An office code; the caller's office without it.
    office: Option<String>,
}

/// Staff accounts of an office (its admin and auditor)
#[utoipa::path(get, path = "/api/v1/users", params(UsersQuery), responses(
    (status = 200, description = "OK", body = Vec<store::User>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not this office's admin or auditor", body = ErrorResponse)))]
async fn users(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<UsersQuery>,
) -> Result<Json<Vec<store::User>>, ApiError> {
    let office = q.office.unwrap_or_else(|| who.user.office.clone());
    who.require(READERS, &office)?;
    Ok(Json(state.app.store.users(Some(&office)).await?))
}

/// One staff account; the read is written to the access log
#[utoipa::path(get, path = "/api/v1/users/{id}", params(("id" = i64, Path, description = "the account id")), responses(
    (status = 200, description = "OK", body = store::User),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 404, description = "no such account in the caller's office", body = ErrorResponse)))]
async fn user(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<store::User>, ApiError> {
    let u = state.app.store.user(id).await?.ok_or_else(|| ApiError::not_found(format!("no user {id}")))?;
    // Another office's account is answered like a missing one.
    who.require(READERS, &u.office).map_err(|_| ApiError::not_found(format!("no user {id}")))?;
    state
        .app
        .store
        .log_access(&who.user.username, &format!("user:{id}"), "account review by office admin/auditor")
        .await?;
    Ok(Json(u))
}

/// A new staff account of the caller's office.
#[derive(Deserialize, utoipa::ToSchema)]
struct AccountBody {
    /// Letters, digits, `.`, `_` or `-`; at most 64.
    username: String,
    /// Defaults to the username.
    #[serde(default)]
    display_name: Option<String>,
    role: Role,
    /// The bidang or unit the role belongs to.
    #[serde(default)]
    unit: Option<String>,
    /// 18 digits, spaces allowed.
    #[serde(default)]
    nip: Option<String>,
    /// At least 12 characters, not containing the username.
    password: String,
}

impl AccountBody {
    fn into_account(self, office: &str) -> NewAccount {
        NewAccount {
            username: self.username,
            display_name: self.display_name,
            role: self.role,
            office: office.to_string(),
            unit: self.unit,
            nip: self.nip,
            password: self.password,
        }
    }
}

/// Open a staff account in the caller's office (its admin)
#[utoipa::path(post, path = "/api/v1/users", request_body = AccountBody, responses(
    (status = 201, description = "created", body = store::User),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an admin", body = ErrorResponse),
    (status = 409, description = "the username is taken", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse)))]
async fn create_api(
    State(state): State<AppState>,
    who: Changing,
    Body(body): Body<AccountBody>,
) -> Result<(StatusCode, Json<store::User>), ApiError> {
    let account = body.into_account(&who.user.office);
    Ok((StatusCode::CREATED, Json(accounts::open_account(&state.app, &who, account).await?)))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct ActiveBody {
    /// `false` turns the account off and ends its sessions.
    active: bool,
}

/// Turn an account of the caller's office off or back on (its admin)
#[utoipa::path(put, path = "/api/v1/users/{id}/active", request_body = ActiveBody,
    params(("id" = i64, Path, description = "the account id")), responses(
    (status = 200, description = "OK", body = store::User),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 404, description = "no such account in the caller's office", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "one's own account cannot be turned off", body = ErrorResponse)))]
async fn active_api(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
    Body(body): Body<ActiveBody>,
) -> Result<Json<store::User>, ApiError> {
    Ok(Json(accounts::change(&state.app, &who, id, AccountChange::Active(body.active)).await?))
}

/// One account on the page.
struct AccountRow {
    id: i64,
    username: String,
    display_name: String,
    role: &'static str,
    role_code: &'static str,
    unit: String,
    active: bool,
    /// Locked after failed logins.
    locked: bool,
    /// The admin may turn it off or on (not their own).
    can_toggle: bool,
    /// A second factor is in force.
    second_factor: bool,
    /// Its role needs one (it reaches nothing else until it has one).
    second_factor_required: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct AccountsPage {
    lang: Lang,
    user: Option<NavUser>,
    office: String,
    accounts: Vec<AccountRow>,
    roles: Vec<Choice>,
    /// Only the admin sees the forms; the auditor reads.
    manage: bool,
    notice: Option<&'static str>,
    error: Option<String>,
    error_field: String,
    /// What was typed, shown again after an error (never the password).
    form: AccountForm,
    /// A password just reset: the account and its temporary password, shown once.
    temporary: Option<(String, String)>,
    /// Office codes an account may move to.
    offices: Vec<Choice>,
    /// Acting officials: who, as what, from and to (office dates).
    actings: Vec<ActingRow>,
    /// Positions one may act for.
    positions: Vec<Choice>,
    /// The office's units (from its office.toml).
    units: Vec<String>,
}

/// An acting assignment on the page.
struct ActingRow {
    username: String,
    title: String,
    for_username: String,
    from: String,
    to: String,
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    done: Option<String>,
}

async fn accounts_page(
    state: &AppState,
    lang: Lang,
    who: &CurrentUser,
    notice: Option<&'static str>,
) -> Result<AccountsPage, ApiError> {
    let office = who.user.office.clone();
    who.require(READERS, &office)?;
    let now = state.app.now().timestamp_millis();
    let accounts = state
        .app
        .store
        .users(Some(&office))
        .await?
        .into_iter()
        .map(|u| AccountRow {
            can_toggle: u.id != who.user.id,
            second_factor: u.second_factor,
            second_factor_required: app::second_factor::role_needs(&state.app, u.role),
            id: u.id,
            role: lang.role(u.role),
            role_code: u.role.as_str(),
            unit: u.unit.unwrap_or_default(),
            locked: u.locked_until.is_some_and(|t| t > now),
            username: u.username,
            display_name: u.display_name,
            active: u.active,
        })
        .collect();
    let units = state.app.store.office(&office).await?.map(|o| o.units).unwrap_or_default();
    let zone = domain::TimeZone::for_province(&office[..2]);
    let day = |ms: i64| app::clock::human(Some(ms), zone);
    let actings = state
        .app
        .store
        .actings(&office)
        .await?
        .into_iter()
        .map(|a| ActingRow {
            title: format!("{} {}", a.prefix(), lang.role(a.role)),
            from: day(a.starts_at),
            to: day(a.ends_at - 1),
            for_username: a.for_username.clone().unwrap_or_default(),
            username: a.username,
        })
        .collect();
    let offices = state
        .app
        .store
        .offices()
        .await?
        .into_iter()
        .filter(|o| o.code != office)
        .map(|o| Choice { code: o.code, name: o.name })
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| Choice { code: r.as_str().to_string(), name: lang.role(*r).to_string() })
        .collect();
    Ok(AccountsPage {
        lang,
        user: nav(&Some(who.clone())),
        office,
        accounts,
        roles,
        manage: who.role == Role::Admin,
        notice,
        error: None,
        error_field: String::new(),
        form: AccountForm::default(),
        temporary: None,
        offices,
        actings,
        units,
        positions: accounts::ACTING_POSITIONS
            .iter()
            .map(|r| Choice { code: r.as_str().to_string(), name: lang.role(*r).to_string() })
            .collect(),
    })
}

/// Staff accounts page (the office's admin manages, its auditor reads)
#[utoipa::path(get, path = "/admin/users", responses(HtmlPage))]
async fn page(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, PageError> {
    let notice = match q.done.as_deref() {
        Some("created") => Some(lang.t("account_created")),
        Some("changed") => Some(lang.t("account_changed")),
        Some("acting") => Some(lang.t("acting_recorded")),
        _ => None,
    };
    render(&accounts_page(&state, lang, &who, notice).await?)
}

#[derive(Deserialize, Default)]
struct AccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    nip: String,
    #[serde(default)]
    password: String,
}

/// Open an account (form with CSRF token); a refusal shows the page again
/// with the field named
#[utoipa::path(post, path = "/admin/users", responses(HtmlPage))]
async fn create_form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Form(mut f): Form<AccountForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    let result = match f.role.parse::<Role>() {
        Ok(role) => {
            let account = NewAccount {
                username: f.username.clone(),
                display_name: Some(f.display_name.clone()),
                role,
                office: who.user.office.clone(),
                unit: None,
                nip: Some(f.nip.clone()),
                password: std::mem::take(&mut f.password),
            };
            accounts::open_account(&state.app, &who, account).await.map_err(ApiError::from)
        }
        Err(e) => Err(ApiError::invalid("role", e.to_string())),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/admin/users?done=created").into_response()),
        Err(e) => refused(&state, lang, &who, e, f).await,
    }
}

/// A refused form of the accounts page: the page again with the message and
/// the field marked (422, or 409 for a taken username), keeping `typed`.
async fn refused(
    state: &AppState,
    lang: Lang,
    who: &CurrentUser,
    e: ApiError,
    typed: AccountForm,
) -> Result<Response, PageError> {
    if !matches!(e.status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT) {
        return Err(PageError(e));
    }
    let mut page = accounts_page(state, lang, who, None).await?;
    page.error_field = e.body.field.clone().unwrap_or_else(|| "username".into());
    page.error = Some(e.body.message);
    page.form = typed;
    Ok((e.status, render(&page)?).into_response())
}

#[derive(Deserialize)]
struct ActiveForm {
    csrf: String,
    /// `1` turns the account on, `0` off.
    active: u8,
}

/// Turn an account off or on (form with CSRF token)
#[utoipa::path(post, path = "/admin/users/{id}/active", params(("id" = i64, Path, description = "the account id")), responses(HtmlPage))]
async fn active_form(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    accounts::change(&state.app, &who, id, AccountChange::Active(f.active == 1)).await?;
    Ok(Redirect::to("/admin/users?done=changed").into_response())
}

/// What an admin changes on an account; the fields given are applied in
/// this order.
#[derive(Deserialize, utoipa::ToSchema)]
struct ChangeBody {
    #[serde(default)]
    role: Option<Role>,
    /// The bidang, seksi or UPT; an empty string clears it.
    #[serde(default)]
    unit: Option<String>,
    /// Mutasi: the office code it moves to; its open cases go back to their worklists.
    #[serde(default)]
    office: Option<String>,
}

impl ChangeBody {
    fn changes(self) -> Vec<AccountChange> {
        let mut all = Vec::new();
        all.extend(self.role.map(AccountChange::Role));
        all.extend(self.unit.map(|u| AccountChange::Unit(Some(u))));
        all.extend(self.office.map(AccountChange::Office));
        all
    }
}

/// Change an account's role, unit or office (its office's admin); every change is audited
#[utoipa::path(put, path = "/api/v1/users/{id}", request_body = ChangeBody,
    params(("id" = i64, Path, description = "the account id")), responses(
    (status = 200, description = "OK", body = store::User),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 404, description = "no such account in the caller's office", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named), or nothing to change", body = ErrorResponse)))]
async fn change_api(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
    Body(body): Body<ChangeBody>,
) -> Result<Json<store::User>, ApiError> {
    // Who may change it is answered before what is changed.
    accounts::admins_account(&state.app, &who, id).await?;
    let changes = body.changes();
    if changes.is_empty() {
        return Err(ApiError::invalid("role", "give a role, unit or office to change"));
    }
    let mut user = None;
    for c in changes {
        user = Some(accounts::change(&state.app, &who, id, c).await?);
    }
    Ok(Json(user.expect("at least one change")))
}

/// A reset password, shown once.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Reset {
    username: String,
    /// Hand it to its holder on paper; it must be changed at the next login.
    temporary_password: String,
}

/// Reset an account's password to a temporary one (its office's admin); its sessions end
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset",
    params(("id" = i64, Path, description = "the account id")), responses(
    (status = 200, description = "OK", body = Reset),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 404, description = "no such account in the caller's office", body = ErrorResponse),
    (status = 422, description = "one's own password is changed on one's own page", body = ErrorResponse)))]
async fn reset_api(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
) -> Result<Json<Reset>, ApiError> {
    let t = accounts::reset_password(&state.app, &who, id).await?;
    Ok(Json(Reset { username: t.user.username, temporary_password: t.password }))
}

/// Unlock an account locked after failed logins (its office's admin)
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock",
    params(("id" = i64, Path, description = "the account id")), responses(
    (status = 200, description = "OK", body = store::User),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 404, description = "no such account in the caller's office", body = ErrorResponse)))]
async fn unlock_api(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
) -> Result<Json<store::User>, ApiError> {
    Ok(Json(accounts::change(&state.app, &who, id, AccountChange::Unlock).await?))
}

/// Take away an account's second factor (a lost phone; its office's admin, not for their own
/// account): its holder enrols again at the next login; its sessions end; audited
#[utoipa::path(post, path = "/api/v1/users/{id}/second-factor-reset",
    params(("id" = i64, Path, description = "the account id")), responses(
    (status = 200, description = "OK", body = store::User),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "CSRF token missing or wrong", body = ErrorResponse),
    (status = 404, description = "no such account in the caller's office", body = ErrorResponse),
    (status = 422, description = "one's own account (`second_factor`)", body = ErrorResponse)))]
async fn second_factor_reset_api(
    State(state): State<AppState>,
    who: Changing,
    Path(id): Path<i64>,
) -> Result<Json<store::User>, ApiError> {
    Ok(Json(accounts::change(&state.app, &who, id, AccountChange::SecondFactorReset).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct OwnPasswordBody {
    /// The password in use (the temporary one after a reset).
    current: String,
    /// At least 12 characters, not containing the username.
    password: String,
}

/// Choose one's own password; every session of the account ends (log in again)
#[utoipa::path(put, path = "/api/v1/me/password", request_body = OwnPasswordBody, responses(
    (status = 200, description = "OK", body = store::User),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "the current password is wrong, or the new one breaks the policy (field named)", body = ErrorResponse)))]
async fn own_password_api(
    State(state): State<AppState>,
    who: Changing,
    Body(body): Body<OwnPasswordBody>,
) -> Result<Json<store::User>, ApiError> {
    Ok(Json(accounts::change_own_password(&state.app, &who, &body.current, &body.password).await?))
}

#[derive(Deserialize)]
struct ChangeForm {
    csrf: String,
    /// `role` (with `role` and `unit`), `move` (with `office`), `reset`,
    /// `unlock` or `second_factor_reset`.
    change: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    office: String,
}

/// Change an account from the accounts page (form with CSRF token); a
/// reset shows the temporary password once, a refusal names the field
#[utoipa::path(post, path = "/admin/users/{id}/change", params(("id" = i64, Path, description = "the account id")), responses(HtmlPage))]
async fn change_form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    let app = &state.app;
    let result = match f.change.as_str() {
        "role" => match f.role.parse::<Role>() {
            Ok(role) => async {
                accounts::change(app, &who, id, AccountChange::Role(role)).await?;
                accounts::change(app, &who, id, AccountChange::Unit(Some(f.unit.clone()))).await
            }
            .await
            .map(|_| None),
            Err(e) => Err(app::Error::invalid("role", e.to_string())),
        },
        "move" => {
            accounts::change(app, &who, id, AccountChange::Office(f.office.clone())).await.map(|_| None)
        }
        "unlock" => accounts::change(app, &who, id, AccountChange::Unlock).await.map(|_| None),
        "second_factor_reset" => {
            accounts::change(app, &who, id, AccountChange::SecondFactorReset).await.map(|_| None)
        }
        "reset" => accounts::reset_password(app, &who, id).await.map(Some),
        _ => Err(app::Error::invalid("change", "unknown change")),
    };
    match result {
        Ok(None) => Ok(Redirect::to("/admin/users?done=changed").into_response()),
        Ok(Some(t)) => {
            let mut page = accounts_page(&state, lang, &who, Some(lang.t("password_reset_done"))).await?;
            page.temporary = Some((t.user.username, t.password));
            Ok(render(&page)?.into_response())
        }
        Err(e) => refused(&state, lang, &who, e.into(), AccountForm::default()).await,
    }
}

#[derive(Template)]
#[template(path = "own_password.html")]
struct OwnPasswordPage {
    lang: Lang,
    user: Option<NavUser>,
    /// The password in use is one an admin reset.
    temporary: bool,
    error: Option<String>,
    error_field: String,
}

/// One's own password form
#[utoipa::path(get, path = "/akun/sandi", responses(HtmlPage))]
async fn own_password_page(lang: Lang, who: CurrentUser) -> Result<Html<String>, PageError> {
    render(&OwnPasswordPage {
        lang,
        user: nav(&Some(who.clone())),
        temporary: who.user.must_change_password,
        error: None,
        error_field: String::new(),
    })
}

#[derive(Deserialize)]
struct OwnPasswordForm {
    csrf: String,
    current: String,
    password: String,
}

/// Choose one's own password (form with CSRF token); then log in again
#[utoipa::path(post, path = "/akun/sandi", responses(HtmlPage))]
async fn own_password_form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Form(f): Form<OwnPasswordForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    match accounts::change_own_password(&state.app, &who, &f.current, &f.password).await {
        Ok(_) => Ok(Redirect::to("/login?done=password").into_response()),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status != StatusCode::UNPROCESSABLE_ENTITY {
                return Err(PageError(e));
            }
            let page = OwnPasswordPage {
                lang,
                user: nav(&Some(who.clone())),
                temporary: who.user.must_change_password,
                error_field: e.body.field.clone().unwrap_or_default(),
                error: Some(e.body.message),
            };
            Ok((e.status, render(&page)?).into_response())
        }
    }
}

/// Acting officials of the caller's office (its admin and auditor)
#[utoipa::path(get, path = "/api/v1/acting", responses(
    (status = 200, description = "OK", body = Vec<store::Acting>),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not this office's admin or auditor", body = ErrorResponse)))]
async fn actings(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<Vec<store::Acting>>, ApiError> {
    who.require(READERS, &who.user.office)?;
    Ok(Json(state.app.store.actings(&who.user.office).await?))
}

/// Record that someone acts for a position (Plt./Plh.) for whole days (the office's admin)
#[utoipa::path(post, path = "/api/v1/acting", request_body = accounts::ActingInput, responses(
    (status = 201, description = "recorded", body = store::Acting),
    (status = 400, description = "unreadable body", body = ErrorResponse),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "not an admin", body = ErrorResponse),
    (status = 415, description = "not JSON", body = ErrorResponse),
    (status = 422, description = "a field is invalid (named)", body = ErrorResponse)))]
async fn acting_api(
    State(state): State<AppState>,
    who: Changing,
    Body(body): Body<accounts::ActingInput>,
) -> Result<(StatusCode, Json<store::Acting>), ApiError> {
    Ok((StatusCode::CREATED, Json(accounts::record_acting(&state.app, &who, body).await?)))
}

#[derive(Deserialize)]
struct ActingForm {
    csrf: String,
    username: String,
    role: String,
    kind: String,
    #[serde(default)]
    for_username: String,
    starts_on: String,
    ends_on: String,
}

/// Record an acting official from the accounts page (form with CSRF token)
#[utoipa::path(post, path = "/admin/acting", responses(HtmlPage))]
async fn acting_form(
    State(state): State<AppState>,
    lang: Lang,
    who: CurrentUser,
    Form(f): Form<ActingForm>,
) -> Result<Response, PageError> {
    who.check_csrf(Some(&f.csrf))?;
    let result = match f.role.parse::<Role>() {
        Ok(role) => {
            let input = accounts::ActingInput {
                username: f.username,
                role,
                kind: f.kind,
                for_username: Some(f.for_username),
                starts_on: f.starts_on,
                ends_on: f.ends_on,
            };
            accounts::record_acting(&state.app, &who, input).await
        }
        Err(e) => Err(app::Error::invalid("role", e.to_string())),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/admin/users?done=acting").into_response()),
        Err(e) => refused(&state, lang, &who, e.into(), AccountForm::default()).await,
    }
}
