//! A `MetricsRenderer` for Burn's `Learner` that prints one line per epoch in the lab's format,
//! with a progress bar while an epoch runs when stdout is a terminal.

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

use super::checkpoint::Checkpoints;
use super::interrupt::stop_requested;
use super::metrics::EpochMetrics;
use super::progress::SplitProgress;

/// Epochs completed so far, shared between the printer, the stopping rule and the caller.
pub type EpochLog = Arc<Mutex<Vec<EpochMetrics>>>;

/// Final (whole-epoch) values of the two metrics of one split.
#[derive(Debug, Default, Clone, Copy)]
struct SplitValues {
    loss: f64,
    accuracy: f64,
}

/// Prints the lab's epoch lines and records each epoch in an [`EpochLog`].
pub struct EpochPrinter {
    log: EpochLog,
    total_epochs: usize,
    names: HashMap<MetricId, String>,
    train: SplitValues,
    test: SplitValues,
    epoch_start: Instant,
    progress: SplitProgress,
    checkpoints: Checkpoints,
    interrupter: Interrupter,
}

impl EpochPrinter {
    /// A printer that appends to `log` and records it in `checkpoints` after each epoch, and
    /// passes a signal's stop request to `interrupter`; the bar is drawn only on a terminal.
    pub fn new(log: EpochLog, checkpoints: Checkpoints, interrupter: Interrupter) -> Self {
        Self {
            log,
            total_epochs: 0,
            names: HashMap::new(),
            train: SplitValues::default(),
            test: SplitValues::default(),
            epoch_start: Instant::now(),
            progress: SplitProgress::new(),
            checkpoints,
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

    fn finish_bar(&mut self) {
        self.progress.finish();
    }
}

impl MetricsRendererTraining for EpochPrinter {
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
        self.finish_bar();
        Ok(())
    }
}

impl TrainingProgressLogger for EpochPrinter {
    fn start(
        &mut self,
        total_epochs: usize,
        _start: usize,
        _items: Option<usize>,
        _: Option<&str>,
    ) {
        self.total_epochs = total_epochs;
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
        self.finish_bar();
        println!("{}", metrics.line(self.total_epochs));
        let mut log = self.log.lock().expect("epoch log lock");
        log.push(metrics);
        if let Err(error) = self.checkpoints.record(&log) {
            eprintln!("warning: {error}");
        }
        self.epoch_start = Instant::now();
    }

    fn start_split(&mut self, split: &str, total_items: usize) {
        let label = if split == "train" { "train" } else { "test" };
        self.progress.start(label, total_items);
    }

    fn update_split(&mut self, items_processed: usize) {
        self.progress.set(items_processed);
        if stop_requested() && !self.interrupter.should_stop() {
            self.interrupter.stop(Some("stop requested by a signal"));
        }
    }

    fn end_split(&mut self) {
        self.finish_bar();
    }

    fn end(&mut self) {
        self.finish_bar();
    }

    fn log_event_training(&mut self, _event: String) {}
}

impl EvaluationProgressLogger for EpochPrinter {
    fn start_global_progress(&mut self, _total_tests: usize) {}
    fn start_test(&mut self, _name: &str, _total_items: usize) {}
    fn update_test_progress(&mut self, _items_processed: usize) {}
    fn end_test(&mut self) {}
    fn end_global_progress(&mut self) {}
    fn log_event_evaluation(&mut self, _event: String) {}
}

impl MetricsRendererEvaluation for EpochPrinter {
    fn update_test(&mut self, _name: EvaluationName, _state: MetricState) {}
}

impl MetricsRenderer for EpochPrinter {
    fn manual_close(&mut self) {
        self.finish_bar();
    }

    fn register_metric(&mut self, definition: MetricDefinition) {
        self.names
            .insert(definition.metric_id, definition.name.to_string());
    }
}
