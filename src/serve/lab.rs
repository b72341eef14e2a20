//! One lab: what one person's page works on. Without `--class` the server has one, in the
//! artifact directory; in class mode each student (and the teacher) has their own, under
//! `<artifact-dir>/class/`. A lab holds its runs (`runs/run-N`), the model its page uses, the
//! events of its current run, and its study; nothing in it is shared with another lab but the
//! artifact directory's own model, which every lab may use and none may change.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use burn::prelude::Device;
use tokio::sync::broadcast;

use crate::artifacts::ArtifactDir;
use crate::backward::Matrix;
use crate::model::Mlp;
use crate::train::TrainingConfig;

/// Events kept for a page that connects while a run is going (enough for a long run's epochs
/// and its progress reports).
pub const EVENT_HISTORY: usize = 4_096;

/// The folder of a lab where each run started from its page gets its own directory (`run-1`,
/// `run-2`, …), so no run overwrites another model.
pub const RUNS_DIR: &str = "runs";

/// How the API names the artifact directory's own model.
pub const MAIN_NAME: &str = "artifacts";

/// Most first-layer units a run's snapshot keeps (the page draws one 28×28 tile each).
pub const MAX_LIVE_UNITS: usize = 256;

/// The model a page uses, with its settings and its predictions on the test set (found once,
/// on first use).
pub struct LoadedModel {
    pub config: TrainingConfig,
    pub model: Mlp,
    /// The class it predicts for each test image, found on first use.
    pub predictions: Mutex<Option<Arc<Vec<usize>>>>,
}

/// A model a page can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelChoice {
    /// The artifact directory's own model (`backprop train` writes it).
    Main,
    /// One of the lab's runs, by its directory name under [`RUNS_DIR`].
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

/// The first layer of a run after one of its epochs.
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

/// Where the lab's run stands. Only the scheduler changes it (`scheduler.rs`).
#[derive(Debug, Clone, Default)]
pub enum RunState {
    /// No run of this lab is queued or training.
    #[default]
    Idle,
    /// The run `name` waits for a training slot.
    Queued { name: String },
    /// The run `name` trains; `stop` asks it to stop at its next batch.
    Running { name: String, stop: Arc<AtomicBool> },
}

impl RunState {
    /// The run queued or training, if any.
    pub fn name(&self) -> Option<&str> {
        match self {
            RunState::Idle => None,
            RunState::Queued { name } | RunState::Running { name, .. } => Some(name),
        }
    }

    /// The run training now, if any.
    pub fn running(&self) -> Option<&str> {
        match self {
            RunState::Running { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// One person's lab.
pub struct Lab {
    /// Its directory: `runs/` and `study/` are under it.
    pub root: PathBuf,
    /// The artifact directory (its model is the one named [`MAIN_NAME`]).
    pub main: ArtifactDir,
    /// The model the page uses (Draw, Backward), once loaded; `None` again after the choice
    /// changes.
    pub model: Mutex<Option<Arc<LoadedModel>>>,
    /// Which model the page uses: the artifact directory's own, or one of the lab's runs.
    pub choice: Mutex<ModelChoice>,
    /// Its run, queued or training.
    pub run: Mutex<RunState>,
    /// Why the run in progress was asked to stop, so that its end says so.
    pub stop_cause: Mutex<Option<super::run_end::Cause>>,
    /// Each event of the current (or last) run, as JSON, for late subscribers.
    pub history: Mutex<Vec<String>>,
    /// Live events: every page following the run holds a receiver.
    pub events: broadcast::Sender<String>,
    /// The first layer's units after the run's latest epoch (none before its first).
    pub units: Mutex<Option<Arc<LiveUnits>>>,
    /// The last moment a page was following the run (for the idle stop).
    pub last_follower: Mutex<Instant>,
}

impl Lab {
    /// A lab in `root` whose page starts on the model of `main`.
    pub fn new(root: PathBuf, main: ArtifactDir) -> Self {
        let (events, _) = broadcast::channel(EVENT_HISTORY);
        Self {
            root,
            main,
            model: Mutex::new(None),
            choice: Mutex::new(ModelChoice::Main),
            run: Mutex::new(RunState::Idle),
            stop_cause: Mutex::new(None),
            history: Mutex::new(Vec::new()),
            events,
            units: Mutex::new(None),
            last_follower: Mutex::new(Instant::now()),
        }
    }

    /// Publishes one event of the run to the pages following it, and keeps it for later ones.
    pub fn publish(&self, event: serde_json::Value) {
        let text = event.to_string();
        let kind = event["type"].as_str().unwrap_or_default();
        let mut history = self.history.lock().expect("history lock");
        // A page that joins later needs the run's start, every epoch and its end, not every
        // progress step or place in the queue: only the latest of each is kept. A very long run drops its oldest
        // epochs (never its start), so that its end is always kept: without it, a page that
        // lost its stream and came back would wait for an end that never comes.
        if matches!(kind, "progress" | "queued")
            && history
                .last()
                .is_some_and(|last| last.contains(&format!("\"type\":\"{kind}\"")))
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

    /// Forgets the last run's events, units and stop cause, before a new run.
    pub fn clear_last_run(&self) {
        self.history.lock().expect("history lock").clear();
        *self.units.lock().expect("units lock") = None;
        *self.stop_cause.lock().expect("stop cause lock") = None;
        *self.last_follower.lock().expect("follower lock") = Instant::now();
    }

    /// A snapshot of where its run stands.
    pub fn run_state(&self) -> RunState {
        self.run.lock().expect("run lock").clone()
    }

    /// Asks its training run to stop at the next batch; false when none trains.
    pub fn request_stop(&self) -> bool {
        match &*self.run.lock().expect("run lock") {
            RunState::Running { stop, .. } => {
                stop.store(true, Ordering::SeqCst);
                true
            }
            _ => false,
        }
    }

    /// Where its runs go: `<root>/runs/`.
    pub fn runs_root(&self) -> PathBuf {
        self.root.join(RUNS_DIR)
    }

    /// Where its page's study writes its tables and figure.
    pub fn study_dir(&self) -> PathBuf {
        self.root.join("study")
    }

    /// The artifact directory of `choice`.
    pub fn dir_of(&self, choice: &ModelChoice) -> ArtifactDir {
        match choice {
            ModelChoice::Main => self.main.clone(),
            ModelChoice::Run(name) => ArtifactDir::new(self.runs_root().join(name)),
        }
    }

    /// The artifact directory of the model the page uses.
    pub fn chosen_dir(&self) -> ArtifactDir {
        self.dir_of(&self.choice.lock().expect("choice lock"))
    }

    /// The name of the model the page uses.
    pub fn chosen_name(&self) -> String {
        self.choice.lock().expect("choice lock").name().to_string()
    }

    /// Makes `choice` the page's model (loaded on next use).
    pub fn choose(&self, choice: ModelChoice) {
        let mut slot = self.model.lock().expect("model lock");
        *self.choice.lock().expect("choice lock") = choice;
        *slot = None;
    }

    /// The model the page uses, loaded on first use.
    pub fn loaded_model(&self, device: &Device) -> crate::Result<Arc<LoadedModel>> {
        let mut slot = self.model.lock().expect("model lock");
        if let Some(model) = slot.as_ref() {
            return Ok(model.clone());
        }
        let (config, model) = self.chosen_dir().load_model(device)?;
        let loaded = Arc::new(LoadedModel {
            config,
            model,
            predictions: Mutex::new(None),
        });
        *slot = Some(loaded.clone());
        Ok(loaded)
    }
}

/// A lab shared by the requests of its person.
pub type SharedLab = Arc<Lab>;
