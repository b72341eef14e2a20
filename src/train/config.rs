//! Settings of one training run, saved as `config.json` in the artifact directory.

use std::path::Path;

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::files::{missing_or_io, read_regular_text, write_atomic};
use crate::limits::{MAX_BATCH_ACTIVATIONS, MAX_BATCH_SIZE, MAX_EPOCHS, MAX_TEXT_FILE, thousands};
use crate::model::MlpConfig;

/// How the parameters are updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// Burn's `Learner` with autodiff gradients and Burn's SGD optimizer.
    Learner,
    /// The lab's hand-derived gradients and plain SGD, on the plain device (no autodiff).
    Manual,
}

/// Everything that defines a training run (the lab's defaults).
#[derive(Config, Debug)]
pub struct TrainingConfig {
    /// The network.
    pub model: MlpConfig,
    /// Passes over the training set.
    #[config(default = 10)]
    pub epochs: usize,
    /// Examples per SGD step.
    #[config(default = 128)]
    pub batch_size: usize,
    /// SGD learning rate η.
    #[config(default = 0.05)]
    pub lr: f64,
    /// Seed of the weight initialisation and of the shuffling.
    #[config(default = 42)]
    pub seed: u64,
    /// Shuffle the training set each epoch (the lab keeps file order).
    #[config(default = false)]
    pub shuffle: bool,
    /// Stop after an epoch whose mean train accuracy (%) exceeds this.
    #[config(default = 99.0)]
    pub stop_above: f64,
    /// Use only the first N training images (all when absent).
    #[config(default = "None")]
    pub train_limit: Option<usize>,
    /// Update rule.
    #[config(default = "Engine::Learner")]
    pub engine: Engine,
    /// Clip each gradient tensor to this L2 norm before the update (Burn's gradient clipping).
    #[config(default = "None")]
    pub clip_grad_norm: Option<f64>,
    /// Start from the weights in this lab-layout safetensors file instead of a random init.
    #[config(default = "None")]
    pub init_from: Option<String>,
}

impl TrainingConfig {
    /// Writes the configuration as pretty JSON to `path` (atomically).
    pub fn save_json(&self, path: &Path) -> crate::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Artifact {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        write_atomic(path, &json)
    }

    /// Reads a configuration that [`TrainingConfig::save_json`] wrote.
    pub fn load_json(path: &Path) -> crate::Result<Self> {
        let text = read_regular_text(path, MAX_TEXT_FILE).map_err(|e| missing_or_io(path, e))?;
        let config: Self = serde_json::from_str(&text).map_err(|e| Error::Artifact {
            path: path.to_path_buf(),
            reason: format!("not a backprop training config ({e})"),
        })?;
        config.validate().map_err(|e| Error::Artifact {
            path: path.to_path_buf(),
            reason: format!("a setting is out of range ({e})"),
        })?;
        Ok(config)
    }

    /// Checks every setting; the error names the flag at fault.
    pub fn validate(&self) -> crate::Result<()> {
        self.model.validate()?;
        check_count("--epochs", self.epochs, MAX_EPOCHS)?;
        check_batch(self.batch_size, &self.model)?;
        check_sgd(self.lr, self.clip_grad_norm)?;
        if !(self.stop_above > 0.0 && self.stop_above <= 100.0) {
            return Err(Error::Config(format!(
                "--stop-above: must be in (0, 100], got {}",
                self.stop_above
            )));
        }
        if self.train_limit == Some(0) {
            return Err(Error::Config("--train-limit: must be at least 1".into()));
        }
        Ok(())
    }
}

/// Checks that `value` of `flag` is in `1..=max`.
pub fn check_count(flag: &str, value: usize, max: usize) -> crate::Result<()> {
    if value == 0 || value > max {
        return Err(Error::Config(format!(
            "{flag}: must be between 1 and {}, got {value}",
            thousands(max)
        )));
    }
    Ok(())
}

/// Checks `--batch-size` against [`MAX_BATCH_SIZE`] and, with the model's hidden widths,
/// against [`MAX_BATCH_ACTIVATIONS`] (shared by `train` and `study`).
pub fn check_batch(batch_size: usize, model: &MlpConfig) -> crate::Result<()> {
    check_count("--batch-size", batch_size, MAX_BATCH_SIZE)?;
    let units = model
        .hidden
        .iter()
        .fold(0usize, |sum, &w| sum.saturating_add(w));
    if batch_size.saturating_mul(units) > MAX_BATCH_ACTIVATIONS {
        return Err(Error::Config(format!(
            "--batch-size: {batch_size} × {units} hidden units is over the limit of {} activations per batch; use a smaller batch",
            thousands(MAX_BATCH_ACTIVATIONS)
        )));
    }
    Ok(())
}

/// Checks the SGD settings shared by `train` and `study`: `--lr` and `--clip-grad-norm` must be
/// finite and > 0.
pub fn check_sgd(lr: f64, clip_grad_norm: Option<f64>) -> crate::Result<()> {
    if !(lr.is_finite() && lr > 0.0) {
        return Err(Error::Config(format!(
            "--lr: must be a finite number > 0, got {lr:?}"
        )));
    }
    if let Some(norm) = clip_grad_norm
        && !(norm.is_finite() && norm > 0.0)
    {
        return Err(Error::Config(format!(
            "--clip-grad-norm: must be a finite number > 0, got {norm:?}"
        )));
    }
    Ok(())
}
