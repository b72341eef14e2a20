//! The default engine: Burn's `Learner` with autodiff gradients and Burn's SGD optimizer, with
//! Burn's checkpointer for resuming.

use std::path::Path;
use std::sync::{Arc, Mutex};

use burn::grad_clipping::GradientClippingConfig;
use burn::module::Module;
use burn::optim::SgdConfig;
use burn::prelude::*;
use burn::train::checkpoint::{FileCheckpointer, KeepLastNCheckpoints};
use burn::train::logger::InMemoryMetricLogger;
use burn::train::{Interrupter, Learner, SupervisedTraining, TrainingStrategy};

use super::events::{EpochLog, LearnerEvents, ObserverError};
use super::passes::LearnerPasses;
use super::step::GuardedMlp;
use super::stop::StopAboveAccuracy;
use super::strategy::CadencedLoop;
use crate::data::{Batches, Order};
use crate::error::{Error, Result};
use crate::evaluate::EVAL_BATCH_SIZE;
use crate::model::{Mlp, MlpConfig, load_into};
use crate::train::checkpoint::KEEP;
use crate::train::fit::{Fit, Job};
use crate::train::metrics::EpochMetrics;

/// Trains `model` (on a plain device; the Learner moves it to its autodiff twin) from epoch
/// `done.len() + 1`, after the epochs `done` (restored from `checkpoints` when not empty).
pub fn fit(job: &Job<'_>, model: Mlp, done: Vec<EpochMetrics>) -> Result<Fit> {
    let (config, train) = (job.config, job.train);
    let test = Batches::from_staged(job.test.clone(), EVAL_BATCH_SIZE, Order::File, job.device);
    let resume_from = done.last().map(|e| e.epoch);
    let log: EpochLog = Arc::new(Mutex::new(done));
    let observer_error: ObserverError = Arc::new(Mutex::new(None));
    let interrupter = Interrupter::new();
    let passes = LearnerPasses::new(
        model.head,
        resume_from.map_or(1, |epoch| epoch + 1),
        train.steps(),
        test.steps(),
        interrupter.clone(),
    );
    let events = LearnerEvents::new(
        [config.batch_size, EVAL_BATCH_SIZE],
        Arc::clone(&log),
        job.observer.clone(),
        Arc::clone(&observer_error),
        passes.clone(),
        interrupter.clone(),
    );
    let dir = job.checkpoints.dir();
    // Nothing but our own files goes to the artifact directory: no experiment log, no metric
    // files; checkpoints go to its checkpoint/ folder. No Burn metric either: each reads the
    // device at every step; the passes measure the epoch on the device instead.
    let steps = CadencedLoop::new(job.device.clone().autodiff(), train.steps(), test.steps());
    let mut training = SupervisedTraining::new(dir, train.loader(), test.loader())
        .with_training_strategy(TrainingStrategy::Custom(Arc::new(steps)))
        .num_epochs(config.epochs)
        .renderer(Box::new(events))
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
    let model = GuardedMlp::new(model, Some(passes.clone())).train();
    let clipping = config
        .clip_grad_norm
        .map(|norm| GradientClippingConfig::Norm(norm as f32));
    let optimizer = SgdConfig::new().with_gradient_clipping(clipping).init();
    let result = training.launch(Learner::new(model, optimizer, config.lr));
    if let Some(divergence) = passes.divergence() {
        return Err(divergence.into());
    }
    if let Some(error) = observer_error.lock().expect("observer error lock").take() {
        return Err(error);
    }
    if let Some(error) = result.error {
        return Err(Error::Training(error.to_string()));
    }
    let epochs = log.lock().expect("epoch log lock").clone();
    Ok(Fit {
        model: result.model.mlp,
        epochs,
        interrupted: result.interrupted.is_some(),
    })
}

/// The model of a Learner checkpoint at `path`, checked against `model`'s architecture.
pub fn load_checkpoint(model: &MlpConfig, path: &Path, device: &Device) -> Result<Mlp> {
    load_into(GuardedMlp::new(model.init(device), None), path).map(|guarded| guarded.mlp)
}
