//! The manual engine: the lab's equations ([`crate::gradients::manual`]) and plain SGD on the
//! plain device, with no autodiff tape; same batches, metrics, events and stopping rule as the
//! Learner. Nothing is read from the device at each step: each pass reads its sums a few times
//! ([`PassWatch`]).

use std::time::Instant;

use super::divergence::Divergence;
use super::fit::{Fit, Job};
use super::manual_step::train_step;
use super::metrics::EpochMetrics;
use super::observer::{PROGRESS_REPORTS, Pass, Progress, SharedObserver, notify, stop_wanted};
use super::warmup::warm_up;
use super::watch::{Cadence, PassReading, PassWatch};
use crate::data::{Batches, Order};
use crate::error::{Error, Result};
use crate::evaluate::EVAL_BATCH_SIZE;
use crate::model::Mlp;

/// Trains `model` on the job's device from epoch `done.len() + 1`, after the epochs `done`, giving
/// `observer` the model after each epoch (for its checkpoint).
pub(super) fn fit(job: &Job<'_>, mut model: Mlp, done: Vec<EpochMetrics>) -> Result<Fit> {
    let (config, train, observer) = (job.config, job.train, &job.observer);
    let test = Batches::from_staged(job.test.clone(), EVAL_BATCH_SIZE, Order::File, job.device);
    let first = done.last().map_or(1, |e| e.epoch + 1);
    let mut epochs = done;
    for epoch in first..=config.epochs {
        let started = Instant::now();
        let mut watch = PassWatch::training(model.head, train.steps());
        let mut tell = Reporter::new(observer, epoch, Pass::Train, train.images(), train.steps());
        for batch in train.iter() {
            let batch = batch?;
            let images = batch.targets.dims()[0];
            model = train_step(
                model,
                batch.images,
                batch.targets,
                config.lr,
                config.clip_grad_norm,
                &mut watch,
            );
            tell.batch(images);
            if let Some((step, detail)) = watch.batch_done().and_then(|r| r.divergence.clone()) {
                return Err(Divergence {
                    epoch,
                    step,
                    detail,
                }
                .into());
            }
            if stop_wanted(observer) {
                return Ok(Fit {
                    model,
                    epochs,
                    interrupted: true,
                });
            }
        }
        let trained = whole_pass(&watch)?;
        let tell = Reporter::new(observer, epoch, Pass::Test, test.images(), test.steps());
        let tested = test_pass(&model, &test, tell)?;
        let metrics = EpochMetrics {
            epoch,
            train_loss: trained.loss,
            train_accuracy: trained.accuracy,
            test_loss: tested.last().map_or(f64::NAN, |r| r.loss),
            test_accuracy: tested.last().map_or(f64::NAN, |r| r.accuracy),
            seconds: started.elapsed().as_secs_f64(),
        };
        epochs.push(metrics);
        if epoch == first {
            let steady = watch.steady_seconds() + tested.steady_seconds();
            let warm_up = warm_up(epoch, metrics.seconds, steady);
            notify(observer, |o| o.warmed_up(&warm_up));
        }
        notify(observer, |o| o.epoch_done(&metrics, Some(&model)))?;
        if trained.accuracy > config.stop_above {
            break;
        }
    }
    Ok(Fit {
        model,
        epochs,
        interrupted: false,
    })
}

/// The reading of a finished pass (its last batch is always read).
fn whole_pass(watch: &PassWatch) -> Result<PassReading> {
    watch
        .last()
        .filter(|_| watch.complete())
        .cloned()
        .ok_or_else(|| Error::Training("a pass ended before its last batch was read".into()))
}

/// The test pass after an epoch's steps: `model` over every batch of `test`, watched.
fn test_pass(model: &Mlp, test: &Batches, mut tell: Reporter<'_>) -> Result<PassWatch> {
    let mut watch = PassWatch::test(model.head, test.steps());
    for batch in test.iter() {
        let batch = batch?;
        let images = batch.targets.dims()[0];
        watch.add(model.forward(batch.images), batch.targets);
        tell.batch(images);
        watch.batch_done();
    }
    whole_pass(&watch)?;
    Ok(watch)
}

/// Progress events of one pass, from host counters, at the progress cadence.
struct Reporter<'a> {
    observer: &'a SharedObserver,
    progress: Progress,
    cadence: Cadence,
}

impl<'a> Reporter<'a> {
    /// Tells `observer` that `pass` of `epoch` starts, over `total` images in `steps` batches.
    fn new(
        observer: &'a SharedObserver,
        epoch: usize,
        pass: Pass,
        total: usize,
        steps: usize,
    ) -> Self {
        let progress = Progress {
            epoch,
            pass,
            batches: 0,
            images: 0,
            total,
        };
        notify(observer, |o| o.progress(&progress));
        Self {
            observer,
            progress,
            cadence: Cadence::new(steps, PROGRESS_REPORTS),
        }
    }

    /// A batch of `images` images is done (told when the cadence is due).
    fn batch(&mut self, images: usize) {
        self.progress.batches += 1;
        self.progress.images += images;
        if self.cadence.due(self.progress.batches) {
            let progress = self.progress;
            notify(self.observer, |o| o.progress(&progress));
        }
    }
}
