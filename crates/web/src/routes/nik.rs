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
use axum::extract::{Query, State};
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

/// The verification session the batch is run for: its results are filed on
/// that case.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct BatchQuery {
    /// A case of the caller's office (Verifikasi dan Validasi Data): the
    /// results become a file of that case (`hasil_cek_nik`) with the
    /// summary in its journal, before the answer ends.
    case: Option<i64>,
}

/// Check a file of NIKs (a header naming `nik` and any of `nama`, `tanggal_lahir`, `jenis_kelamin`, `kk`; or NIKs first): one CSV line per input row, in order, streamed; header `row,nik,valid,errors,warnings,provinsi,kabupaten_kota,kecamatan,tanggal_lahir,jenis_kelamin`
#[utoipa::path(post, path = "/api/v1/nik/batch", params(BatchQuery), request_body(content = String, content_type = "text/csv"), responses(
    (status = 200, description = "one line per input row, in input order", content_type = "text/csv", body = String),
    (status = 401, description = "not logged in", body = ErrorResponse),
    (status = 403, description = "a role that does not handle personal data (another office's case: 404)", body = ErrorResponse),
    (status = 404, description = "no such case", body = ErrorResponse),
    (status = 413, description = "larger than 256 MB", body = ErrorResponse),
    (status = 422, description = "the case is closed", body = ErrorResponse)))]
async fn batch(
    State(state): State<AppState>,
    who: Changing,
    Query(q): Query<BatchQuery>,
    body: Body,
) -> Result<Response, ApiError> {
    if !who.role.handles_personal_data() {
        return Err(ApiError::forbidden("the NIK batch is for the staff who verify personal data"));
    }
    let case = match q.case {
        Some(id) => {
            let c = super::cases::staff_case(&state, &who, id).await?;
            app::nik_batch::check_session(&c)?;
            Some(c.id)
        }
        None => None,
    };
    let purpose = match case {
        Some(id) => format!("verifikasi dan validasi data, case {id}"),
        None => "verifikasi dan validasi data".into(),
    };
    state.app.store.log_access(&who.user.username, "nik:batch", &purpose).await?;
    let kept = match case {
        Some(id) => Some(Kept::create(id).await.map_err(|e| {
            tracing::error!(error = %e, "no room for the NIK batch results");
            ApiError::internal()
        })?),
        None => None,
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let by = who.user.username.clone();
    tokio::spawn(async move {
        if let Err(e) = check(&state, body, kept, &by, &tx).await {
            tracing::error!(error = %e, "NIK batch stopped");
            let _ = tx.send(Err(e)).await;
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) });
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], Body::from_stream(stream)).into_response())
}

type Sender = tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>;

/// Reads the request a chunk at a time and sends the result lines as they
/// are computed, keeping them for the case when there is one. The last
/// chunk is sent only once the results are filed, so a client that saw the
/// whole answer finds them on the case. Returns early when the client goes
/// away.
async fn check(
    state: &AppState,
    body: Body,
    mut kept: Option<Kept>,
    by: &str,
    tx: &Sender,
) -> std::io::Result<()> {
    let mut batch = Batch::new(regions());
    let mut out = Batch::header();
    let mut rest: Vec<u8> = Vec::new();
    let mut input = body.into_data_stream();
    while let Some(chunk) = input.next().await {
        rest.extend_from_slice(&chunk.map_err(|e| std::io::Error::other(e.to_string()))?);
        let mut start = 0;
        while let Some(end) = rest[start..].iter().position(|b| *b == b'\n') {
            batch.line(&String::from_utf8_lossy(&rest[start..start + end]), &mut out);
            start += end + 1;
        }
        rest.drain(..start);
        if out.len() >= 64 * 1024 {
            let chunk = Bytes::from(std::mem::take(&mut out));
            if let Some(k) = &mut kept {
                k.write(&chunk).await?;
            }
            if tx.send(Ok(chunk)).await.is_err() {
                return Ok(()); // The client went away.
            }
        }
    }
    batch.line(&String::from_utf8_lossy(&rest), &mut out);
    let summary = batch.summary_line();
    tracing::info!(%summary, "NIK batch checked");
    if let Some(mut k) = kept {
        k.write(out.as_bytes()).await?;
        k.file(state, by, &summary).await?;
    }
    let _ = tx.send(Ok(Bytes::from(out))).await;
    Ok(())
}

/// The results of a batch for a case, written to a temporary file as they
/// are sent, then taken over by the file store.
struct Kept {
    case: i64,
    path: std::path::PathBuf,
    file: tokio::fs::File,
    size: i64,
}

impl Kept {
    async fn create(case: i64) -> std::io::Result<Kept> {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("layanan-nik-{}-{n}.csv", std::process::id()));
        let file = tokio::fs::File::create(&path).await?;
        Ok(Kept { case, path, file, size: 0 })
    }

    async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        self.size += bytes.len() as i64;
        self.file.write_all(bytes).await
    }

    async fn file(mut self, state: &AppState, by: &str, summary: &str) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        self.file.flush().await?;
        let (files, path) = (state.app.files.clone(), self.path.clone());
        let stored = tokio::task::spawn_blocking(move || files.put_file(&path))
            .await
            .map_err(std::io::Error::other)?;
        let sha = stored.map_err(std::io::Error::other)?;
        app::nik_batch::file_results(&state.app, self.case, by, (sha, self.size), summary)
            .await
            .map_err(std::io::Error::other)
    }
}

impl Drop for Kept {
    /// A batch cut short leaves no temporary file behind (once filed, the
    /// file store has moved it and this finds nothing).
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
