//! Starting the server: the routes, the body limit, the address, and a clean stop on Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use burn::prelude::Device;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Router, middleware};

use super::address::{base_url, machine_name, url_host};
use super::bounds::RunBounds;
use super::class::{Class, ClassOptions};
use super::connections::serve_connections;
use super::guard::{self, AllowedHosts};
use super::lab::Lab;
use super::memory::MemoryBudget;
use super::reply::ApiError;
use super::requests::MAX_PAGE_ACTIVATIONS;
use super::scheduler::Scheduler;
use super::state::{AppState, Mode, SharedState};
use super::{
    assets, backward, events, join, limits, predict, reports, runs, session, teacher, training,
};
use crate::artifacts::ArtifactDir;
use crate::backend::Backend;
use crate::data::Mnist;
use crate::error::{Error, Result};
use crate::limits::MAX_EPOCHS;

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
    /// Class mode (`--class`) and its limits; `None`: one person's lab.
    pub class: Option<ClassSetup>,
    /// HTTPS: the certificate chain and the private key (PEM files).
    pub tls: Option<(PathBuf, PathBuf)>,
}

/// What `serve --class` adds.
#[derive(Debug, Clone)]
pub struct ClassSetup {
    pub options: ClassOptions,
    /// Runs training at once (default: the cores less one, at least 1).
    pub workers: Option<usize>,
    /// The address students reach the server by (behind a reverse proxy, or a name).
    pub public_url: Option<String>,
    /// Resident memory past which new runs are refused, in MB (default 80 % of the memory).
    pub memory_budget_mb: Option<u64>,
    /// What a student's run may ask for.
    pub bounds: RunBounds,
}

/// The routes of the page and its API, for requests that name this server (`guard.rs`), each
/// `/api/` request acting on its caller's lab (`session.rs`).
pub fn router(state: SharedState, allowed: AllowedHosts) -> Router {
    assets::routes()
        .route("/join/{code}", get(join::join))
        .route("/api/session", get(join::session))
        .route("/api/session/name", post(join::rename))
        .route("/api/record", post(join::record))
        .route("/api/class", get(teacher::class_view))
        .route("/api/class/stop", post(teacher::stop))
        .route("/api/class/runs.csv", get(teacher::runs_csv))
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
        .route("/api/train/events", get(events::events))
        .route("/api/train/units", get(backward::live_units))
        .route("/api/gradcheck", post(reports::gradcheck))
        .route("/api/study", post(reports::study))
        .route("/api/report/progress", get(reports::progress))
        .route("/api/study/figure.png", get(reports::study_figure))
        .route("/api/study/{file}", get(reports::study_table))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such page or endpoint") })
        .layer(middleware::from_fn_with_state(state.clone(), session::gate))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            Arc::new(allowed),
            guard::check_origin,
        ))
        .with_state(state)
}

/// Loads the data, binds, prints the URL, and serves until Ctrl-C.
pub fn serve(options: ServeOptions) -> Result<()> {
    let tls = match &options.tls {
        Some((cert, key)) => Some(super::tls::acceptor(cert, key)?),
        None => None,
    };
    let device = options.backend.device()?;
    let data = Mnist::load(&options.data_dir)?;
    let state = Arc::new(app_state(&options, data, device)?);
    if state.class().is_some() {
        // A class trains from the start: the data is staged now, once, not on the first run.
        state.staged();
    }
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
        if !bound.ip().is_loopback() && state.class().is_none() {
            eprintln!(
                "warning: serving on {bound}, reachable from other machines; the page has no login (serve --class gives one)"
            );
        }
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base = base_url(
            scheme,
            bound,
            options.class.as_ref().and_then(|c| c.public_url.as_deref()),
        );
        // One write, so that a reader of the first line gets the links with it.
        let mut banner = format!("The backprop lab is at {base}/ (Ctrl-C stops it)\n");
        if let Some(class) = state.class() {
            banner.push_str(&format!(
                "Student link: {base}{}\nTeacher link: {base}{}\nA class of at most {} sessions; {} run(s) train at once, the others wait in a queue.\n",
                class.student_path(),
                class.teacher_path(),
                class.options.max_sessions,
                state.scheduler.workers()
            ));
        }
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(banner.as_bytes());
        let _ = stdout.flush();
        drop(stdout);
        tokio::spawn(events::idle_watch(state.clone()));
        // Ctrl-C ends the server at once (pages following a run hold their streams open):
        // a run in progress is asked to stop and keeps its last epoch's checkpoint.
        tokio::select! {
            () = serve_connections(
                listener,
                router(state, allowed_hosts(bound, &options)),
                options.request_timeout,
                tls,
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

/// The state of a server for `options`: one lab, or a class of them.
fn app_state(options: &ServeOptions, data: Mnist, device: Device) -> Result<AppState> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let (mode, workers, threads_per_run, bounds, memory) = match &options.class {
        None => (
            Mode::Single(Arc::new(Lab::new(
                options.artifacts.root().to_path_buf(),
                options.artifacts.clone(),
            ))),
            1,
            crate::backend::compute_threads(),
            RunBounds {
                epochs: MAX_EPOCHS,
                train_images: data.train.len(),
                activations: MAX_PAGE_ACTIVATIONS,
                class: false,
            },
            MemoryBudget::new(None),
        ),
        Some(setup) => {
            let class = Class::open(options.artifacts.clone(), setup.options.clone())?;
            let workers = setup.workers.unwrap_or(cores.saturating_sub(1)).max(1);
            // The cores left after one for the requests, shared by the runs.
            let threads = (cores.saturating_sub(1) / workers).max(1);
            (
                Mode::Class(Arc::new(class)),
                workers,
                threads,
                setup.bounds,
                MemoryBudget::new(setup.memory_budget_mb),
            )
        }
    };
    Ok(AppState {
        data: Arc::new(data),
        staged: OnceLock::new(),
        data_dir: options.data_dir.clone(),
        device,
        backend: options.backend,
        mode,
        scheduler: Scheduler::new(workers),
        threads_per_run,
        bounds,
        memory,
        report_running: Mutex::new(false),
        report: Mutex::new(None),
        idle_stop: options.idle_stop,
        request_timeout: options.request_timeout,
    })
}

/// The names requests may use: the address and `--host`, and in class mode the host of
/// `--public-url` and this machine's name.
fn allowed_hosts(bound: SocketAddr, options: &ServeOptions) -> AllowedHosts {
    let mut allowed = AllowedHosts::new(bound, &options.host);
    if let Some(class) = &options.class {
        if let Some(url) = &class.public_url
            && let Some((name, port)) = url_host(url)
        {
            allowed.also(&name, port);
        }
        if let Some(name) = machine_name() {
            allowed.also(&name, bound.port());
        }
    }
    allowed
}
