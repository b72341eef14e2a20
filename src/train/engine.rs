//! The two engines behind one call: Burn's `Learner` (autodiff + Burn's SGD) or the manual
//! engine (the lab's equations), with the same initial weights, batches, stopping rule and
//! events.

use burn::prelude::*;

use super::checkpoint::Checkpoints;
use super::config::{Engine, TrainingConfig};
use super::fit::{Fit, Job};
use super::learner;
use super::manual_engine;
use super::metrics::EpochMetrics;
use crate::data::{Batches, MnistSplit, Order, StagedSplit};
use crate::error::Result;
use crate::model::Mlp;

/// The training batches of `config` over `train`: its batch size, `--train-limit` and order.
pub fn training_batches(config: &TrainingConfig, train: &MnistSplit, device: &Device) -> Batches {
    let order = if config.shuffle {
        Order::Shuffled(config.seed)
    } else {
        Order::File
    };
    Batches::new(train, config.batch_size, config.train_limit, order, device)
}

/// [`training_batches`] over a split staged once for several runs: its first
/// `--train-limit` examples are views of it, not a copy.
pub fn staged_training_batches(
    config: &TrainingConfig,
    train: &StagedSplit,
    device: &Device,
) -> Batches {
    let order = if config.shuffle {
        Order::Shuffled(config.seed)
    } else {
        Order::File
    };
    let examples = config.train_limit.unwrap_or(train.len());
    Batches::from_staged(train.first(examples), config.batch_size, order, device)
}

/// Trains `model` (on the plain device) from epoch `done.len() + 1` to `config.epochs` with
/// `config.engine`, telling the job's observer every batch and epoch. Divergence is an
/// [`crate::Error::Diverged`]; an interruption is a [`Fit`] with `interrupted` set.
pub fn fit(job: &Job<'_>, model: Mlp, done: Vec<EpochMetrics>) -> Result<Fit> {
    match job.config.engine {
        Engine::Learner => learner::fit(job, model, done),
        Engine::Manual => manual_engine::fit(job, model, done),
    }
}

/// The model saved at `epoch` in `checkpoints` by `config.engine` (Burn's `Learner` records
/// its training wrapper, the manual engine the model itself).
pub fn load_checkpoint(
    config: &TrainingConfig,
    checkpoints: &Checkpoints,
    epoch: usize,
    device: &Device,
) -> Result<Mlp> {
    let path = checkpoints.model_path(epoch);
    match config.engine {
        Engine::Learner => learner::load_checkpoint(&config.model, &path, device),
        Engine::Manual => crate::model::load_record(&config.model, &path, device),
    }
}
