//! Per-epoch checkpoints under `<artifact-dir>/checkpoint/`, so an interrupted run can resume:
//! `config.json` (the run's settings), `metrics.csv` (the epochs completed) and
//! `model-<epoch>.bpk` for the last two epochs (plus Burn's optimizer and scheduler records
//! for the Learner).

use std::fs;
use std::path::{Path, PathBuf};

use burn::store::ModuleRecord;

use super::{Engine, EpochMetrics, TrainingConfig};
use crate::artifacts::ArtifactDir;
use crate::error::{Error, Result};

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
    /// `<artifact-dir>/checkpoint`.
    pub fn new(artifacts: &ArtifactDir) -> Self {
        Self {
            dir: artifacts.root().join("checkpoint"),
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

    fn metrics(&self) -> ArtifactDir {
        ArtifactDir::new(&self.dir)
    }

    /// Starts a fresh run: forgets any earlier checkpoints and records `config`.
    pub fn start(&self, config: &TrainingConfig) -> Result<()> {
        if self.dir.exists() {
            fs::remove_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        }
        fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        ArtifactDir::new(&self.dir).save_config(config)
    }

    /// Records the epochs completed so far.
    pub fn record(&self, epochs: &[EpochMetrics]) -> Result<()> {
        self.metrics().save_metrics(epochs)
    }

    /// The run is complete: its checkpoints are no longer needed.
    pub fn finish(&self) -> Result<()> {
        if self.dir.exists() {
            fs::remove_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        }
        Ok(())
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
        let config = self.metrics().load_config()?;
        let mut epochs = self
            .metrics()
            .load_metrics()
            .map_err(|_| nothing("no completed epoch recorded"))?;
        while let Some(last) = epochs.last() {
            let epoch = last.epoch;
            // The Learner also restores its optimizer and scheduler records.
            let learner_files = ["optim", "scheduler"]
                .iter()
                .all(|name| self.dir.join(format!("{name}-{epoch}.bpk")).is_file());
            let complete = config.engine == Engine::Manual || learner_files;
            if complete && ModuleRecord::load(self.model_path(epoch)).is_ok() {
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
