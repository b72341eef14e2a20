//! What an engine is given, and what it hands back.

use burn::prelude::*;

use super::checkpoint::Checkpoints;
use super::config::TrainingConfig;
use super::metrics::EpochMetrics;
use super::observer::SharedObserver;
use crate::data::{Batches, StagedSplit};
use crate::model::Mlp;

/// What an engine trains on, where, and whom it tells.
pub struct Job<'a> {
    /// The run's settings.
    pub config: &'a TrainingConfig,
    /// The training batches (batch size, order and `--train-limit` applied).
    pub train: &'a Batches,
    /// The test images, evaluated after each epoch.
    pub test: &'a StagedSplit,
    /// The plain (non-autodiff) device.
    pub device: &'a Device,
    /// Where the Learner keeps Burn's own checkpoints.
    pub checkpoints: &'a Checkpoints,
    /// Told every batch and epoch.
    pub observer: SharedObserver,
}

/// What an engine hands back when it stops without an error.
#[derive(Debug)]
pub struct Fit {
    /// The model, on the plain (non-autodiff) device.
    pub model: Mlp,
    /// Every completed epoch, those before a resume included.
    pub epochs: Vec<EpochMetrics>,
    /// True when a stop was requested before the last epoch.
    pub interrupted: bool,
}
