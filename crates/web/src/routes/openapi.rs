//! The OpenAPI 3.1 document, generated: each routes module derives its
//! `Doc` from the `#[utoipa::path]` of its handlers, whose request and
//! response schemas are the very types the handlers read and return. This
//! module merges them and fills in what every operation shares.

use serde_json::{Value, json};
use utoipa::OpenApi;

/// The response of a portal page.
#[derive(utoipa::IntoResponses)]
#[response(status = 200, description = "HTML page", content_type = "text/html")]
#[allow(dead_code)] // describes the rendered page; askama writes it
pub(crate) struct HtmlPage(String);

#[derive(OpenApi)]
#[openapi(
    info(
        title = "layanan",
        description = "Public services of Dinas Dukcapil offices, run from their Standar Pelayanan."
    ),
    components(schemas(crate::error::ErrorResponse))
)]
struct Base;

/// The document served at `/api/openapi.json`.
pub(crate) fn document() -> Value {
    let mut doc = Base::openapi();
    for part in [
        super::ops::Doc::openapi(),
        super::portal::Doc::openapi(),
        super::api::Doc::openapi(),
        super::admin::Doc::openapi(),
        super::accounts::Doc::openapi(),
        super::second_factor::Doc::openapi(),
        super::outages::Doc::openapi(),
        super::cases::Doc::openapi(),
        super::citizen::Doc::openapi(),
        super::staff::Doc::openapi(),
        super::docs::Doc::openapi(),
        super::privacy::Doc::openapi(),
        super::institutions::Doc::openapi(),
        super::group::Doc::openapi(),
        super::agreements::Doc::openapi(),
        super::stock::Doc::openapi(),
        super::slots::Doc::openapi(),
        super::register::Doc::openapi(),
        super::informasi::Doc::openapi(),
        super::queue::Doc::openapi(),
        super::kiosk::Doc::openapi(),
        super::reports::Doc::openapi(),
        super::complaints::Doc::openapi(),
        super::surveys::Doc::openapi(),
        super::dashboard::Doc::openapi(),
        super::nik::Doc::openapi(),
    ] {
        doc.merge(part);
    }
    complete(serde_json::to_value(doc).unwrap_or_default())
}

/// What every operation shares, so the annotations stay short: each
/// `{name}` of a path as a required path parameter (a string unless the
/// handler declared it), a `default` response for the errors not listed
/// (the contract's JSON error under `/api/`, an HTML page elsewhere), and
/// the bearer scheme the API's tokens use.
fn complete(mut doc: Value) -> Value {
    doc["components"]["securitySchemes"] = json!({"bearer": {"type": "http", "scheme": "bearer"}});
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
                json!({"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
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
