//! Per-epoch checkpoints under `<artifact-dir>/checkpoint/`, so an interrupted run can resume:
//! `config.json` (the run's settings), `metrics.csv` (the epochs completed) and
//! `model-<epoch>.bpk` for the last two epochs (plus Burn's optimizer and scheduler records
//! for the Learner). [`CheckpointWriter`] keeps them as a run goes.

use std::fs;
use std::path::{Path, PathBuf};

use burn::store::ModuleRecord;
use burn::tensor::Bytes;

use super::config::{Engine, TrainingConfig};
use super::metrics::{EpochMetrics, load_metrics_csv, save_metrics_csv};
use super::observer::{RunObserver, RunStart};
use crate::error::{Error, Result};
use crate::files::{read_regular, write_atomic};
use crate::limits::MAX_WEIGHTS_FILE;
use crate::model::{Mlp, record_bytes};

/// Checkpoints kept: the last completed epoch, and the one before in case the last one was
/// being written when the process died.
pub const KEEP: usize = 2;

/// Where a run can pick up again.
#[derive(Debug)]
pub struct ResumePoint {
    /// The interrupted run's settings.
    pub config: TrainingConfig,
    /// The epochs it completed, up to and including `epoch`.
    pub epochs: Vec<EpochMetrics>,
    /// The last epoch whose checkpoint loads.
    pub epoch: usize,
}

/// The checkpoint directory of an artifact directory.
#[derive(Debug, Clone)]
pub struct Checkpoints {
    dir: PathBuf,
}

impl Checkpoints {
    /// `<artifact_dir>/checkpoint`.
    pub fn new(artifact_dir: &Path) -> Self {
        Self {
            dir: artifact_dir.join("checkpoint"),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The model checkpoint of `epoch`.
    pub fn model_path(&self, epoch: usize) -> PathBuf {
        self.dir.join(format!("model-{epoch}.bpk"))
    }

    fn config_path(&self) -> PathBuf {
        self.dir.join("config.json")
    }

    fn metrics_path(&self) -> PathBuf {
        self.dir.join("metrics.csv")
    }

    /// Starts a fresh run: forgets any earlier checkpoints and records `config`.
    pub fn start(&self, config: &TrainingConfig) -> Result<()> {
        if self.dir.exists() {
            fs::remove_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        }
        fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        config.save_json(&self.config_path())
    }

    /// Records the epochs completed so far.
    pub fn record(&self, epochs: &[EpochMetrics]) -> Result<()> {
        save_metrics_csv(epochs, &self.metrics_path())
    }

    /// Writes `model-<epoch>.bpk` and drops the one [`KEEP`] epochs older.
    pub fn save_model(&self, model: &Mlp, epoch: usize) -> Result<()> {
        let path = self.model_path(epoch);
        write_atomic(&path, &record_bytes(model, &path)?)?;
        if let Some(old) = epoch.checked_sub(KEEP) {
            let _ = fs::remove_file(self.model_path(old));
        }
        Ok(())
    }

    /// The run is complete: its checkpoints are no longer needed.
    pub fn finish(&self) -> Result<()> {
        if self.dir.exists() {
            fs::remove_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        }
        Ok(())
    }

    /// The settings and completed epochs recorded here, whether or not a checkpoint loads
    /// (`None` when no run has started here).
    pub fn recorded(&self) -> Option<(TrainingConfig, Vec<EpochMetrics>)> {
        let config = TrainingConfig::load_json(&self.config_path()).ok()?;
        let epochs = load_metrics_csv(&self.metrics_path()).unwrap_or_default();
        Some((config, epochs))
    }

    /// The latest epoch with a loadable model checkpoint and its recorded metrics.
    pub fn resume_point(&self) -> Result<ResumePoint> {
        let nothing = |reason: &str| Error::Artifact {
            path: self.dir.clone(),
            reason: format!("{reason}; nothing to resume (start a run without --resume)"),
        };
        if !self.config_path().exists() {
            return Err(nothing("no interrupted run here"));
        }
        let config = TrainingConfig::load_json(&self.config_path())?;
        let mut epochs = load_metrics_csv(&self.metrics_path())
            .map_err(|_| nothing("no completed epoch recorded"))?;
        while let Some(last) = epochs.last() {
            let epoch = last.epoch;
            // The Learner also restores its optimizer and scheduler records.
            let learner_files = ["optim", "scheduler"]
                .iter()
                .all(|name| self.dir.join(format!("{name}-{epoch}.bpk")).is_file());
            let complete = config.engine == Engine::Manual || learner_files;
            if complete && loads(&self.model_path(epoch)) {
                return Ok(ResumePoint {
                    config,
                    epochs,
                    epoch,
                });
            }
            epochs.pop(); // its checkpoint is missing or was cut short
        }
        Err(nothing("no loadable checkpoint"))
    }
}

/// True when `path` is a regular file holding a burnpack record (never reads a device).
fn loads(path: &Path) -> bool {
    read_regular(path, MAX_WEIGHTS_FILE)
        .ok()
        .is_some_and(|bytes| ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes)).is_ok())
}

/// The observer that keeps the checkpoints of a run: the settings when it starts (a fresh run
/// forgets older checkpoints), the completed epochs (and the model, where the engine gives it)
/// after each epoch (the manual engine's model: the Learner checkpoints its own), and nothing once the run has finished and saved its artifacts.
#[derive(Debug, Clone)]
pub struct CheckpointWriter {
    checkpoints: Checkpoints,
    epochs: Vec<EpochMetrics>,
    /// The run's engine, once started.
    engine: Option<Engine>,
}

impl CheckpointWriter {
    /// A writer for `checkpoints`.
    pub fn new(checkpoints: Checkpoints) -> Self {
        Self {
            checkpoints,
            epochs: Vec::new(),
            engine: None,
        }
    }
}

impl RunObserver for CheckpointWriter {
    fn started(&mut self, start: &RunStart) -> Result<()> {
        self.epochs = start.done.clone();
        self.engine = Some(start.config.engine);
        if start.done.is_empty() {
            self.checkpoints.start(&start.config)?;
        }
        Ok(())
    }

    fn epoch_done(&mut self, metrics: &EpochMetrics, model: Option<&Mlp>) -> Result<()> {
        // Burn's Learner writes its own model checkpoint, with its optimizer's records.
        if let Some(model) = model.filter(|_| self.engine == Some(Engine::Manual)) {
            self.checkpoints.save_model(model, metrics.epoch)?;
        }
        self.epochs.push(*metrics);
        self.checkpoints.record(&self.epochs)
    }

    fn finished(&mut self, _epochs: &[EpochMetrics]) -> Result<()> {
        self.checkpoints.finish()
    }
}
