//! The manual engine: the lab's equations ([`crate::gradients::manual`]) and plain SGD on the
//! plain device, with no autodiff tape; same batches, metrics, events and stopping rule as the
//! Learner.

use std::time::Instant;

use super::divergence::Divergence;
use super::fit::{Fit, Job};
use super::interrupt::stop_requested;
use super::manual_step::train_step;
use super::metrics::EpochMetrics;
use super::observer::{Pass, Progress, notify};
use crate::data::Batches;
use crate::error::Result;
use crate::evaluate::{EVAL_BATCH_SIZE, Tally, evaluate_batches};
use crate::model::Mlp;

/// Trains `model` on the job's device from epoch `done.len() + 1`, after the epochs `done`, giving
/// `observer` the model after each epoch (for its checkpoint).
pub(super) fn fit(job: &Job<'_>, mut model: Mlp, done: Vec<EpochMetrics>) -> Result<Fit> {
    let (config, train, observer) = (job.config, job.train, &job.observer);
    let test = Batches::in_order(job.test, EVAL_BATCH_SIZE, job.device);
    let first = done.last().map_or(1, |e| e.epoch + 1);
    let mut epochs = done;
    let progress = |epoch, pass, batches, images, total| {
        let report = Progress {
            epoch,
            pass,
            batches,
            images,
            total,
        };
        notify(observer, |o| o.progress(&report));
    };
    for epoch in first..=config.epochs {
        let started = Instant::now();
        let mut tally = Tally::new();
        progress(epoch, Pass::Train, 0, 0, train.images());
        for (step, batch) in train.iter().enumerate() {
            let batch = batch?;
            let (updated, logits) = train_step(
                model,
                batch.images,
                &batch.targets,
                config.lr,
                config.clip_grad_norm,
            )
            .map_err(|detail| Divergence {
                epoch,
                step: step + 1,
                detail,
            })?;
            model = updated;
            tally.add(model.head, logits, batch.targets);
            progress(epoch, Pass::Train, step + 1, tally.count(), train.images());
            if stop_requested() {
                return Ok(Fit {
                    model,
                    epochs,
                    interrupted: true,
                });
            }
        }
        let (train_loss, train_accuracy) = tally.finish();
        progress(epoch, Pass::Test, 0, 0, test.images());
        let (test_loss, test_accuracy) = evaluate_batches(&model, &test, |batches, images| {
            progress(epoch, Pass::Test, batches, images, test.images())
        })?;
        let metrics = EpochMetrics {
            epoch,
            train_loss,
            train_accuracy,
            test_loss,
            test_accuracy,
            seconds: started.elapsed().as_secs_f64(),
        };
        epochs.push(metrics);
        notify(observer, |o| o.epoch_done(&metrics, Some(&model)))?;
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
