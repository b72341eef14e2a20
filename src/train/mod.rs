//! Training: Burn's `Learner` (autodiff) or the manual engine (the lab's equations), with the
//! same initial weights, batch order, stopping rule and output.

mod config;
mod learner;
mod manual_engine;
mod metrics;
mod printer;
mod progress;
mod step;
mod stop;

use std::path::Path;
use std::time::Instant;

use burn::data::dataloader::{DataLoader, DataLoaderBuilder};
use burn::prelude::*;

pub use config::{Engine, TrainingConfig};
pub use metrics::EpochMetrics;
pub use printer::{EpochLog, EpochPrinter};
pub use progress::SplitProgress;
pub use stop::StopAboveAccuracy;

use crate::artifacts::ArtifactDir;
use crate::data::{Mnist, MnistBatch, MnistBatcher, MnistDataset, MnistSplit};
use crate::error::{Error, Result};
use crate::export::import_lab_weights;
use crate::model::Mlp;
use crate::plot::draw_curves;

/// What a finished run produced.
#[derive(Debug)]
pub struct TrainOutcome {
    /// The trained model, on the plain (non-autodiff) device.
    pub model: Mlp,
    /// One entry per completed epoch.
    pub epochs: Vec<EpochMetrics>,
    /// Wall time of the training loop, in seconds.
    pub seconds: f64,
}

impl TrainOutcome {
    /// The last completed epoch (its test figures are the final model's).
    pub fn last(&self) -> &EpochMetrics {
        self.epochs
            .last()
            .expect("a finished run has at least one epoch")
    }
}

/// Trains `config.model` on `data` with `config.engine` on `device` (a plain device; the
/// Learner adds autodiff itself), writing `config.json`, `model.bpk` and `metrics.csv` to
/// `artifacts` (and `curves.png`). The initial weights are drawn on `device` from
/// `config.seed` (or read from `config.init_from`), so both engines start from the same ones.
pub fn train(
    config: &TrainingConfig,
    data: &Mnist,
    device: &Device,
    artifacts: &ArtifactDir,
) -> Result<TrainOutcome> {
    config.validate()?;
    check_input_size(config, data)?;
    let model = match &config.init_from {
        Some(file) => import_lab_weights(&config.model, Path::new(file), device)?,
        None => {
            device.seed(config.seed);
            config.model.init(device)
        }
    };
    // Only the directory now: config.json and model.bpk are written together once training
    // succeeds, so a run that fails or is killed leaves the previous pair loadable.
    artifacts.create()?;

    let train_split = match config.train_limit {
        Some(limit) => data.train.take(limit),
        None => data.train.clone(),
    };

    let started = Instant::now();
    let (model, epochs) = match config.engine {
        Engine::Learner => learner::fit(config, model, train_split, &data.test)?,
        Engine::Manual => manual_engine::fit(config, model, train_split, &data.test, device)?,
    };
    let seconds = started.elapsed().as_secs_f64();
    if epochs.is_empty() {
        return Err(Error::Training("no epoch completed".into()));
    }
    artifacts.save_config(config)?;
    artifacts.save_model(&model)?;
    artifacts.save_metrics(&epochs)?;
    draw_curves(&epochs, &artifacts.curves_path())?;
    Ok(TrainOutcome {
        model,
        epochs,
        seconds,
    })
}

/// The training batches, in file order or shuffled from `config.seed` (the same for both engines).
fn train_loader(
    config: &TrainingConfig,
    split: MnistSplit,
) -> std::sync::Arc<dyn DataLoader<MnistBatch>> {
    let mut builder = DataLoaderBuilder::new(MnistBatcher).batch_size(config.batch_size);
    if config.shuffle {
        builder = builder.shuffle(config.seed);
    }
    builder.build(MnistDataset::new(split))
}

/// The images must have as many pixels as the model has inputs.
fn check_input_size(config: &TrainingConfig, data: &Mnist) -> Result<()> {
    data.train.check_pixels(config.model.inputs)?;
    data.test.check_pixels(config.model.inputs)
}
