//! The default engine: Burn's `Learner` with autodiff gradients and Burn's SGD optimizer, with
//! Burn's checkpointer for resuming.

use std::sync::{Arc, Mutex};

use burn::data::dataloader::DataLoaderBuilder;
use burn::grad_clipping::GradientClippingConfig;
use burn::module::Module;
use burn::optim::SgdConfig;
use burn::train::checkpoint::{FileCheckpointer, KeepLastNCheckpoints};
use burn::train::logger::InMemoryMetricLogger;
use burn::train::metric::{AccuracyMetric, LossMetric};
use burn::train::{Interrupter, Learner, SupervisedTraining};

use super::checkpoint::{Checkpoints, KEEP};
use super::{
    DivergenceGuard, EpochLog, EpochPrinter, Fit, StopAboveAccuracy, TrainingConfig, train_loader,
};
use crate::data::{MnistBatcher, MnistDataset, MnistSplit};
use crate::error::{Error, Result};
use crate::evaluate::EVAL_BATCH_SIZE;
use crate::model::Mlp;

/// Trains `model` (on a plain device; the Learner moves it to its autodiff twin) from epoch
/// `done.len() + 1`, after the epochs `done` (restored from `checkpoints` when not empty).
pub(super) fn fit(
    config: &TrainingConfig,
    model: Mlp,
    train: MnistSplit,
    test: &MnistSplit,
    checkpoints: &Checkpoints,
    done: Vec<super::EpochMetrics>,
) -> Result<Fit> {
    let test_loader = DataLoaderBuilder::new(MnistBatcher)
        .batch_size(EVAL_BATCH_SIZE)
        .build(MnistDataset::new(test.clone()));
    let resume_from = done.last().map(|e| e.epoch);
    let log: EpochLog = Arc::new(Mutex::new(done));
    let interrupter = Interrupter::new();
    let steps_per_epoch = train.len().div_ceil(config.batch_size);
    let guard = DivergenceGuard::new(
        resume_from.map_or(1, |epoch| epoch + 1),
        steps_per_epoch,
        interrupter.clone(),
    );
    let printer = EpochPrinter::new(Arc::clone(&log), checkpoints.clone(), interrupter.clone());
    let dir = checkpoints.dir();
    // Nothing but our own files goes to the artifact directory: no experiment log, no metric
    // files; checkpoints go to its checkpoint/ folder.
    let mut training = SupervisedTraining::new(dir, train_loader(config, train), test_loader)
        .metrics((AccuracyMetric::new(), LossMetric::new()))
        .num_epochs(config.epochs)
        .renderer(Box::new(printer))
        .with_application_logger(None)
        .with_metric_logger(InMemoryMetricLogger::new())
        .with_interrupter(interrupter)
        .with_custom_checkpointers(
            FileCheckpointer::new(dir, "model"),
            FileCheckpointer::new(dir, "optim"),
            FileCheckpointer::new(dir, "scheduler"),
        )
        .with_checkpointing_strategy(KeepLastNCheckpoints::new(KEEP))
        .early_stopping(StopAboveAccuracy::new(config.stop_above, Arc::clone(&log)));
    if let Some(epoch) = resume_from {
        training = training.checkpoint(epoch);
    }

    // `train()` puts the parameters on the autodiff twin of their device, tracking gradients.
    let mut model = model.train();
    model.guard = Some(guard.clone());
    let clipping = config
        .clip_grad_norm
        .map(|norm| GradientClippingConfig::Norm(norm as f32));
    let optimizer = SgdConfig::new().with_gradient_clipping(clipping).init();
    let mut result = training.launch(Learner::new(model, optimizer, config.lr));
    if let Some(divergence) = guard.divergence() {
        return Err(divergence.into());
    }
    if let Some(error) = result.error {
        return Err(Error::Training(error.to_string()));
    }
    result.model.guard = None;
    let epochs = log.lock().expect("epoch log lock").clone();
    Ok(Fit {
        model: result.model,
        epochs,
        interrupted: result.interrupted.is_some(),
    })
}
