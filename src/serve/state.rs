//! What the server holds between requests: the dataset (loaded once), the device, the model of
//! the artifact directory (reloaded after a run), the one training run, and its events.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use burn::prelude::Device;
use tokio::sync::broadcast;

use crate::artifacts::ArtifactDir;
use crate::backend::Backend;
use crate::backward::Matrix;
use crate::data::Mnist;
use crate::model::Mlp;
use crate::train::TrainingConfig;

/// Events kept for a page that connects while a run is going (enough for a long run's epochs
/// and its progress reports).
pub const EVENT_HISTORY: usize = 4_096;

/// The model the page uses, with its settings and its predictions on the test set (found
/// once, on first use).
pub struct LoadedModel {
    pub config: TrainingConfig,
    pub model: Mlp,
    /// The class it predicts for each test image, found on first use.
    pub predictions: Mutex<Option<Arc<Vec<usize>>>>,
}

/// The folder of the artifact directory where each run started from the page gets its own
/// directory (`run-1`, `run-2`, …), so no run overwrites another model.
pub const RUNS_DIR: &str = "runs";

/// A model the page can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelChoice {
    /// The artifact directory's own model (`backprop train` writes it).
    Main,
    /// One of the page's runs, by its directory name under [`RUNS_DIR`].
    Run(String),
}

impl ModelChoice {
    /// `artifacts` for the main model, the run's name otherwise.
    pub fn name(&self) -> &str {
        match self {
            ModelChoice::Main => MAIN_NAME,
            ModelChoice::Run(name) => name,
        }
    }
}

/// How the API names the artifact directory's own model.
pub const MAIN_NAME: &str = "artifacts";

/// Most first-layer units a run's snapshot keeps (the page draws one 28×28 tile each).
pub const MAX_LIVE_UNITS: usize = 256;

/// The first layer of a run from the page after one of its epochs.
pub struct LiveUnits {
    /// The epoch just completed (0: the run's starting weights).
    pub epoch: usize,
    /// Units of the first layer (only the first [`MAX_LIVE_UNITS`] are kept).
    pub units: usize,
    /// Their weights, `[min(units, MAX_LIVE_UNITS), inputs]`: row j is unit j's picture.
    pub weights: Matrix,
    /// What training has added since the run started: W1 − W1 at the start, same shape.
    pub change: Matrix,
}

/// Where the running report stands.
#[derive(Debug, Clone, Copy)]
pub struct ReportProgress {
    /// Networks done, of `total` (0 of 0 before the first line).
    pub done: usize,
    pub total: usize,
    /// Seconds since the report started.
    pub elapsed_seconds: f64,
    /// Its whole time at the pace so far.
    pub projected_seconds: f64,
}

impl ReportProgress {
    /// Before the report's first progress line.
    pub fn starting() -> Self {
        Self {
            done: 0,
            total: 0,
            elapsed_seconds: 0.0,
            projected_seconds: 0.0,
        }
    }

    /// `done` of `total` after `elapsed`.
    pub fn at(done: usize, total: usize, elapsed: std::time::Duration) -> Self {
        let elapsed_seconds = elapsed.as_secs_f64();
        Self {
            done,
            total,
            elapsed_seconds,
            projected_seconds: elapsed_seconds / done as f64 * total as f64,
        }
    }
}

/// The server's state, shared by every request.
pub struct AppState {
    pub artifacts: ArtifactDir,
    pub data: Arc<Mnist>,
    pub data_dir: std::path::PathBuf,
    pub device: Device,
    pub backend: Backend,
    /// The model the page uses (Draw, Backward), once loaded; `None` again after the choice
    /// changes or a run writes a new one.
    pub model: Mutex<Option<Arc<LoadedModel>>>,
    /// Which model the page uses: the artifact directory's own, or one of the page's runs.
    pub choice: Mutex<ModelChoice>,
    /// True while a training run is going.
    pub training: Mutex<bool>,
    /// True while a gradient check or a study runs.
    pub report_running: Mutex<bool>,
    /// Where the running report stands, from its progress lines.
    pub report_progress: Mutex<Option<ReportProgress>>,
    /// Each event of the current (or last) run, as JSON, for late subscribers.
    pub history: Mutex<Vec<String>>,
    /// Live events: every page following the run holds a receiver.
    pub events: broadcast::Sender<String>,
    /// The first layer's units after the run's latest epoch (none before its first).
    pub units: Mutex<Option<Arc<LiveUnits>>>,
    /// The last moment a page was following the run (for the idle stop).
    pub last_follower: Mutex<Instant>,
    /// Why the run in progress was asked to stop (its user, or no page following it), so that
    /// its end says so.
    pub stop_cause: Mutex<Option<super::run_end::Cause>>,
    /// How long a run may go on with no page following it.
    pub idle_stop: std::time::Duration,
    /// How long a client has to send a request's headers, and then its body.
    pub request_timeout: std::time::Duration,
}

pub type SharedState = Arc<AppState>;

impl AppState {
    pub fn new(
        artifacts: ArtifactDir,
        data: Mnist,
        data_dir: std::path::PathBuf,
        device: Device,
        backend: Backend,
        idle_stop: std::time::Duration,
        request_timeout: std::time::Duration,
    ) -> Self {
        let (events, _) = broadcast::channel(EVENT_HISTORY);
        Self {
            artifacts,
            data: Arc::new(data),
            data_dir,
            device,
            backend,
            model: Mutex::new(None),
            choice: Mutex::new(ModelChoice::Main),
            training: Mutex::new(false),
            report_running: Mutex::new(false),
            report_progress: Mutex::new(None),
            history: Mutex::new(Vec::new()),
            events,
            units: Mutex::new(None),
            last_follower: Mutex::new(Instant::now()),
            stop_cause: Mutex::new(None),
            idle_stop,
            request_timeout,
        }
    }

    /// Publishes one event of the run to the pages following it, and keeps it for later ones.
    pub fn publish(&self, event: serde_json::Value) {
        let text = event.to_string();
        let progress = event["type"] == "progress";
        let mut history = self.history.lock().expect("history lock");
        // A page that joins later needs the run's start, every epoch and its end, not every
        // progress step: only the latest progress is kept. A very long run drops its oldest
        // epochs (never its start), so that its end is always kept: without it, a page that
        // lost its stream and came back would wait for an end that never comes.
        if progress
            && history
                .last()
                .is_some_and(|last| last.contains("\"type\":\"progress\""))
        {
            history.pop();
        }
        if history.len() >= EVENT_HISTORY {
            history.remove(1);
        }
        history.push(text.clone());
        // No receiver is not an error: nobody is following.
        let _ = self.events.send(text);
    }

    /// Where the page's runs go: `<artifact-dir>/runs/`.
    pub fn runs_root(&self) -> std::path::PathBuf {
        self.artifacts.root().join(RUNS_DIR)
    }

    /// The artifact directory of `choice`.
    pub fn dir_of(&self, choice: &ModelChoice) -> ArtifactDir {
        match choice {
            ModelChoice::Main => self.artifacts.clone(),
            ModelChoice::Run(name) => ArtifactDir::new(self.runs_root().join(name)),
        }
    }

    /// The artifact directory of the model the page uses.
    pub fn chosen_dir(&self) -> ArtifactDir {
        self.dir_of(&self.choice.lock().expect("choice lock"))
    }

    /// Makes `choice` the page's model (loaded on next use).
    pub fn choose(&self, choice: ModelChoice) {
        let mut slot = self.model.lock().expect("model lock");
        *self.choice.lock().expect("choice lock") = choice;
        *slot = None;
    }

    /// The model the page uses, loaded on first use.
    pub fn loaded_model(&self) -> crate::Result<Arc<LoadedModel>> {
        let mut slot = self.model.lock().expect("model lock");
        if let Some(model) = slot.as_ref() {
            return Ok(model.clone());
        }
        let (config, model) = self.chosen_dir().load_model(&self.device)?;
        let loaded = Arc::new(LoadedModel {
            config,
            model,
            predictions: Mutex::new(None),
        });
        *slot = Some(loaded.clone());
        Ok(loaded)
    }
}
