//! The lab's stopping rule as a Burn early-stopping strategy.

use burn::train::EarlyStoppingStrategy;
use burn::train::metric::store::EventStoreClient;

use super::events::EpochLog;

/// Stops once an epoch's mean train accuracy exceeds `threshold` percent.
#[derive(Clone)]
pub struct StopAboveAccuracy {
    threshold: f64,
    log: EpochLog,
}

impl StopAboveAccuracy {
    /// Reads the accuracies that the printer records in `log`.
    pub fn new(threshold: f64, log: EpochLog) -> Self {
        Self { threshold, log }
    }
}

impl EarlyStoppingStrategy for StopAboveAccuracy {
    fn should_stop(&mut self, _epoch: usize, _store: &EventStoreClient) -> bool {
        // The Learner flushes its event processor before asking, so the epoch is logged.
        self.log
            .lock()
            .expect("epoch log lock")
            .last()
            .is_some_and(|epoch| epoch.train_accuracy > self.threshold)
    }
}
