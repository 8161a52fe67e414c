#![recursion_limit = "512"]
//! HTTP for layanan: the public portal (server-rendered, works without
//! JavaScript), the staff pages and the JSON API of the contract in README.md.

pub mod auth;
pub mod error;
mod extract;
pub mod i18n;
mod ratelimit;
mod routes;
mod state;

pub use state::{AppState, Config};

use std::net::SocketAddr;

/// Builds the whole router for a prepared state.
pub fn router(state: AppState) -> axum::Router {
    routes::router(state)
}

/// Serves until the process is told to stop (Ctrl-C or SIGTERM).
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
