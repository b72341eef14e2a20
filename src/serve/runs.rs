//! A lab's runs: each run started from its page trains into a directory of its own,
//! `<lab>/runs/run-N` (the lab is the artifact directory without `--class`), so no run overwrites another model (nor the command line's, in
//! the artifact directory itself). `GET /api/runs` lists them with their settings and curves,
//! `POST /api/runs/select` chooses the model Draw and Backward use, and
//! `GET /api/runs/{run}/{file}` downloads a run's `metrics.csv`, `curves.png` or weights.

use std::path::Path;

use axum::Json;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::lab::{Lab, MAIN_NAME, ModelChoice};
use super::predict::blocking;
use super::reply::{ApiError, ApiJson, epochs_json};
use super::requests::{RUN_PREFIX, RunRequest, checked_run_name, run_number};
use super::session::Caller;
use super::state::SharedState;
use crate::artifacts::ArtifactDir;
use crate::export::lab_weights_bytes;
use crate::files::read_regular;
use crate::limits::MAX_WEIGHTS_FILE;
use crate::model::choice_name;
use crate::train::{Checkpoints, EpochMetrics, TrainingConfig};

/// Most runs listed (the newest).
pub const MAX_RUNS_LISTED: usize = 200;

/// The page's run directories in `root`, oldest first.
fn run_names(root: &Path) -> Vec<String> {
    let mut runs: Vec<(u64, String)> = std::fs::read_dir(root)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter_map(|name| run_number(&name).map(|n| (n, name)))
                .collect()
        })
        .unwrap_or_default();
    runs.sort();
    runs.into_iter().map(|(_, name)| name).collect()
}

/// Creates the next run directory in `root` (`run-1`, then one more than the highest) and
/// returns its name.
pub fn next_run_name(root: &Path) -> std::io::Result<String> {
    std::fs::create_dir_all(root)?;
    let next = run_names(root)
        .iter()
        .filter_map(|name| run_number(name))
        .max()
        .map_or(1, |n| n + 1);
    let name = format!("{RUN_PREFIX}{next}");
    std::fs::create_dir(root.join(&name))?;
    Ok(name)
}

/// One model of the list: its settings, its epochs, whether it finished (a saved model) and
/// whether it can be resumed.
fn describe(name: &str, dir: &ArtifactDir, selected: bool, running: bool) -> Option<Value> {
    let checkpoints = Checkpoints::new(dir.root());
    let saved = dir.model_path().is_file();
    let (config, epochs): (TrainingConfig, Vec<EpochMetrics>) = if saved {
        (
            dir.load_config().ok()?,
            dir.load_metrics().unwrap_or_default(),
        )
    } else {
        checkpoints.recorded()?
    };
    let resumable = !saved && !running && checkpoints.resume_point().is_ok();
    let model = &config.model;
    Some(json!({
        "name": name,
        "selected": selected,
        "saved": saved,
        "running": running,
        "resumable": resumable,
        "settings": {
            "widths": model.widths(),
            "activation": choice_name(model.activation),
            "head": choice_name(model.head),
            "init": choice_name(model.init),
            "init_std": model.init_std,
            "lr": config.lr,
            "batch_size": config.batch_size,
            "epochs": config.epochs,
            "train_limit": config.train_limit,
            "clip_grad_norm": config.clip_grad_norm,
            "engine": choice_name(config.engine),
        },
        "epochs": epochs_json(&epochs),
        // How it ended (none while it runs, nor for the command line's model).
        "end": super::run_end::RunEnd::load(dir.root()),
    }))
}

/// `GET /api/runs`: the command line's model (if any) and the lab's runs, newest last.
pub async fn list(caller: Caller) -> Result<Json<Value>, ApiError> {
    blocking(move || {
        let lab = caller.lab;
        let choice = lab.choice.lock().expect("choice lock").clone();
        let mut runs = Vec::new();
        if let Some(main) = describe(MAIN_NAME, &lab.main, choice == ModelChoice::Main, false) {
            runs.push(main);
        }
        runs.extend(lab_runs(&lab));
        Ok(Json(json!({ "runs": runs })))
    })
    .await
}

/// The runs of `lab` (the newest [`MAX_RUNS_LISTED`]), oldest first, as `/api/runs` lists
/// them.
pub fn lab_runs(lab: &Lab) -> Vec<Value> {
    let choice = lab.choice.lock().expect("choice lock").clone();
    let state = lab.run_state();
    let current = state.running();
    let names = run_names(&lab.runs_root());
    let skip = names.len().saturating_sub(MAX_RUNS_LISTED);
    names
        .into_iter()
        .skip(skip)
        .filter_map(|name| {
            let dir = lab.dir_of(&ModelChoice::Run(name.clone()));
            let selected = choice == ModelChoice::Run(name.clone());
            let running = current == Some(name.as_str());
            describe(&name, &dir, selected, running)
        })
        .collect()
}

/// The choice a request names: `artifacts` or a run's name (400 otherwise).
fn named_choice(name: &str) -> Result<ModelChoice, ApiError> {
    if name == MAIN_NAME {
        Ok(ModelChoice::Main)
    } else {
        checked_run_name(name).map(ModelChoice::Run)
    }
}

/// `POST /api/runs/select`: the model Draw and Backward use from now on (404 for no such run,
/// 409 for a run with no saved model).
pub async fn select(
    caller: Caller,
    ApiJson(request): ApiJson<RunRequest>,
) -> Result<Json<Value>, ApiError> {
    let choice = named_choice(&request.run)?;
    let dir = caller.lab.dir_of(&choice);
    if !dir.root().is_dir() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("run: no model named {}", request.run),
        ));
    }
    if !dir.model_path().is_file() {
        return Err(ApiError::conflict(format!(
            "run: {} has no saved model (it stopped before its end; resume it first)",
            request.run
        )));
    }
    caller.lab.choose(choice);
    Ok(Json(json!({ "run": request.run })))
}

/// `GET /api/runs/{run}/{file}`: `metrics.csv`, `curves.png`, or `model.safetensors` (the
/// weights in the lab's layout, which `train --init-from` reads), as a download.
pub async fn download(
    State(state): State<SharedState>,
    caller: Caller,
    UrlPath((run, file)): UrlPath<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let choice = named_choice(&run)?;
    let dir = caller.lab.dir_of(&choice);
    let missing = move |what: &str| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{what}: not there (only a finished run has one)"),
        )
    };
    let (content_type, bytes) = match file.as_str() {
        "metrics.csv" => (
            "text/csv; charset=utf-8",
            read_regular(&dir.metrics_path(), MAX_WEIGHTS_FILE)
                .map_err(|_| missing("metrics.csv"))?,
        ),
        "curves.png" => (
            "image/png",
            read_regular(&dir.curves_path(), MAX_WEIGHTS_FILE)
                .map_err(|_| missing("curves.png"))?,
        ),
        "model.safetensors" => {
            let device = state.device.clone();
            let bytes = blocking(move || {
                let (_, model) = dir
                    .load_model(&device)
                    .map_err(|_| missing("saved model"))?;
                lab_weights_bytes(&model, Path::new("model.safetensors"))
                    .map_err(ApiError::from_library)
            })
            .await?;
            ("application/octet-stream", bytes)
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "file: one of metrics.csv, curves.png, model.safetensors",
            ));
        }
    };
    let disposition = format!("attachment; filename=\"{run}-{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    ))
}
