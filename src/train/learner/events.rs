//! A `MetricsRenderer` for Burn's `Learner` that turns its callbacks into the events of a
//! [`RunObserver`](crate::train::RunObserver): progress after each batch, and the epoch's
//! metrics once Burn has its whole-epoch values. It also passes a signal's stop request on to
//! the Learner.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use burn::train::logger::{EvaluationProgressLogger, TrainingProgressLogger};
use burn::train::metric::{MetricDefinition, MetricEntry, MetricId, NumericEntry};
use burn::train::renderer::{
    EvaluationName, MetricState, MetricsRenderer, MetricsRendererEvaluation,
    MetricsRendererTraining,
};
use burn::train::{Interrupter, LearnerSummary};

use crate::error::Error;
use crate::train::interrupt::stop_requested;
use crate::train::metrics::EpochMetrics;
use crate::train::observer::{Pass, Progress, SharedObserver, notify};

/// Epochs completed so far, shared between the renderer, the stopping rule and the engine.
pub type EpochLog = Arc<Mutex<Vec<EpochMetrics>>>;

/// The first error an observer returned, kept for the engine to report.
pub type ObserverError = Arc<Mutex<Option<Error>>>;

/// Final (whole-epoch) values of the two metrics of one split.
#[derive(Debug, Default, Clone, Copy)]
struct SplitValues {
    loss: f64,
    accuracy: f64,
}

/// Forwards the Learner's progress and epochs to an observer and records each epoch in an
/// [`EpochLog`].
pub struct LearnerEvents {
    log: EpochLog,
    observer: SharedObserver,
    error: ObserverError,
    names: HashMap<MetricId, String>,
    train: SplitValues,
    test: SplitValues,
    epoch_start: Instant,
    progress: Progress,
    interrupter: Interrupter,
}

impl LearnerEvents {
    /// Events that append to `log`, go to `observer` (its first error lands in `error` and stops
    /// the run), and pass a signal's stop request to `interrupter`.
    pub fn new(
        log: EpochLog,
        observer: SharedObserver,
        error: ObserverError,
        interrupter: Interrupter,
    ) -> Self {
        Self {
            log,
            observer,
            error,
            names: HashMap::new(),
            train: SplitValues::default(),
            test: SplitValues::default(),
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

    /// Keeps the whole-epoch value of a metric, which Burn sends once the split ends.
    fn record(names: &HashMap<MetricId, String>, values: &mut SplitValues, state: MetricState) {
        let MetricState::Numeric(entry, Some(NumericEntry::Final(value))) = state else {
            return;
        };
        let MetricEntry { metric_id, .. } = entry;
        match names.get(&metric_id).map(String::as_str) {
            Some("Loss") => values.loss = value,
            Some("Accuracy") => values.accuracy = value,
            _ => {}
        }
    }

    fn report_progress(&self) {
        let progress = self.progress;
        notify(&self.observer, |o| o.progress(&progress));
    }
}

impl MetricsRendererTraining for LearnerEvents {
    fn update_train(&mut self, state: MetricState) {
        Self::record(&self.names, &mut self.train, state);
    }

    fn update_valid(&mut self, state: MetricState) {
        Self::record(&self.names, &mut self.test, state);
    }

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
        let metrics = EpochMetrics {
            epoch,
            train_loss: self.train.loss,
            train_accuracy: self.train.accuracy,
            test_loss: self.test.loss,
            test_accuracy: self.test.accuracy,
            seconds: self.epoch_start.elapsed().as_secs_f64(),
        };
        self.log.lock().expect("epoch log lock").push(metrics);
        if let Err(error) = notify(&self.observer, |o| o.epoch_done(&metrics, None)) {
            let mut first = self.error.lock().expect("observer error lock");
            if first.is_none() {
                *first = Some(error);
                self.interrupter.stop(Some("an observer failed"));
            }
        }
        self.epoch_start = Instant::now();
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
        self.progress.batches += 1;
        self.progress.images = items_processed;
        self.report_progress();
        if stop_requested() && !self.interrupter.should_stop() {
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

    fn register_metric(&mut self, definition: MetricDefinition) {
        self.names
            .insert(definition.metric_id, definition.name.to_string());
    }
}
