//! A `MetricsRenderer` for Burn's `Learner` that turns its callbacks into the events of a
//! [`RunObserver`](crate::train::RunObserver): progress at the batches the epoch loop tells
//! (its [`super::strategy`]), and the epoch's
//! figures, read on the device by the [`LearnerPasses`], once the epoch ends. It also passes a
//! signal's stop request on to the Learner.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use burn::train::logger::{EvaluationProgressLogger, TrainingProgressLogger};
use burn::train::metric::MetricDefinition;
use burn::train::renderer::{
    EvaluationName, MetricState, MetricsRenderer, MetricsRendererEvaluation,
    MetricsRendererTraining,
};
use burn::train::{Interrupter, LearnerSummary};

use super::passes::LearnerPasses;
use crate::error::Error;
use crate::train::metrics::EpochMetrics;
use crate::train::observer::{Pass, Progress, SharedObserver, notify, stop_wanted};
use crate::train::warmup::warm_up;

/// Epochs completed so far, shared between the renderer, the stopping rule and the engine.
pub type EpochLog = Arc<Mutex<Vec<EpochMetrics>>>;

/// The first error an observer returned, kept for the engine to report.
pub type ObserverError = Arc<Mutex<Option<Error>>>;

/// Forwards the Learner's progress and epochs to an observer and records each epoch in an
/// [`EpochLog`].
pub struct LearnerEvents {
    /// Images per batch of the training pass and of the test pass (all batches but a pass's
    /// last are full, so the batches done follow from the images done).
    batch_sizes: [usize; 2],
    log: EpochLog,
    observer: SharedObserver,
    error: ObserverError,
    passes: LearnerPasses,
    warmed_up: bool,
    epoch_start: Instant,
    progress: Progress,
    interrupter: Interrupter,
}

impl LearnerEvents {
    /// Events that append to `log` the epochs measured by `passes`, go to `observer` (its first
    /// error lands in `error` and stops the run), and pass a signal's stop request to
    /// `interrupter`. `batch_sizes`: images per batch of the training and of the test pass.
    pub fn new(
        batch_sizes: [usize; 2],
        log: EpochLog,
        observer: SharedObserver,
        error: ObserverError,
        passes: LearnerPasses,
        interrupter: Interrupter,
    ) -> Self {
        Self {
            batch_sizes,
            log,
            observer,
            error,
            passes,
            warmed_up: false,
            epoch_start: Instant::now(),
            progress: Progress {
                epoch: 1,
                pass: Pass::Train,
                batches: 0,
                images: 0,
                total: 0,
            },
            interrupter,
        }
    }

    /// Keeps the observer's first error and stops the run.
    fn fail(&self, error: Error) {
        let mut first = self.error.lock().expect("observer error lock");
        if first.is_none() {
            *first = Some(error);
            self.interrupter.stop(Some("an observer failed"));
        }
    }

    fn report_progress(&self) {
        let progress = self.progress;
        notify(&self.observer, |o| o.progress(&progress));
    }
}

impl MetricsRendererTraining for LearnerEvents {
    // No Burn metric is registered: the figures come from the passes.
    fn update_train(&mut self, _state: MetricState) {}

    fn update_valid(&mut self, _state: MetricState) {}

    fn on_train_end(
        &mut self,
        _summary: Option<LearnerSummary>,
    ) -> Result<(), Box<dyn core::error::Error>> {
        Ok(())
    }
}

impl TrainingProgressLogger for LearnerEvents {
    fn start(
        &mut self,
        _total_epochs: usize,
        _start: usize,
        _items: Option<usize>,
        _: Option<&str>,
    ) {
        self.epoch_start = Instant::now();
    }

    fn update_epoch(&mut self, epoch: usize) {
        let seconds = self.epoch_start.elapsed().as_secs_f64();
        self.epoch_start = Instant::now();
        let Some(passes) = self.passes.take_epoch() else {
            self.fail(Error::Training(format!(
                "epoch {epoch} ended before both of its passes were read"
            )));
            return;
        };
        let metrics = EpochMetrics {
            epoch,
            train_loss: passes.train.loss,
            train_accuracy: passes.train.accuracy,
            test_loss: passes.test.loss,
            test_accuracy: passes.test.accuracy,
            seconds,
        };
        self.log.lock().expect("epoch log lock").push(metrics);
        if !self.warmed_up {
            self.warmed_up = true;
            let warm_up = warm_up(epoch, seconds, passes.steady_seconds);
            notify(&self.observer, |o| o.warmed_up(&warm_up));
        }
        let model = passes.model.as_ref();
        if let Err(error) = notify(&self.observer, |o| o.epoch_done(&metrics, model)) {
            self.fail(error);
        }
    }

    fn start_split(&mut self, split: &str, total_items: usize) {
        self.progress = Progress {
            epoch: self
                .log
                .lock()
                .expect("epoch log lock")
                .last()
                .map_or(1, |e| e.epoch + 1),
            pass: if split == "train" {
                Pass::Train
            } else {
                Pass::Test
            },
            batches: 0,
            images: 0,
            total: total_items,
        };
        self.report_progress();
    }

    fn update_split(&mut self, items_processed: usize) {
        let batch_size = match self.progress.pass {
            Pass::Train => self.batch_sizes[0],
            Pass::Test => self.batch_sizes[1],
        };
        self.progress.batches = items_processed.div_ceil(batch_size.max(1));
        self.progress.images = items_processed;
        self.report_progress();
        if !self.interrupter.should_stop() && stop_wanted(&self.observer) {
            self.interrupter.stop(Some("stop requested by a signal"));
        }
    }

    fn end_split(&mut self) {}

    fn end(&mut self) {}

    fn log_event_training(&mut self, _event: String) {}
}

impl EvaluationProgressLogger for LearnerEvents {
    fn start_global_progress(&mut self, _total_tests: usize) {}
    fn start_test(&mut self, _name: &str, _total_items: usize) {}
    fn update_test_progress(&mut self, _items_processed: usize) {}
    fn end_test(&mut self) {}
    fn end_global_progress(&mut self) {}
    fn log_event_evaluation(&mut self, _event: String) {}
}

impl MetricsRendererEvaluation for LearnerEvents {
    fn update_test(&mut self, _name: EvaluationName, _state: MetricState) {}
}

impl MetricsRenderer for LearnerEvents {
    fn manual_close(&mut self) {}

    fn register_metric(&mut self, _definition: MetricDefinition) {}
}
