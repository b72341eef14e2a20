//! The manual engine: the lab's equations ([`crate::manual`]) and plain SGD on the plain
//! device, with no autodiff tape; same batches, metrics, output and stopping rule as the Learner.

use std::time::Instant;

use burn::prelude::*;

use burn::module::Module;

use super::checkpoint::{Checkpoints, KEEP};
use super::interrupt::stop_requested;
use super::{Divergence, EpochMetrics, Fit, SplitProgress, TrainingConfig, train_loader};
use crate::artifacts::write_atomic;
use crate::data::MnistSplit;
use crate::error::{Error, Result};
use crate::evaluate::{Tally, evaluate};
use crate::manual;
use crate::model::Mlp;

/// Trains `model` on `device` from epoch `done.len() + 1`, after the epochs `done`, saving a
/// checkpoint of the model after each epoch.
pub(super) fn fit(
    config: &TrainingConfig,
    mut model: Mlp,
    train: MnistSplit,
    test: &MnistSplit,
    device: &Device,
    checkpoints: &Checkpoints,
    done: Vec<EpochMetrics>,
) -> Result<Fit> {
    let total = train.len();
    let loader = train_loader(config, train).to_device(device);
    let mut progress = SplitProgress::new();
    let first = done.last().map_or(1, |e| e.epoch + 1);
    let mut epochs = done;
    for epoch in first..=config.epochs {
        let started = Instant::now();
        let mut tally = Tally::new();
        progress.start("train", total);
        for (step, batch) in loader.iter().enumerate() {
            let batch = batch.map_err(|e| Error::Training(format!("loading a batch: {e}")))?;
            let (updated, logits) = manual::train_step(
                model,
                batch.images,
                &batch.targets,
                config.lr,
                config.clip_grad_norm,
            )
            .map_err(|detail| {
                progress.finish();
                Divergence {
                    epoch,
                    step: step + 1,
                    detail,
                }
            })?;
            model = updated;
            tally.add(model.head, logits, batch.targets);
            progress.set(tally.count());
            if stop_requested() {
                progress.finish();
                return Ok(Fit {
                    model,
                    epochs,
                    interrupted: true,
                });
            }
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
        save_checkpoint(&model, epoch, checkpoints)?;
        checkpoints.record(&epochs)?;
        if train_accuracy > config.stop_above {
            break;
        }
    }
    Ok(Fit {
        model,
        epochs,
        interrupted: false,
    })
}

/// Writes `model-<epoch>.bpk` and drops the one [`KEEP`] epochs older.
fn save_checkpoint(model: &Mlp, epoch: usize, checkpoints: &Checkpoints) -> Result<()> {
    let path = checkpoints.model_path(epoch);
    let bytes = model.clone().into_record().into_bytes().map_err(|e| {
        Error::Training(format!("cannot encode checkpoint {}: {e}", path.display()))
    })?;
    write_atomic(&path, &bytes)?;
    if let Some(old) = epoch.checked_sub(KEEP) {
        let _ = std::fs::remove_file(checkpoints.model_path(old));
    }
    Ok(())
}
