//! The default engine: Burn's `Learner` with autodiff gradients and Burn's SGD optimizer.

use std::sync::{Arc, Mutex};

use burn::data::dataloader::DataLoaderBuilder;
use burn::module::Module;
use burn::optim::SgdConfig;
use burn::train::logger::InMemoryMetricLogger;
use burn::train::metric::{AccuracyMetric, LossMetric};
use burn::train::{Learner, SupervisedTraining};

use super::{
    EpochLog, EpochMetrics, EpochPrinter, StopAboveAccuracy, TrainingConfig, train_loader,
};
use crate::data::{MnistBatcher, MnistDataset, MnistSplit};
use crate::error::{Error, Result};
use crate::evaluate::EVAL_BATCH_SIZE;
use crate::model::Mlp;

/// Trains `model` (on a plain device; the Learner moves it to its autodiff twin) and returns
/// the trained model on the plain device with one entry per completed epoch.
pub(super) fn fit(
    config: &TrainingConfig,
    model: Mlp,
    train: MnistSplit,
    test: &MnistSplit,
) -> Result<(Mlp, Vec<EpochMetrics>)> {
    let test_loader = DataLoaderBuilder::new(MnistBatcher)
        .batch_size(EVAL_BATCH_SIZE)
        .build(MnistDataset::new(test.clone()));
    let log: EpochLog = Arc::new(Mutex::new(Vec::new()));
    // Nothing but our own files goes to the artifact directory: no experiment log, no metric
    // files, no checkpoints.
    let training = SupervisedTraining::new(".", train_loader(config, train), test_loader)
        .metrics((AccuracyMetric::new(), LossMetric::new()))
        .num_epochs(config.epochs)
        .renderer(Box::new(EpochPrinter::new(Arc::clone(&log))))
        .with_application_logger(None)
        .with_metric_logger(InMemoryMetricLogger::new())
        .early_stopping(StopAboveAccuracy::new(config.stop_above, Arc::clone(&log)));

    // `train()` puts the parameters on the autodiff twin of their device, tracking gradients.
    let model = model.train();
    let result = training.launch(Learner::new(model, SgdConfig::new().init(), config.lr));
    if let Some(error) = result.error {
        return Err(Error::Training(error.to_string()));
    }
    let epochs = log.lock().expect("epoch log lock").clone();
    Ok((result.model, epochs))
}
