//! The Train panel's API: one run at a time in a thread of its own, each in a run directory of
//! its own (`runs/run-N`, see `runs.rs`), or an interrupted one resumed; its events published to
//! every page following it (Server-Sent Events), a stop on request, and a stop when no page
//! has followed it for `serve --idle-stop` seconds ([`DEFAULT_IDLE_STOP`]).

use std::convert::Infallible;
use std::sync::Arc;
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
use super::runs::next_run_name;
use super::state::{AppState, LiveUnits, MAX_LIVE_UNITS, ModelChoice, SharedState};
use crate::artifacts::ArtifactDir;
use crate::backward::{Matrix, first_layer_units};
use crate::data::MnistBatch;
use crate::error::Result;
use crate::model::{Mlp, choice_name};
use crate::study::layer_stats;
use crate::train::{
    Checkpoints, Divergence, EpochMetrics, Pass, Progress, RunObserver, RunStart, TrainingConfig,
    WarmUp, interrupt, shared,
};

/// A run that no page has followed for this long is stopped (its checkpoint remains), unless
/// `serve --idle-stop` says otherwise.
pub const DEFAULT_IDLE_STOP: Duration = Duration::from_secs(60);

/// Training images of the batch ‖dW_l‖ is measured on after each epoch.
const PROBE_IMAGES: usize = 256;

/// Progress events per pass of an epoch (about; the page needs no more to draw a bar).
const PROGRESS_EVENTS: usize = 20;

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
    let outcome = crate::backend::on_compute_pool(|| match &job {
        Job::Fresh(config) => crate::run::train(config, &state.data, &state.device, &dir, observer),
        Job::Resume => crate::run::resume(&state.data, &state.device, &dir, observer),
    });
    let last_event = match outcome {
        Ok(outcome) => {
            // The new model is the page's now (Draw, Backward); the others stay listed.
            state.choose(ModelChoice::Run(name.clone()));
            let last = outcome.last();
            json!({
                "type": "saved",
                "run": name,
                "test_accuracy": last.test_accuracy,
                "epochs": outcome.epochs.len(),
                "seconds": outcome.seconds,
                "artifact_dir": dir.root().display().to_string(),
            })
        }
        Err(crate::Error::Interrupted { epoch, .. }) => json!({
            "type": "stopped",
            "run": name,
            "epoch": epoch,
            "message": if epoch == 0 {
                format!("Stopped before the first epoch ended: {name} has nothing to resume.")
            } else {
                format!("Stopped after epoch {epoch}: {name} keeps its checkpoint and can be resumed.")
            },
        }),
        Err(error) => json!({
            "type": "failed",
            "run": name,
            "message": api_words(&error.to_string()),
        }),
    };
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
            interrupt::request_stop();
            state.publish(json!({ "type": "idle", "message": format!(
                "no page followed the run for {} s: stopping it", idle_stop.as_secs()) }));
        }
    }
}

/// Turns a run's observer events into JSON events for the pages.
struct WebObserver {
    state: Arc<AppState>,
    /// The run's directory name.
    name: String,
    probe: MnistBatch,
    lr: f64,
    next_report: usize,
    warm_up: Option<f64>,
    /// The first layer's units when the run started.
    start_units: Option<Matrix>,
}

impl WebObserver {
    fn new(state: SharedState, name: String) -> Self {
        let images = PROBE_IMAGES.min(state.data.train.len());
        let probe = MnistBatch::from_range(&state.data.train, 0..images, &state.device);
        Self {
            state,
            name,
            probe,
            lr: 0.0,
            next_report: 0,
            warm_up: None,
            start_units: None,
        }
    }

    /// Keeps the first layer's units of `model` after `epoch` (0: at the start) for the page.
    fn keep_units(&mut self, epoch: usize, model: &Mlp) {
        let weights = first_layer_units(model, MAX_LIVE_UNITS);
        let start = self.start_units.get_or_insert_with(|| weights.clone());
        let change = weights.minus(start);
        let units = model.layers().next().map_or(0, |l| l.weight.dims()[1]);
        *self.state.units.lock().expect("units lock") = Some(Arc::new(LiveUnits {
            epoch,
            units,
            weights,
            change,
        }));
    }

    /// ‖dW_l‖ of `model` on the probe batch, input side first.
    fn gradient_norms(&self, model: &Mlp) -> Vec<f64> {
        layer_stats(model, std::slice::from_ref(&self.probe), self.lr)
            .iter()
            .map(|s| s.grad_norm)
            .collect()
    }
}

impl RunObserver for WebObserver {
    fn started(&mut self, start: &RunStart) -> Result<()> {
        self.lr = start.config.lr;
        self.start_units = None;
        self.keep_units(start.first_epoch() - 1, &start.model);
        let model = &start.config.model;
        self.state.publish(json!({
            "type": "started",
            "run": self.name,
            "first_epoch": start.first_epoch(),
            "widths": model.widths(),
            "activation": choice_name(model.activation),
            "head": choice_name(model.head),
            "engine": choice_name(start.config.engine),
            "epochs": start.config.epochs,
            "train_images": start.train_images,
            "test_images": start.test_images,
            "steps_per_epoch": start.steps_per_epoch,
            "units": true,
        }));
        Ok(())
    }

    fn progress(&mut self, progress: &Progress) {
        if progress.batches == 0 {
            self.next_report = 0;
        }
        if progress.images < self.next_report && progress.images < progress.total {
            return;
        }
        self.next_report = progress.images + progress.total.div_ceil(PROGRESS_EVENTS);
        self.state.publish(json!({
            "type": "progress",
            "epoch": progress.epoch,
            "pass": if progress.pass == Pass::Train { "train" } else { "test" },
            "images": progress.images,
            "total": progress.total,
        }));
    }

    fn warmed_up(&mut self, warm_up: &WarmUp) {
        self.warm_up = Some(warm_up.seconds).filter(|_| warm_up.noticeable());
    }

    fn epoch_done(&mut self, metrics: &EpochMetrics, model: Option<&Mlp>) -> Result<()> {
        let norms = model.map(|m| self.gradient_norms(m));
        if let Some(model) = model {
            self.keep_units(metrics.epoch, model);
        }
        self.state.publish(json!({
            "type": "epoch",
            "epoch": metrics.epoch,
            "train_loss": metrics.train_loss,
            "train_accuracy": metrics.train_accuracy,
            "test_loss": metrics.test_loss,
            "test_accuracy": metrics.test_accuracy,
            "seconds": metrics.seconds,
            "warm_up_seconds": self.warm_up.take(),
            "gradient_norms": norms,
            "units": model.is_some(),
        }));
        Ok(())
    }

    fn diverged(&mut self, divergence: &Divergence) {
        self.state.publish(json!({
            "type": "diverged",
            "epoch": divergence.epoch,
            "step": divergence.step,
        }));
    }
}
