//! Operations: liveness, readiness, Prometheus metrics and the OpenAPI
//! description of every route.

use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/api/openapi.json", get(|| async { Json(complete(openapi())) }))
}

/// Ready when the database answers and standards are loaded.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.app.store.ping().await {
        Ok(()) if !state.app.catalog.is_empty() => (StatusCode::OK, "ready"),
        Ok(()) => (StatusCode::SERVICE_UNAVAILABLE, "no standards loaded"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// The outbox channels (`store::Notification::channel`).
const OUTBOX_CHANNELS: &[&str] = &["email", "whatsapp", "sms", "staff"];

/// What the `metrics` facade recorded (requests and latency per route,
/// applications, case actions, escalations, documents, deliveries), plus
/// the gauges read now: uptime, standards, outbox depth per channel.
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    metrics::gauge!("layanan_uptime_seconds").set(state.started.elapsed().as_secs_f64());
    metrics::gauge!("layanan_standards_loaded").set(state.app.catalog.len() as f64);
    match state.app.store.outbox_pending().await {
        Ok(depth) => {
            // Every channel is reported, 0 when nothing waits on it.
            for channel in OUTBOX_CHANNELS {
                let n = depth.iter().find(|(c, _)| c == channel).map_or(0, |(_, n)| *n);
                metrics::gauge!("layanan_outbox_pending", "channel" => *channel).set(n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: outbox depth unavailable"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render())
}

/// An HTML page of the portal.
fn page(summary: &str) -> Value {
    json!({"summary": summary, "responses": {"200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}})
}

fn err() -> Value {
    json!({"description": "error", "content": {"application/json": {"schema": error_ref()}}})
}

fn error_ref() -> Value {
    json!({"$ref": "#/components/schemas/Error"})
}

fn op(summary: &str, ok: Value, errors: &[u16]) -> Value {
    let mut responses = serde_json::Map::new();
    responses
        .insert("200".into(), json!({"description": "OK", "content": {"application/json": {"schema": ok}}}));
    for code in errors {
        responses.insert(
            code.to_string(),
            json!({"description": "error", "content": {"application/json": {"schema": error_ref()}}}),
        );
    }
    json!({"summary": summary, "responses": responses})
}

/// Fills in what every operation shares, so the hand-written entries stay
/// short: each `{name}` of a path as a required path parameter, and a
/// `default` response for the errors not listed (the contract's JSON error
/// under `/api/`, an HTML page elsewhere).
fn complete(mut doc: Value) -> Value {
    let Some(paths) = doc["paths"].as_object_mut() else { return doc };
    for (path, item) in paths.iter_mut() {
        let names: Vec<&str> =
            path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect();
        let Some(ops) = item.as_object_mut() else { continue };
        for op in ops.values_mut() {
            let params = op.as_object_mut().map(|o| o.entry("parameters").or_insert_with(|| json!([])));
            if let Some(Value::Array(params)) = params {
                for name in &names {
                    if !params.iter().any(|p| p["name"] == *name && p["in"] == "path") {
                        params.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}));
                    }
                }
            }
            let default = if path.starts_with("/api/") {
                err()
            } else {
                json!({"description": "error page", "content": {"text/html": {"schema": {"type": "string"}}}})
            };
            if let Some(responses) = op["responses"].as_object_mut() {
                responses.entry("default").or_insert(default);
            }
        }
    }
    doc
}

/// The OpenAPI 3.1 document. Written by hand next to the routes it
/// describes; a test checks that every API route is listed.
pub(crate) fn openapi() -> Value {
    let text = json!({"description": "OK", "content": {"text/plain": {"schema": {"type": "string"}}}});
    let path_id = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]);
    json!({
        "openapi": "3.1.0",
        "info": {"title": "layanan", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Public services of Dinas Dukcapil offices, run from their Standar Pelayanan."},
        "paths": {
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": text}}},
            "/readyz": {"get": {"summary": "Readiness", "responses": {"200": text, "503": text}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": text}}},
            "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/": {"get": page("Public portal: the offices")},
            "/offices/{code}": {"get": page("An office: its services and maklumat")},
            "/services/{id}": {"get": page("A service standard: the 6 public components, steps and times (all 14 for staff)")},
            "/login": {"get": page("Login form"), "post": page("Log in (form with CSRF token); 303 to / on success")},
            "/logout": {"post": page("Log out (form with CSRF token); 303 to /")},
            "/admin/office": {"get": page("Office settings form (the office's admin)"), "post": page("Save office settings (form with CSRF token)")},
            "/services/{id}/apply": {"get": page("Online application form of a service (fields, uploads, consent)"), "post": page("Submit the form (multipart, CSRF); 303 to the tracking page")},
            "/track": {"get": page("Tracking: enter a code")},
            "/track/{code}": {"get": page("Tracking page: status, steps, what is missing"), "post": page("Resubmit or withdraw with the NIK (multipart, CSRF)")},
            "/staff": {"get": page("Worklist of the logged-in staff member, with filters and paging")},
            "/staff/cases/{id}": {"get": page("Case page: applicant (read logged), files, steps, timeline, allowed actions")},
            "/staff/cases/{id}/action": {"post": page("Act on a case (form with CSRF); 409 page when someone else changed it")},
            "/staff/cases/{id}/files/{file}": {"get": {"summary": "A requirement file as an attachment", "responses": {"200": {"description": "the file"}}}},
            "/staff/cases/{id}/receipt": {"get": page("Printable receipt of a counter application")},
            "/staff/intake": {"get": page("Counter intake: services taken in person")},
            "/staff/intake/{id}": {"get": page("Counter intake form"), "post": page("Register a walk-in application (multipart, CSRF)")},
            "/staff/supervisor": {"get": page("Open cases by service, step and SLA state")},
            "/staff/outbox": {"get": page("Notification outbox of the office")},
            "/static/style.css": {"get": {"summary": "Style sheet", "responses": {"200": {"description": "OK", "content": {"text/css": {"schema": {"type": "string"}}}}}}},
            "/api/v1/offices": {"get": op("Offices", json!({"type": "array", "items": {"$ref": "#/components/schemas/Office"}}), &[])},
            "/api/v1/services": {"get": {
                "summary": "Services, optionally of one office",
                "parameters": [{"name": "office", "in": "query", "required": false, "schema": {"type": "string"}}],
                "responses": op("", json!({"type": "array", "items": {"$ref": "#/components/schemas/ServiceSummary"}}), &[404])["responses"]}},
            "/api/v1/services/{id}": {"get": {
                "summary": "One service standard: components by stable code (internal ones for staff), steps, SLA",
                "parameters": path_id,
                "responses": op("", json!({"$ref": "#/components/schemas/Service"}), &[404])["responses"]}},
            "/api/v1/regions": {"get": {
                "summary": "Regions under a parent code (provinces without one)",
                "parameters": [{"name": "parent", "in": "query", "required": false, "schema": {"type": "string"}}],
                "responses": op("", json!({"type": "array", "items": {"$ref": "#/components/schemas/Region"}}), &[])["responses"]}},
            "/api/v1/regions/{id}": {"get": {
                "summary": "One region by Kemendagri code",
                "parameters": path_id,
                "responses": op("", json!({"$ref": "#/components/schemas/Region"}), &[404])["responses"]}},
            "/api/v1/login": {"post": {
                "summary": "Log in; returns a bearer token and sets the session cookie",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Login"}}}},
                "responses": op("", json!({"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}, "csrf_token": {"type": "string"}, "expires_at": {"type": "string"}}}), &[400, 401, 415, 422, 429])["responses"]}},
            "/api/v1/logout": {"post": {"summary": "End the session", "responses": op("", json!({"type": "object"}), &[401, 403])["responses"]}},
            "/api/v1/offices/{code}/settings": {"put": {
                "summary": "Publish the office's maklumat and set whether cuti bersama stops SLA clocks (the office's admin)",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"maklumat": {"type": ["string", "null"], "maxLength": 5000}, "cuti_bersama_off": {"type": "boolean"}, "hours": {"type": "string", "description": "mon-thu 08:00-16:00; fri 08:00-16:30"}}}}}},
                "responses": op("", json!({"$ref": "#/components/schemas/Office"}), &[400, 401, 403, 404, 415, 422])["responses"]}},
            "/api/v1/users": {"get": {
                "summary": "Staff accounts of an office (its admin and auditor)",
                "parameters": [{"name": "office", "in": "query", "required": false, "schema": {"type": "string"}}],
                "responses": op("", json!({"type": "array", "items": {"$ref": "#/components/schemas/User"}}), &[401, 403])["responses"]}},
            "/api/v1/users/{id}": {"get": {
                "summary": "One staff account; the read is written to the access log",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": op("", json!({"$ref": "#/components/schemas/User"}), &[401, 404])["responses"]}},
            "/api/v1/applications": {"post": {
                "summary": "Apply for a service (anonymous for online/whatsapp; an operator's token for counter, kiosk, jemput bola)",
                "requestBody": {"required": true, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Application"}},
                    "multipart/form-data": {"schema": {"type": "object", "required": ["application"], "properties": {"application": {"type": "string", "description": "the Application as JSON"}}, "additionalProperties": {"type": "string", "format": "binary", "description": "file.<requirement code>: PDF, JPEG or PNG, at most 5 MB"}}}}},
                "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}},
                              "400": err(), "401": err(), "403": err(), "415": err(), "422": err(), "429": err()}}},
            "/api/v1/track/{code}": {"get": {
                "summary": "Public tracking by code: status and steps, no personal data",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": op("", json!({"type": "object"}), &[404])["responses"]}},
            "/api/v1/track/{code}/actions": {"post": {
                "summary": "The applicant resubmits or withdraws (tracking code + NIK)",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["action", "nik", "expected_version"], "properties": {"action": {"type": "string", "enum": ["resubmit", "withdraw"]}, "nik": {"type": "string"}, "expected_version": {"type": "integer"}, "note": {"type": "string"}}}}}},
                "responses": op("", json!({"type": "object"}), &[400, 403, 404, 409, 415, 422, 429])["responses"]}},
            "/api/v1/worklist": {"get": {
                "summary": "The cases waiting for the caller's role in their office, by due time",
                "parameters": [
                    {"name": "service", "in": "query", "schema": {"type": "string"}},
                    {"name": "status", "in": "query", "schema": {"type": "string"}},
                    {"name": "channel", "in": "query", "schema": {"type": "string"}},
                    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
                "responses": op("", json!({"type": "object"}), &[401, 403, 422])["responses"]}},
            "/api/v1/supervisor": {"get": {"summary": "Open cases of the office by service, step and status", "responses": op("", json!({"type": "array"}), &[401, 403])["responses"]}},
            "/api/v1/cases/{id}": {"get": {
                "summary": "A case with its applicant (the read is logged)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": op("", json!({"type": "object"}), &[401, 403, 404])["responses"]}},
            "/api/v1/cases/{id}/timeline": {"get": {
                "summary": "The case's journal",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": op("", json!({"type": "array"}), &[401, 403, 404])["responses"]}},
            "/api/v1/cases/{id}/actions": {"post": {
                "summary": "advance, return, resubmit, reject, withdraw, assign or note, at an expected version",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Action"}}}},
                "responses": op("", json!({"type": "object"}), &[400, 401, 403, 404, 409, 415, 422])["responses"]}},
            "/api/v1/cases/{id}/files/{file}": {"get": {
                "summary": "A requirement file of the case, as an attachment (the read is logged)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}, {"name": "file", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "the file", "content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}, "401": err(), "403": err(), "404": err()}}},
            "/api/v1/cases/{id}/documents": {"get": {
                "summary": "Documents issued for a case",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": op("", json!({"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}, "number": {"type": "string"}, "kind": {"type": "string"}, "issued_at": {"type": "string"}, "revoked": {"type": "boolean"}}}}), &[401, 403, 404])["responses"]}},
            "/api/v1/documents/{code}/pdf": {"get": {
                "summary": "The sealed PDF (staff of the issuing office)",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}, "401": err(), "403": err(), "404": err()}}},
            "/api/v1/documents/{code}/verify": {"get": {
                "summary": "Public verification: valid, revoked or unknown, with the signed fields (rate-limited)",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": op("", json!({"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["valid", "revoked", "unknown"]}}}), &[429])["responses"]}},
            "/api/v1/documents/{code}/revoke": {"post": {
                "summary": "Revoke a document with a reason (kepala dinas, validator or admin of the office)",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
                "responses": op("", json!({"type": "object"}), &[400, 401, 403, 404, 409, 415, 422])["responses"]}},
            "/verify/{code}": {"get": page("Public verification page of a document")},
            "/api/v1/track/{tracking}/documents/{code}": {"post": {
                "summary": "The applicant's own copy of a document (tracking code + NIK in the body)",
                "parameters": [{"name": "tracking", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["nik"], "properties": {"nik": {"type": "string"}}}}}},
                "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}, "400": err(), "403": err(), "404": err(), "415": err(), "422": err(), "429": err()}}},
            "/track/{code}/documents/{doc}": {"post": page("The applicant downloads a document (form with NIK and CSRF)")},
            "/staff/documents/{code}/pdf": {"get": {"summary": "A document's PDF for staff of the office", "responses": {"200": {"description": "PDF"}}}},
            "/staff/documents/{code}/revoke": {"post": page("Revoke a document (form with CSRF)")},
            "/api/v1/notifications": {"get": {"summary": "The office's notification outbox", "responses": op("", json!({"type": "array"}), &[401, 403])["responses"]}},
            "/api/v1/me": {"get": {"summary": "The logged-in account", "responses": op("", json!({"$ref": "#/components/schemas/User"}), &[401])["responses"]}},
            "/api/v1/track/{code}/access-log": {"post": {
                "summary": "A citizen asks who read their personal data (UU 27/2022); answered within 3x24 jam",
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["nik"], "properties": {"nik": {"type": "string"}}}}}},
                "responses": op("", json!({"type": "object"}), &[400, 403, 404, 422, 429])["responses"]}},
            "/api/v1/data-requests": {"get": {"summary": "The office's data subject requests with their clocks (PPID, admin, auditor)", "responses": op("", json!({"type": "array"}), &[401, 403])["responses"]}},
            "/api/v1/data-requests/{id}/export": {"post": {
                "summary": "The access log for a request; marks it answered (PPID, admin)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": op("", json!({"type": "object"}), &[401, 403, 404])["responses"]}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}}}},
                "Office": {"type": "object", "required": ["code", "name", "level", "time_zone"], "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "level": {"type": "string", "enum": ["province", "kab_kota"]}, "parent": {"type": ["string", "null"]}, "time_zone": {"type": "string", "enum": ["WIB", "WITA", "WIT"]}, "address": {"type": "string"}, "maklumat": {"type": ["string", "null"]}}},
                "ServiceSummary": {"type": "object", "required": ["id", "office", "title", "version"], "properties": {"id": {"type": "string"}, "office": {"type": "string"}, "title": {"type": "string"}, "version": {"type": "integer"}, "channels": {"type": "array", "items": {"type": "string"}}, "time_limit": {"type": "string"}}},
                "Service": {"type": "object", "required": ["id", "office", "version", "components", "steps", "sla"], "properties": {"id": {"type": "string"}, "office": {"type": "string"}, "version": {"type": "integer"}, "components": {"type": "object"}, "steps": {"type": "array", "items": {"type": "object"}}, "sla": {"type": "object"}}},
                "Region": {"type": "object", "required": ["code", "name", "level"], "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "level": {"type": "integer"}, "parent": {"type": ["string", "null"]}}},
                "Login": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}},
                "Application": {"type": "object", "required": ["service", "channel", "applicant"], "properties": {
                    "service": {"type": "string"}, "channel": {"type": "string", "enum": ["counter", "online", "kiosk", "jemput_bola", "whatsapp"]},
                    "applicant": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "nik": {"type": "string"}, "phone": {"type": "string"}, "email": {"type": "string"},
                        "organisation": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "kind": {"type": "string"}, "contact_person": {"type": "string"}}}}},
                    "fields": {"type": "object"}}},
                "Receipt": {"type": "object", "required": ["id", "tracking_code", "status"], "properties": {"id": {"type": "integer"}, "tracking_code": {"type": "string"}, "status": {"type": "string"}, "due_at": {"type": ["string", "null"]}, "step_due_at": {"type": ["string", "null"]}}},
                "Action": {"type": "object", "required": ["action", "expected_version"], "properties": {"action": {"type": "string", "enum": ["advance", "return", "resubmit", "reject", "withdraw", "assign", "note"]}, "note": {"type": "string"}, "expected_version": {"type": "integer"}, "to_step": {"type": "string"}, "assignee": {"type": "string"}, "data": {}}},
                "User": {"type": "object", "required": ["id", "username", "role", "office"], "properties": {"id": {"type": "integer"}, "username": {"type": "string"}, "display_name": {"type": "string"}, "role": {"type": "string"}, "office": {"type": "string"}, "unit": {"type": ["string", "null"]}, "active": {"type": "boolean"}, "created_at": {"type": "integer"}}},
            }
        }
    })
}
