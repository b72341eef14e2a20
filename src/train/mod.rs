//! Training: Burn's `Learner` (autodiff) or the manual engine (the lab's equations), with the
//! same initial weights, batch order, stopping rule and output.

mod checkpoint;
mod config;
mod divergence;
pub mod interrupt;
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

pub use checkpoint::{Checkpoints, ResumePoint};
pub use config::{Engine, TrainingConfig, check_sgd};
pub use divergence::{Divergence, DivergenceGuard, non_finite};
pub use metrics::EpochMetrics;
pub use printer::{EpochLog, EpochPrinter};
pub use progress::SplitProgress;
pub use stop::StopAboveAccuracy;

use crate::artifacts::{ArtifactDir, load_record};
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
    /// Epochs trained by this call (fewer than `epochs` after a resume).
    pub epochs_run: usize,
}

impl TrainOutcome {
    /// The last completed epoch (its test figures are the final model's).
    pub fn last(&self) -> &EpochMetrics {
        self.epochs
            .last()
            .expect("a finished run has at least one epoch")
    }
}

/// What an engine hands back.
pub(crate) struct Fit {
    model: Mlp,
    epochs: Vec<EpochMetrics>,
    interrupted: bool,
}

/// Trains `config.model` on `data` with `config.engine` on `device` (a plain device; the
/// Learner adds autodiff itself), writing `config.json`, `model.bpk`, `metrics.csv` and
/// `curves.png` to `artifacts` once training succeeds, and per-epoch checkpoints to
/// `artifacts/checkpoint/` meanwhile. The initial weights are drawn on `device` from
/// `config.seed` (or read from `config.init_from`), so both engines start from the same ones.
pub fn train(
    config: &TrainingConfig,
    data: &Mnist,
    device: &Device,
    artifacts: &ArtifactDir,
) -> Result<TrainOutcome> {
    run(config, data, device, artifacts, None)
}

/// Continues the interrupted run in `artifacts` from its last completed epoch, with its own
/// settings; ends as [`train`] does.
pub fn resume(data: &Mnist, device: &Device, artifacts: &ArtifactDir) -> Result<TrainOutcome> {
    let point = Checkpoints::new(artifacts).resume_point()?;
    let config = point.config.clone();
    run(&config, data, device, artifacts, Some(point))
}

fn run(
    config: &TrainingConfig,
    data: &Mnist,
    device: &Device,
    artifacts: &ArtifactDir,
    resume: Option<ResumePoint>,
) -> Result<TrainOutcome> {
    config.validate()?;
    check_input_size(config, data)?;
    let checkpoints = Checkpoints::new(artifacts);
    let (model, done) = match resume {
        Some(point) => {
            let path = checkpoints.model_path(point.epoch);
            let model = load_record(&config.model, &path, device)?;
            (model, point.epochs)
        }
        None => {
            let model = match &config.init_from {
                Some(file) => import_lab_weights(&config.model, Path::new(file), device)?,
                None => {
                    device.seed(config.seed);
                    config.model.init(device)
                }
            };
            // config.json and model.bpk are written together once training succeeds, so a run
            // that fails or is killed leaves the previous pair loadable.
            artifacts.create()?;
            checkpoints.start(config)?;
            (model, Vec::new())
        }
    };

    let resumed_epochs = done.len();
    let train_split = match config.train_limit {
        Some(limit) => data.train.take(limit),
        None => data.train.clone(),
    };
    let started = Instant::now();
    let fit = match config.engine {
        Engine::Learner => {
            learner::fit(config, model, train_split, &data.test, &checkpoints, done)?
        }
        Engine::Manual => manual_engine::fit(
            config,
            model,
            train_split,
            &data.test,
            device,
            &checkpoints,
            done,
        )?,
    };
    let seconds = started.elapsed().as_secs_f64();
    if fit.interrupted {
        return Err(Error::Interrupted {
            epoch: fit.epochs.last().map_or(0, |e| e.epoch),
            checkpoint: checkpoints.dir().to_path_buf(),
        });
    }
    if fit.epochs.is_empty() {
        return Err(Error::Training("no epoch completed".into()));
    }
    artifacts.save_config(config)?;
    artifacts.save_model(&fit.model)?;
    artifacts.save_metrics(&fit.epochs)?;
    draw_curves(&fit.epochs, &artifacts.curves_path())?;
    checkpoints.finish()?;
    Ok(TrainOutcome {
        model: fit.model,
        epochs_run: fit.epochs.len() - resumed_epochs,
        epochs: fit.epochs,
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
