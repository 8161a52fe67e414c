//! Data subject rights (UU 27/2022 on personal data protection): a citizen,
//! with the tracking code of their application and their NIK, asks who read
//! their data; the office's PPID (or admin) answers with the access log
//! within 3x24 jam, timed by the cases engine's clock.

use super::cases::{by_code, verify_applicant};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;
use app::cases::clock;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::{Role, SlaDuration};
use serde::Deserialize;
use serde_json::{Value, json};
use std::net::SocketAddr;
use store::{DataRequest, NewNotification, now_ms};

/// The answer is due within this, from the request (a clock limit, not
/// working days: "3x24 jam").
const ANSWER_WITHIN: &str = "3x24 jam";
/// Who answers; the auditor may read the list.
const ANSWERERS: &[Role] = &[Role::Ppid, Role::Admin];

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/track/{code}/access-log", post(request))
        .route("/api/v1/data-requests", get(list))
        .route("/api/v1/data-requests/{id}/export", post(export))
}

#[derive(Deserialize)]
struct Nik {
    nik: String,
}

/// 201: the request is recorded and the office's PPID told; the answer is
/// due within 3x24 jam.
async fn request(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Result<Json<Nik>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    state.public_rate(&headers, addr)?;
    let Json(body) = body.map_err(super::api::json_error)?;
    let case = by_code(&state, &code).await?;
    verify_applicant(&case, &body.nik)?;
    let limit: SlaDuration = ANSWER_WITHIN.parse().map_err(|_| ApiError::internal())?;
    let cal = clock::calendar(&state.app, &case.office).await?;
    let due = clock::case_due(&cal, chrono::Utc::now(), Some(&limit)).ok_or_else(ApiError::internal)?;
    let zone = clock::office_zone(&case.office);
    let note = NewNotification {
        office: case.office.clone(),
        channel: "staff".into(),
        recipient: format!("{}@{}", Role::Ppid, case.office),
        subject: "Permintaan log akses data pribadi".into(),
        body: format!(
            "Pemohon permohonan {} meminta catatan siapa saja yang membaca data pribadinya (UU 27/2022). \
             Jawab paling lambat {}.",
            case.tracking_code,
            clock::human(Some(due), zone)
        ),
    };
    let r = state.app.store.create_data_request(case.id, &case.office, due, &note).await?;
    let receipt = json!({"id": r.id, "status": "received", "due_at": clock::rfc3339(Some(due), zone)});
    Ok((StatusCode::CREATED, Json(receipt)))
}

fn view(r: &DataRequest, now: i64) -> Value {
    let zone = clock::office_zone(&r.office);
    let sla = match r.answered_at {
        Some(at) if at <= r.due_at => "answered_on_time",
        Some(_) => "answered_late",
        None => clock::sla_state(Some(r.requested_at), Some(r.due_at), false, now),
    };
    json!({
        "id": r.id,
        "case_id": r.case_id,
        "kind": r.kind,
        "requested_at": clock::rfc3339(Some(r.requested_at), zone),
        "due_at": clock::rfc3339(Some(r.due_at), zone),
        "answered_at": clock::rfc3339(r.answered_at, zone),
        "answered_by": r.answered_by,
        "sla": sla,
    })
}

/// The office's requests, newest first, with their clocks.
async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>, ApiError> {
    user.require(&[Role::Ppid, Role::Admin, Role::Auditor], &user.user.office)?;
    let now = now_ms();
    let rows = state.app.store.data_requests(&user.user.office).await?;
    Ok(Json(json!(rows.iter().map(|r| view(r, now)).collect::<Vec<_>>())))
}

/// The access log of the request's case, for the PPID to hand over; the
/// request counts as answered from the first export.
async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    user.check_csrf_header(&headers)?;
    let r = state
        .app
        .store
        .data_request(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no request {id}")))?;
    user.require(ANSWERERS, &r.office)?;
    let zone = clock::office_zone(&r.office);
    let entries: Vec<Value> = state
        .app
        .store
        .case_access_log(r.case_id)
        .await?
        .iter()
        .map(|e| {
            json!({
                "at": clock::rfc3339(Some(e.at), zone),
                "who": e.actor,
                "what": e.object,
                "why": e.detail,
            })
        })
        .collect();
    let answered = state.app.store.answer_data_request(id, &user.user.username).await?;
    Ok(Json(json!({"request": view(&answered, now_ms()), "entries": entries})))
}
