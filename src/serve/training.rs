//! The Train panel's API: one run at a time in a thread of its own, each in a run directory of
//! its own (`runs/run-N`, see `runs.rs`), or an interrupted one resumed; its events published to
//! every page following it (Server-Sent Events), a stop on request, and a stop when no page
//! has followed it for `serve --idle-stop` seconds ([`DEFAULT_IDLE_STOP`]).

use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use super::reply::{ApiError, ApiJson, api_words};
use super::requests::{RunRequest, TrainRequest};
use super::run_end::{Cause, RunEnd};
use super::runs::next_run_name;
use super::state::{ModelChoice, SharedState};
use super::web_observer::WebObserver;
use crate::artifacts::ArtifactDir;
use crate::model::choice_name;
use crate::train::{Checkpoints, TrainingConfig, interrupt, shared};

/// A run that no page has followed for this long is stopped (its checkpoint remains), unless
/// `serve --idle-stop` says otherwise.
pub const DEFAULT_IDLE_STOP: Duration = Duration::from_secs(60);

/// `POST /api/train`: starts a run with these settings in a run directory of its own (202),
/// unless one runs (409).
pub async fn start(
    State(state): State<SharedState>,
    ApiJson(request): ApiJson<TrainRequest>,
) -> std::result::Result<(StatusCode, Json<Value>), ApiError> {
    let config = request.checked()?;
    let epochs = config.epochs;
    let engine = choice_name(config.engine);
    let name = launch(&state, None, Job::Fresh(config))?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "started": true, "run": name, "epochs": epochs, "engine": engine })),
    ))
}

/// `POST /api/train/resume`: continues an interrupted run of the page from its last epoch
/// (202), unless one runs (409) or it cannot be resumed (409).
pub async fn resume(
    State(state): State<SharedState>,
    ApiJson(request): ApiJson<RunRequest>,
) -> std::result::Result<(StatusCode, Json<Value>), ApiError> {
    let name = request.run_name()?;
    let dir = ArtifactDir::new(state.runs_root().join(&name));
    if !dir.root().is_dir() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("run: no run named {name}"),
        ));
    }
    let point = Checkpoints::new(dir.root())
        .resume_point()
        .map_err(|e| ApiError::conflict(format!("run: {name} cannot be resumed ({e})")))?;
    let name = launch(&state, Some(name), Job::Resume)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "started": true, "run": name, "from_epoch": point.epoch + 1 })),
    ))
}

/// What a run from the page does.
enum Job {
    /// A new run with these settings.
    Fresh(TrainingConfig),
    /// The interrupted run of its directory, continued.
    Resume,
}

/// Takes the one training slot and starts `job` in a thread, in the run directory `name` (a
/// new one when `None`); returns the run's name.
fn launch(
    state: &SharedState,
    name: Option<String>,
    job: Job,
) -> std::result::Result<String, ApiError> {
    let name = {
        let mut training = state.training.lock().expect("training lock");
        if *training {
            return Err(ApiError::conflict(
                "a run is in progress; stop it first (POST /api/train/stop)",
            ));
        }
        let name = match name {
            Some(name) => name,
            None => next_run_name(&state.runs_root())
                .map_err(|e| ApiError::internal(format!("cannot make the run's directory: {e}")))?,
        };
        *training = true;
        *state.stop_cause.lock().expect("stop cause lock") = None;
        state.history.lock().expect("history lock").clear();
        *state.units.lock().expect("units lock") = None;
        name
    };
    *state.last_follower.lock().expect("follower lock") = Instant::now();
    interrupt::clear_stop();
    let worker = state.clone();
    let run_name = name.clone();
    let spawned = std::thread::Builder::new()
        .name("serve-training".into())
        .spawn(move || run(worker, run_name, job));
    if let Err(e) = spawned {
        *state.training.lock().expect("training lock") = false;
        return Err(ApiError::internal(format!("cannot start the run: {e}")));
    }
    Ok(name)
}

fn run(state: SharedState, name: String, job: Job) {
    let dir = ArtifactDir::new(state.runs_root().join(&name));
    let observer = shared(WebObserver::new(state.clone(), name.clone()));
    // A panic in the worker ends the run with its message, never with a silent, stuck slot.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::backend::on_compute_pool(|| match &job {
            Job::Fresh(config) => {
                crate::run::train(config, &state.data, &state.device, &dir, observer)
            }
            Job::Resume => crate::run::resume(&state.data, &state.device, &dir, observer),
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
    let requested = state.stop_cause.lock().expect("stop cause lock").take();
    let (end, mut last_event) = match outcome {
        Ok(outcome) => {
            let last = outcome.last();
            let end = RunEnd::new(&name, Cause::Finished, outcome.epochs.len());
            // The model in use stays until its user picks another; with none usable yet (a
            // page started before any `train`), the first finished run becomes it.
            let adopted = !state.chosen_dir().model_path().is_file();
            if adopted {
                state.choose(ModelChoice::Run(name.clone()));
            }
            let event = json!({
                "type": "saved",
                "run": name,
                "test_accuracy": last.test_accuracy,
                "epochs": outcome.epochs.len(),
                "seconds": outcome.seconds,
                "artifact_dir": dir.root().display().to_string(),
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
    let mut training = state.training.lock().expect("training lock");
    state.publish(last_event);
    *training = false;
}

/// `POST /api/train/stop`: asks the run to stop at the next batch (200), or 409 with none.
pub async fn stop(State(state): State<SharedState>) -> std::result::Result<Json<Value>, ApiError> {
    if !*state.training.lock().expect("training lock") {
        return Err(ApiError::conflict("no run in progress"));
    }
    state
        .stop_cause
        .lock()
        .expect("stop cause lock")
        .get_or_insert(Cause::StoppedByUser);
    interrupt::request_stop();
    Ok(Json(json!({ "stopping": true })))
}

/// `GET /api/train/events`: the events of the current (or last) run so far, then live ones.
pub async fn events(
    State(state): State<SharedState>,
) -> Sse<impl Stream<Item = std::result::Result<Event, Infallible>>> {
    let receiver = state.events.subscribe();
    let past: Vec<String> = state.history.lock().expect("history lock").clone();
    let live = stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(text) => return Some((text, receiver)),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let all = stream::iter(past)
        .chain(live)
        .map(|text| Ok(Event::default().data(text)));
    Sse::new(all).keep_alive(KeepAlive::default())
}

/// Stops a run that no page has followed for the state's idle time; checks every second.
pub async fn idle_watch(state: SharedState) {
    let idle_stop = state.idle_stop;
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let followed = state.events.receiver_count() > 0;
        let mut last = state.last_follower.lock().expect("follower lock");
        if followed {
            *last = Instant::now();
        } else if *state.training.lock().expect("training lock")
            && last.elapsed() >= idle_stop
            && !interrupt::stop_requested()
        {
            *state.stop_cause.lock().expect("stop cause lock") =
                Some(Cause::StoppedIdle(idle_stop.as_secs()));
            interrupt::request_stop();
            state.publish(json!({ "type": "idle", "message": format!(
                "no page followed the run for {} s: stopping it", idle_stop.as_secs()) }));
        }
    }
}
