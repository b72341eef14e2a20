//! The artifact directory: `config.json`, `model.bpk` (Burn's burnpack record) and
//! `metrics.csv`. Every file is written to a temporary name and renamed into place, so a
//! reader never sees half a file.

use std::fs;
use std::path::{Path, PathBuf};

use burn::prelude::*;

use crate::error::{Error, Result};
use crate::files::write_atomic;
use crate::model::{Mlp, load_record, record_bytes};
use crate::train::metrics::{load_metrics_csv, save_metrics_csv};
use crate::train::{EpochMetrics, TrainingConfig};

/// Default artifact directory, relative to the working directory.
pub const DEFAULT_DIR: &str = "artifacts";

/// Paths and readers/writers of one artifact directory.
#[derive(Debug, Clone)]
pub struct ArtifactDir {
    root: PathBuf,
}

impl ArtifactDir {
    /// The directory `root` (not created yet).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `config.json`: the [`TrainingConfig`] of the run.
    pub fn config_path(&self) -> PathBuf {
        self.root.join("config.json")
    }

    /// `model.bpk`: the trained parameters.
    pub fn model_path(&self) -> PathBuf {
        self.root.join("model.bpk")
    }

    /// `metrics.csv`: one row per epoch.
    pub fn metrics_path(&self) -> PathBuf {
        self.root.join("metrics.csv")
    }

    /// `curves.png`: loss and accuracy per epoch.
    pub fn curves_path(&self) -> PathBuf {
        self.root.join("curves.png")
    }

    /// Creates the directory (and its parents) if needed, and checks that each file a run
    /// writes there is absent or a regular file, so that a run does not fail at its end.
    pub fn create(&self) -> Result<()> {
        if self.root.exists() && !self.root.is_dir() {
            return Err(Error::Artifact {
                path: self.root.clone(),
                reason: "exists and is not a directory; --artifact-dir needs a directory".into(),
            });
        }
        fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        for path in [
            self.config_path(),
            self.model_path(),
            self.metrics_path(),
            self.curves_path(),
        ] {
            if path.exists() && !path.is_file() {
                return Err(Error::Artifact {
                    path,
                    reason: "exists and is not a regular file; a run writes this file".into(),
                });
            }
        }
        Ok(())
    }

    /// Writes `config.json`.
    pub fn save_config(&self, config: &TrainingConfig) -> Result<()> {
        config.save_json(&self.config_path())
    }

    /// Reads `config.json`.
    pub fn load_config(&self) -> Result<TrainingConfig> {
        TrainingConfig::load_json(&self.config_path())
    }

    /// Writes the model's parameters to `model.bpk`.
    pub fn save_model(&self, model: &Mlp) -> Result<()> {
        let path = self.model_path();
        write_atomic(&path, &record_bytes(model, &path)?)
    }

    /// Builds the model of `config.json` on `device` and loads `model.bpk` into it.
    pub fn load_model(&self, device: &Device) -> Result<(TrainingConfig, Mlp)> {
        let config = self.load_config()?;
        let model = load_record(&config.model, &self.model_path(), device)?;
        Ok((config, model))
    }

    /// Writes `metrics.csv`: `epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds`.
    pub fn save_metrics(&self, epochs: &[EpochMetrics]) -> Result<()> {
        save_metrics_csv(epochs, &self.metrics_path())
    }

    /// Reads `metrics.csv` back.
    pub fn load_metrics(&self) -> Result<Vec<EpochMetrics>> {
        load_metrics_csv(&self.metrics_path())
    }
}
