//! The artifact directory: `config.json`, `model.bpk` (Burn's burnpack record) and
//! `metrics.csv`. Every file is written to a temporary name and renamed into place, so a
//! reader never sees half a file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use burn::prelude::*;
use burn::store::ModuleRecord;

use crate::error::{Error, Result};
use crate::model::{Mlp, MlpConfig};
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

    /// Creates the directory (and its parents) if needed.
    pub fn create(&self) -> Result<()> {
        if self.root.exists() && !self.root.is_dir() {
            return Err(Error::Artifact {
                path: self.root.clone(),
                reason: "exists and is not a directory; --artifact-dir needs a directory".into(),
            });
        }
        fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))
    }

    /// Writes `config.json`.
    pub fn save_config(&self, config: &TrainingConfig) -> Result<()> {
        let json = serde_json::to_vec_pretty(config).map_err(|e| Error::Artifact {
            path: self.config_path(),
            reason: e.to_string(),
        })?;
        write_atomic(&self.config_path(), &json)
    }

    /// Reads `config.json`.
    pub fn load_config(&self) -> Result<TrainingConfig> {
        let path = self.config_path();
        let text = fs::read_to_string(&path).map_err(|e| missing_or_io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::Artifact {
            path,
            reason: format!("not a backprop training config ({e})"),
        })
    }

    /// Writes the model's parameters to `model.bpk`.
    pub fn save_model(&self, model: &Mlp) -> Result<()> {
        let path = self.model_path();
        let bytes = model
            .clone()
            .into_record()
            .into_bytes()
            .map_err(|e| Error::Artifact {
                path: path.clone(),
                reason: format!("cannot encode the model ({e})"),
            })?;
        write_atomic(&path, &bytes)
    }

    /// Builds the model of `config.json` on `device` and loads `model.bpk` into it.
    pub fn load_model(&self, device: &Device) -> Result<(TrainingConfig, Mlp)> {
        let config = self.load_config()?;
        let model = load_record(&config.model, &self.model_path(), device)?;
        Ok((config, model))
    }

    /// Writes `metrics.csv`: `epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds`.
    pub fn save_metrics(&self, epochs: &[EpochMetrics]) -> Result<()> {
        let mut csv = String::from(EpochMetrics::CSV_HEADER);
        csv.push('\n');
        for epoch in epochs {
            csv.push_str(&epoch.csv_row());
            csv.push('\n');
        }
        write_atomic(&self.metrics_path(), csv.as_bytes())
    }
}

impl ArtifactDir {
    /// Reads `metrics.csv` back.
    pub fn load_metrics(&self) -> Result<Vec<EpochMetrics>> {
        let path = self.metrics_path();
        let text = fs::read_to_string(&path).map_err(|e| missing_or_io(&path, e))?;
        let bad = |line: usize, why: &str| Error::Artifact {
            path: path.clone(),
            reason: format!("line {line}: {why}"),
        };
        let mut lines = text.lines();
        if lines.next() != Some(EpochMetrics::CSV_HEADER) {
            return Err(bad(
                1,
                &format!("expected the header '{}'", EpochMetrics::CSV_HEADER),
            ));
        }
        lines
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| {
                EpochMetrics::from_csv_row(line).ok_or_else(|| bad(i + 2, "expected 6 numbers"))
            })
            .collect()
    }
}

/// Builds `model`'s architecture on `device` and loads the burnpack record at `path` into it;
/// the error names the file and says whether it is missing, not a record, or another shape.
pub fn load_record(model: &MlpConfig, path: &Path, device: &Device) -> Result<Mlp> {
    let bytes = fs::read(path).map_err(|e| missing_or_io(path, e))?;
    let unfit = |reason: String| Error::Artifact {
        path: path.to_path_buf(),
        reason,
    };
    let record = ModuleRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes))
        .map_err(|e| unfit(format!("not a burnpack model record ({e})")))?;
    model.init(device).try_load_record(record).map_err(|e| {
        unfit(format!(
            "does not fit the architecture in config.json ({e})"
        ))
    })
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk, then renames it over
/// `path`: a crash leaves either the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&temporary);
        Error::io(path, e)
    })
}

fn missing_or_io(path: &Path, error: std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::NotFound {
        Error::Artifact {
            path: path.to_path_buf(),
            reason: "not found; run `backprop train` first or pass --artifact-dir".into(),
        }
    } else {
        Error::io(path, error)
    }
}
