//! The manual engine: the lab's equations ([`crate::manual`]) and plain SGD on the plain
//! device, with no autodiff tape; same batches, metrics, output and stopping rule as the Learner.

use std::time::Instant;

use burn::prelude::*;

use super::{EpochMetrics, SplitProgress, TrainingConfig, train_loader};
use crate::data::MnistSplit;
use crate::error::{Error, Result};
use crate::evaluate::{Tally, evaluate};
use crate::manual;
use crate::model::Mlp;

/// Trains `model` on `device` and returns it with one entry per completed epoch.
pub(super) fn fit(
    config: &TrainingConfig,
    mut model: Mlp,
    train: MnistSplit,
    test: &MnistSplit,
    device: &Device,
) -> Result<(Mlp, Vec<EpochMetrics>)> {
    let total = train.len();
    let loader = train_loader(config, train).to_device(device);
    let mut progress = SplitProgress::new();
    let mut epochs = Vec::new();
    for epoch in 1..=config.epochs {
        let started = Instant::now();
        let mut tally = Tally::new();
        progress.start("train", total);
        for batch in loader.iter() {
            let batch = batch.map_err(|e| Error::Training(format!("loading a batch: {e}")))?;
            let cache = manual::forward(&model, batch.images);
            let gradients = manual::backward(&model, &cache, batch.targets.clone());
            tally.add(model.head, cache.logits().clone(), batch.targets);
            model = manual::sgd_step(model, &gradients, config.lr);
            progress.set(tally.count());
        }
        progress.start("test", test.len());
        let (train_loss, train_accuracy) = tally.finish();
        let (test_loss, test_accuracy) = evaluate(&model, test, device);
        progress.finish();
        let metrics = EpochMetrics {
            epoch,
            train_loss,
            train_accuracy,
            test_loss,
            test_accuracy,
            seconds: started.elapsed().as_secs_f64(),
        };
        println!("{}", metrics.line(config.epochs));
        epochs.push(metrics);
        if train_accuracy > config.stop_above {
            break;
        }
    }
    Ok((model, epochs))
}
