//! Starting the server: the routes, the body limit, the address, and a clean stop on Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Router, middleware};

use super::connections::serve_connections;
use super::guard::{self, AllowedHosts};
use super::reply::ApiError;
use super::state::{AppState, SharedState};
use super::{assets, backward, limits, predict, reports, runs, training};
use crate::artifacts::ArtifactDir;
use crate::backend::Backend;
use crate::data::Mnist;
use crate::error::{Error, Result};

/// Largest request body (a 512×512 drawing as JSON numbers fits).
pub const MAX_BODY_BYTES: usize = 4 << 20;

/// Where and what to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub host: String,
    /// 0: any free port.
    pub port: u16,
    pub artifacts: ArtifactDir,
    pub data_dir: PathBuf,
    pub backend: Backend,
    /// A run no page follows for this long is stopped.
    pub idle_stop: std::time::Duration,
    /// How long a client has to send a request's headers, and then its body.
    pub request_timeout: std::time::Duration,
}

/// The routes of the page and its API, for requests that name this server (`guard.rs`).
pub fn router(state: SharedState, allowed: AllowedHosts) -> Router {
    assets::routes()
        .route("/api/model", get(predict::model_info))
        .route("/api/limits", get(limits::limits))
        .route("/api/predict", post(predict::predict))
        .route("/api/mistakes", get(predict::mistakes))
        .route("/api/confusion", get(predict::confusion))
        .route("/api/backward", post(backward::backward))
        .route("/api/units", get(backward::saved_units))
        .route("/api/train", post(training::start))
        .route("/api/train/stop", post(training::stop))
        .route("/api/train/resume", post(training::resume))
        .route("/api/runs", get(runs::list))
        .route("/api/runs/select", post(runs::select))
        .route("/api/runs/{run}/{file}", get(runs::download))
        .route("/api/train/events", get(training::events))
        .route("/api/train/units", get(backward::live_units))
        .route("/api/gradcheck", post(reports::gradcheck))
        .route("/api/study", post(reports::study))
        .route("/api/report/progress", get(reports::progress))
        .route("/api/study/figure.png", get(reports::study_figure))
        .route("/api/study/{file}", get(reports::study_table))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such page or endpoint") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            Arc::new(allowed),
            guard::check_origin,
        ))
        .with_state(state)
}

/// Loads the data, binds, prints the URL, and serves until Ctrl-C.
pub fn serve(options: ServeOptions) -> Result<()> {
    let device = options.backend.device()?;
    let data = Mnist::load(&options.data_dir)?;
    let state = Arc::new(AppState::new(
        options.artifacts.clone(),
        data,
        options.data_dir.clone(),
        device,
        options.backend,
        options.idle_stop,
        options.request_timeout,
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Backend(format!("cannot start the server's runtime: {e}")))?;
    let served = runtime.block_on(async move {
        let address = format!("{}:{}", options.host, options.port);
        let listener = tokio::net::TcpListener::bind(&address).await.map_err(|e| {
            Error::Config(format!("--host, --port: cannot listen on {address} ({e})"))
        })?;
        let bound: SocketAddr = listener
            .local_addr()
            .map_err(|e| Error::Config(format!("--port: {e}")))?;
        if !bound.ip().is_loopback() {
            eprintln!(
                "warning: serving on {bound}, reachable from other machines; the page has no login"
            );
        }
        println!("The backprop lab is at http://{bound}/ (Ctrl-C stops it)");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        tokio::spawn(training::idle_watch(state.clone()));
        // Ctrl-C ends the server at once (pages following a run hold their streams open):
        // a run in progress is asked to stop and keeps its last epoch's checkpoint.
        tokio::select! {
            () = serve_connections(
                listener,
                router(state, AllowedHosts::new(bound, &options.host)),
                options.request_timeout,
            ) => Ok(()),
            _ = tokio::signal::ctrl_c() => {
                crate::train::interrupt::request_stop();
                println!("Stopped.");
                Ok(())
            }
        }
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    served
}
