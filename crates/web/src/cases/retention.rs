//! The retention rule (UU 27/2022): uploads of closed cases are deleted
//! after the configured period. A background job beside the escalation
//! sweep.

use crate::error::ApiError;
use crate::state::AppState;
use store::now_ms;

/// Deletes the uploads of cases closed longer ago than `retention`: the
/// rows stay, marked purged, with an audit row per case; bytes still used
/// by another upload stay too. Returns how many uploads were purged.
pub async fn purge_uploads(state: &AppState, retention: chrono::Duration) -> Result<usize, ApiError> {
    let before = now_ms() - retention.num_milliseconds();
    let files = state.store.purge_uploads(before).await?;
    let mut shas: Vec<&str> = files.iter().map(|f| f.sha256.as_str()).collect();
    shas.sort_unstable();
    shas.dedup();
    for sha in shas {
        if !state.store.file_in_use(sha).await? {
            state.files.remove(sha).map_err(|e| {
                tracing::error!(error = %e, "purging an upload failed");
                ApiError::internal()
            })?;
        }
    }
    Ok(files.len())
}

/// Purges once a day until the process ends.
pub fn spawn(state: AppState, retention: chrono::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(86_400));
        loop {
            tick.tick().await;
            match purge_uploads(&state, retention).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(uploads = n, "retention: uploads of closed cases purged"),
                Err(e) => tracing::warn!(error = %e.body.message, "retention purge failed"),
            }
        }
    })
}
