//! The retention rule (UU 27/2022): uploads of closed cases are deleted
//! after the configured period. A background job beside the escalation
//! sweep.

use crate::{App, Error};

/// Deletes the uploads of cases closed longer ago than `retention`: the
/// rows stay, marked purged, with an audit row per case; bytes still used
/// by another upload stay too. Returns how many uploads were purged.
pub async fn purge_uploads(app: &App, retention: chrono::Duration) -> Result<usize, Error> {
    let before = app.now().timestamp_millis() - retention.num_milliseconds();
    let files = app.store.purge_uploads(before).await?;
    let mut shas: Vec<&str> = files.iter().map(|f| f.sha256.as_str()).collect();
    shas.sort_unstable();
    shas.dedup();
    for sha in shas {
        if !app.store.file_in_use(sha).await? {
            app.files.remove(sha).map_err(|e| Error::internal(format!("purging an upload failed: {e}")))?;
        }
    }
    Ok(files.len())
}

/// Purges every `every` (a day in service) until the process ends.
pub fn spawn(
    app: App,
    retention: chrono::Duration,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    crate::repeat(every, move || {
        let app = app.clone();
        async move {
            match purge_uploads(&app, retention).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(uploads = n, "retention: uploads of closed cases purged"),
                Err(e) => tracing::warn!(error = %e, "retention purge failed"),
            }
        }
    })
}
