//! The Train panel's API: a lab's run (one at a time per lab) handed to the scheduler, which
//! trains it in a thread of its own when a slot is free, each in a run directory of its own
//! (`runs/run-N`, see `runs.rs`), or an interrupted one resumed; its events published to every
//! page of the lab following it (`events.rs`), and a stop (or a cancel, queued) on request. A
//! run no page follows is stopped after [`DEFAULT_IDLE_STOP`] (`events.rs`).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::lab::{ModelChoice, RunState, SharedLab};
use super::reply::{ApiError, ApiJson, api_words};
use super::requests::{RunRequest, TrainRequest};
use super::run_end::{Cause, RunEnd};
use super::runs::next_run_name;
use super::scheduler::{Placement, Starter};
use super::session::Caller;
use super::state::SharedState;
use super::web_observer::WebObserver;
use crate::artifacts::ArtifactDir;
use crate::model::choice_name;
use crate::train::{Checkpoints, TrainingConfig, shared};

/// A run that no page has followed for this long is stopped (its checkpoint remains), unless
/// `serve --idle-stop` says otherwise.
pub const DEFAULT_IDLE_STOP: Duration = Duration::from_secs(60);

/// `POST /api/train`: starts a run with these settings in a run directory of its own (202),
/// or queues it behind the runs training (202, `queued`), unless this lab already has one
/// queued or training (409) or the server is at its memory budget (503).
pub async fn start(
    State(state): State<SharedState>,
    caller: Caller,
    ApiJson(request): ApiJson<TrainRequest>,
) -> std::result::Result<(StatusCode, Json<Value>), ApiError> {
    let config = request.checked(&state.bounds)?;
    let epochs = config.epochs;
    let engine = choice_name(config.engine);
    let (name, placement) = launch(&state, &caller.lab, None, Job::Fresh(config))?;
    let mut answer = json!({ "started": true, "run": name, "epochs": epochs, "engine": engine });
    placed(&mut answer, placement);
    Ok((StatusCode::ACCEPTED, Json(answer)))
}

/// `POST /api/train/resume`: continues an interrupted run of the lab from its last epoch
/// (202, or queued), unless one runs (409) or it cannot be resumed (409).
pub async fn resume(
    State(state): State<SharedState>,
    caller: Caller,
    ApiJson(request): ApiJson<RunRequest>,
) -> std::result::Result<(StatusCode, Json<Value>), ApiError> {
    let name = request.run_name()?;
    let dir = ArtifactDir::new(caller.lab.runs_root().join(&name));
    if !dir.root().is_dir() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("run: no run named {name}"),
        ));
    }
    let point = Checkpoints::new(dir.root())
        .resume_point()
        .map_err(|e| ApiError::conflict(format!("run: {name} cannot be resumed ({e})")))?;
    let (name, placement) = launch(&state, &caller.lab, Some(name), Job::Resume)?;
    let mut answer = json!({ "started": true, "run": name, "from_epoch": point.epoch + 1 });
    placed(&mut answer, placement);
    Ok((StatusCode::ACCEPTED, Json(answer)))
}

/// Adds where the run stands to an answer: `queued` (false, or its place and wait).
fn placed(answer: &mut Value, placement: Placement) {
    if let Placement::Queued {
        position,
        wait_seconds,
    } = placement
    {
        answer["queued"] = json!(true);
        answer["position"] = json!(position);
        answer["wait_seconds"] = json!(wait_seconds);
    } else {
        answer["queued"] = json!(false);
    }
}

/// What a run from the page does.
enum Job {
    /// A new run with these settings.
    Fresh(TrainingConfig),
    /// The interrupted run of its directory, continued.
    Resume,
}

/// Hands `job` to the scheduler, in the lab's run directory `name` (a new one when `None`);
/// returns the run's name and where it stands.
fn launch(
    state: &SharedState,
    lab: &SharedLab,
    name: Option<String>,
    job: Job,
) -> std::result::Result<(String, Placement), ApiError> {
    let busy = || ApiError::conflict("a run is in progress; stop it first (POST /api/train/stop)");
    if lab.run_state().name().is_some() {
        return Err(busy());
    }
    state
        .memory
        .check_new_run(state.scheduler.queued())
        .map_err(|message| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message))?;
    let fresh = name.is_none();
    let name = match name {
        Some(name) => name,
        None => next_run_name(&lab.runs_root())
            .map_err(|e| ApiError::internal(format!("cannot make the run's directory: {e}")))?,
    };
    let (worker, worker_lab, run_name) = (state.clone(), lab.clone(), name.clone());
    let starter: Starter = Box::new(move |stop| {
        let (failed_state, failed_lab, failed_name) =
            (worker.clone(), worker_lab.clone(), run_name.clone());
        let spawned = std::thread::Builder::new()
            .name("serve-training".into())
            .spawn(move || run(worker, worker_lab, run_name, job, stop));
        if let Err(e) = spawned {
            failed_lab.publish(json!({
                "type": "failed",
                "run": failed_name,
                "message": format!("cannot start the run: {e}"),
            }));
            drop(failed_state);
            return false;
        }
        true
    });
    match state.scheduler.submit(lab, name.clone(), starter) {
        Ok(placement) => Ok((name, placement)),
        Err(_) => {
            if fresh {
                let _ = std::fs::remove_dir(lab.runs_root().join(&name));
            }
            Err(busy())
        }
    }
}

fn run(state: SharedState, lab: SharedLab, name: String, job: Job, stop: Arc<AtomicBool>) {
    let dir = ArtifactDir::new(lab.runs_root().join(&name));
    let observer = shared(WebObserver::new(&state, lab.clone(), name.clone(), stop));
    // A panic in the worker ends the run with its message, never with a silent, stuck slot.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let staged = state.staged();
        crate::backend::on_compute_pool_of(state.threads_per_run, || match &job {
            Job::Fresh(config) => crate::run::train_staged(
                config,
                &state.data,
                &staged,
                &state.device,
                &dir,
                observer,
            ),
            Job::Resume => {
                crate::run::resume_staged(&state.data, &staged, &state.device, &dir, observer)
            }
        })
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown".to_string());
        Err(crate::Error::Training(format!(
            "the run's worker panicked: {what}"
        )))
    });
    let kept = || {
        Checkpoints::new(dir.root())
            .resume_point()
            .map_or(0, |point| point.epoch)
    };
    let requested = lab.stop_cause.lock().expect("stop cause lock").take();
    let (end, mut last_event) = match outcome {
        Ok(outcome) => {
            let last = outcome.last();
            let end = RunEnd::new(&name, Cause::Finished, outcome.epochs.len());
            // The model in use stays until its user picks another; with none usable yet (a
            // page started before any `train`), the first finished run becomes it.
            let adopted = !lab.chosen_dir().model_path().is_file();
            if adopted {
                lab.choose(ModelChoice::Run(name.clone()));
            }
            let event = json!({
                "type": "saved",
                "run": name,
                "test_accuracy": last.test_accuracy,
                "epochs": outcome.epochs.len(),
                "seconds": outcome.seconds,
                "artifact_dir": state.shown_dir(dir.root()),
                "in_use": adopted,
            });
            (end, event)
        }
        Err(crate::Error::Interrupted { epoch, .. }) => {
            let cause = requested.unwrap_or(Cause::StoppedByUser);
            let end = RunEnd::new(&name, cause, epoch);
            let event = json!({
                "type": "stopped",
                "run": name,
                "epoch": epoch,
                "message": if epoch == 0 {
                    format!("Stopped before the first epoch ended: {name} has nothing to resume.")
                } else {
                    format!("Stopped after epoch {epoch}: {name} keeps its checkpoint and can be resumed.")
                },
            });
            (end, event)
        }
        Err(error) => {
            let cause = match &error {
                crate::Error::Diverged { epoch, step, .. } => Cause::Diverged {
                    epoch: *epoch,
                    step: *step,
                },
                other => Cause::Failed(api_words(&other.to_string())),
            };
            let end = RunEnd::new(&name, cause, kept());
            let event = json!({
                "type": "failed",
                "run": name,
                "message": api_words(&error.to_string()),
            });
            (end, event)
        }
    };
    last_event["cause"] = json!(end.cause.name());
    last_event["end"] = end.to_json();
    end.save(dir.root());
    eprintln!("{}", end.log_line(&name));
    // Told and freed under one lock: a page that starts the next run on this event gets its
    // 202, and the next run's history never holds this run's end.
    state.scheduler.finish(&lab, last_event);
}

/// `POST /api/train/stop`: asks the lab's run to stop at the next batch (200), takes its
/// queued run out of the queue (200, `cancelled`), or 409 with neither.
pub async fn stop(
    State(state): State<SharedState>,
    caller: Caller,
) -> std::result::Result<Json<Value>, ApiError> {
    stop_lab(&state, &caller.lab, super::run_end::Cause::StoppedByUser)
}

/// Stops or cancels `lab`'s run for `cause` (its user, or the teacher).
pub fn stop_lab(
    state: &SharedState,
    lab: &SharedLab,
    cause: Cause,
) -> std::result::Result<Json<Value>, ApiError> {
    match lab.run_state() {
        RunState::Running { name, .. } => {
            lab.stop_cause
                .lock()
                .expect("stop cause lock")
                .get_or_insert(cause);
            lab.request_stop();
            Ok(Json(json!({ "stopping": true, "run": name })))
        }
        RunState::Queued { .. } => match state.scheduler.cancel(lab) {
            Some(name) => {
                // A new run's directory is still empty: it goes (a resumed one stays).
                let _ = std::fs::remove_dir(lab.runs_root().join(&name));
                Ok(Json(json!({ "cancelled": true, "run": name })))
            }
            None => Err(ApiError::conflict("no run in progress")),
        },
        RunState::Idle => Err(ApiError::conflict("no run in progress")),
    }
}
