//! The NIK batch tool over HTTP (`POST /api/v1/nik/batch`): a CSV file in,
//! one result line per input row out, in input order, streamed as it is
//! computed — the request is read and the answer written a chunk at a time,
//! so a million rows pass in flat memory. The checks are
//! `app::nik_batch`'s, the same as `layanan nik check --csv`.

use crate::error::{ApiError, ErrorResponse};
use crate::extract::Changing;
use crate::state::AppState;
use app::nik_batch::{Batch, Regions};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures_util::StreamExt;
use std::sync::OnceLock;

/// Larger than other requests: a million rows with names, dates and KKs.
pub(super) const MAX_BODY: usize = 256 * 1024 * 1024;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/nik/batch", post(batch))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(batch))]
pub(super) struct Doc;

/// The region list, read once.
fn regions() -> &'static Regions {
    static REGIONS: OnceLock<Regions> = OnceLock::new();
    REGIONS.get_or_init(Regions::embedded)
}

/// Check a file of NIKs (a header naming `nik` and any of `nama`, `tanggal_lahir`, `jenis_kelamin`, `kk`; or NIKs first): one CSV line per input row, in order, streamed; header `row,nik,valid,errors,warnings,provinsi,kabupaten_kota,kecamatan,tanggal_lahir,jenis_kelamin`
#[utoipa::path(post, path = "/api/v1/nik/batch", request_body(content = String, content_type = "text/csv"), responses(
    (status = 200, description = "one line per input row, in input order", content_type = "text/csv", body = String),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "a role that does not handle personal data", body = ErrorResponse),
    (status = 413, description = "larger than 256 MB", body = ErrorResponse)))]
async fn batch(State(state): State<AppState>, who: Changing, body: Body) -> Result<Response, ApiError> {
    if !who.role.handles_personal_data() {
        return Err(ApiError::forbidden("the NIK batch is for the staff who verify personal data"));
    }
    state.app.store.log_access(&who.user.username, "nik:batch", "verifikasi dan validasi data").await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut batch = Batch::new(regions());
        let mut out = Batch::header();
        let mut rest: Vec<u8> = Vec::new();
        let mut input = body.into_data_stream();
        while let Some(chunk) = input.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                    return;
                }
            };
            rest.extend_from_slice(&chunk);
            let mut start = 0;
            while let Some(end) = rest[start..].iter().position(|b| *b == b'\n') {
                batch.line(&String::from_utf8_lossy(&rest[start..start + end]), &mut out);
                start += end + 1;
            }
            rest.drain(..start);
            if out.len() >= 64 * 1024 && tx.send(Ok(Bytes::from(std::mem::take(&mut out)))).await.is_err() {
                return; // The client went away.
            }
        }
        batch.line(&String::from_utf8_lossy(&rest), &mut out);
        tracing::info!(summary = %batch.summary_line(), "NIK batch checked");
        let _ = tx.send(Ok(Bytes::from(out))).await;
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) });
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], Body::from_stream(stream)).into_response())
}
