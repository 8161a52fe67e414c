//! Institutions as applicants: public registration (the verification
//! case opens at the office), the office's list, and an institution
//! account's own cases — their progress, documents and its own steps
//! (resubmitting what the office asked for, withdrawing).

use super::cases::is_multipart;
use super::multipart;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorResponse};
use crate::extract::{Changing, PublicRate};
use crate::state::AppState;
use app::cases::Upload;
use app::cases::engine::ActionInput;
use app::cases::views::{self, TrackView};
use app::institutions::{self, Registration};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
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
        .route("/api/v1/my/cases", get(my_cases))
        .route("/api/v1/my/cases/{id}", get(my_case))
        .route("/api/v1/my/cases/{id}/actions", post(my_action))
        .route("/api/v1/my/cases/{id}/documents/{code}", get(my_document))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(register, list, one, my_cases, my_case, my_action, my_document))]
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

/// The institution does its own step: resubmits what the office asked for (with files, as multipart) or withdraws
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
    let (body, uploads): (MyAction, Vec<Upload>) = if is_multipart(req.headers()) {
        let m = Multipart::from_request(req, &state)
            .await
            .map_err(|e| ApiError::invalid("body", e.body_text()))?;
        let parts = multipart::read(m, state.app.config.max_upload_bytes).await?;
        let json = parts
            .text
            .get("action")
            .ok_or_else(|| ApiError::invalid("action", "the JSON part `action` is missing"))?;
        (serde_json::from_str(json).map_err(|e| ApiError::invalid("action", e.to_string()))?, parts.files)
    } else {
        let Json(b) =
            Json::<MyAction>::from_request(req, &state).await.map_err(crate::extract::json_error)?;
        (b, Vec::new())
    };
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
        data: None,
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
