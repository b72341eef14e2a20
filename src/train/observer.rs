//! One interface through which every training run reports as it goes, whichever engine runs
//! it: the terminal printer and the checkpoint writer implement it, and so can a test, a web
//! page or a notebook.
//!
//! Events of a run, in order: [`RunObserver::started`]; per epoch, [`RunObserver::progress`]
//! after each training batch (and each test batch), then (for the run's first epoch)
//! [`RunObserver::warmed_up`] and [`RunObserver::epoch_done`]; at the
//! end exactly one of [`RunObserver::finished`], [`RunObserver::diverged`] or
//! [`RunObserver::interrupted`]. Progress events carry host counters only: nothing is read
//! back from the device for them.

use std::sync::{Arc, Mutex};

use super::config::TrainingConfig;
use super::divergence::Divergence;
use super::metrics::EpochMetrics;
use super::warmup::WarmUp;
use crate::error::Result;
use crate::model::Mlp;

/// What a run is about to do.
#[derive(Debug, Clone)]
pub struct RunStart {
    /// The run's settings.
    pub config: TrainingConfig,
    /// Epochs already completed before this run (from the checkpoint when resuming).
    pub done: Vec<EpochMetrics>,
    /// Training images per epoch (after `--train-limit`).
    pub train_images: usize,
    /// Test images evaluated after each epoch.
    pub test_images: usize,
    /// SGD steps per epoch.
    pub steps_per_epoch: usize,
    /// The model the run starts from: its initial weights, or the checkpoint's when resuming.
    pub model: Mlp,
}

impl RunStart {
    /// The first epoch this run trains (after the checkpoint's, when resuming).
    pub fn first_epoch(&self) -> usize {
        self.done.last().map_or(1, |e| e.epoch + 1)
    }
}

/// The two passes of an epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The SGD steps over the training images.
    Train,
    /// The evaluation of the test images after the steps.
    Test,
}

/// Batches of a pass told to the observers at most, evenly spaced, the last one always (both
/// engines tell the same ones). Each report wakes the Learner's event thread; a report every
/// batch cost ≈ 40 µs per step in thread hand-offs.
pub const PROGRESS_REPORTS: usize = 50;

/// Where a pass of an epoch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// 1-based epoch.
    pub epoch: usize,
    /// Training steps or test evaluation.
    pub pass: Pass,
    /// Batches done in this pass (0 when it starts).
    pub batches: usize,
    /// Images done in this pass.
    pub images: usize,
    /// Images in the whole pass.
    pub total: usize,
}

/// Receives the events of a training run. Every method has a default that does nothing.
pub trait RunObserver {
    /// The run starts (after its settings were checked and its initial weights made).
    fn started(&mut self, _start: &RunStart) -> Result<()> {
        Ok(())
    }

    /// A pass of an epoch started (`batches` = 0), or batches of it are done: told after at
    /// most [`PROGRESS_REPORTS`] of its batches, evenly spaced, and after its last.
    fn progress(&mut self, _progress: &Progress) {}

    /// The run's first epoch is complete (told just before its [`RunObserver::epoch_done`]):
    /// how much of its time was warm-up, the kernels compiled and tuned on first use.
    fn warmed_up(&mut self, _warm_up: &WarmUp) {}

    /// An epoch is complete. `model` is the model after its steps (both engines give it; the
    /// Learner's is the one its test pass ran). An error stops the run.
    fn epoch_done(&mut self, _metrics: &EpochMetrics, _model: Option<&Mlp>) -> Result<()> {
        Ok(())
    }

    /// The loss or a gradient stopped being finite; the run stops without saving a model.
    fn diverged(&mut self, _divergence: &Divergence) {}

    /// A stop was requested (signal or [`crate::train::interrupt::request_stop`]); `epochs`
    /// holds those completed.
    fn interrupted(&mut self, _epochs: &[EpochMetrics]) {}

    /// The run completed and its artifacts are written.
    fn finished(&mut self, _epochs: &[EpochMetrics]) -> Result<()> {
        Ok(())
    }

    /// Whether this run's own stop was asked for (a server stopping one run of several); the
    /// engines check it after each batch, beside the process-wide [`crate::train::interrupt`].
    fn stop_requested(&self) -> bool {
        false
    }
}

/// Whether the run behind `shared` should stop at this batch: a signal for the whole process,
/// or its observer asking for this run alone.
pub fn stop_wanted(shared: &SharedObserver) -> bool {
    super::interrupt::stop_requested() || notify(shared, |o| o.stop_requested())
}

/// An observer shared with the engine (Burn's `Learner` reports from its own thread).
pub type SharedObserver = Arc<Mutex<dyn RunObserver + Send>>;

/// Wraps `observer` for sharing with an engine.
pub fn shared(observer: impl RunObserver + Send + 'static) -> SharedObserver {
    Arc::new(Mutex::new(observer))
}

/// Calls `event` on the observer behind `shared` (a poisoned lock still delivers: an observer
/// that panicked once does not silence the run).
pub fn notify<T>(shared: &SharedObserver, event: impl FnOnce(&mut dyn RunObserver) -> T) -> T {
    let mut observer = shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    event(&mut *observer)
}

/// An observer that ignores every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl RunObserver for Silent {}

/// Several observers, each told every event in turn; the first error is returned.
#[derive(Default)]
pub struct Fanout {
    observers: Vec<SharedObserver>,
}

impl Fanout {
    /// Observers told in the order given.
    pub fn new(observers: Vec<SharedObserver>) -> Self {
        Self { observers }
    }

    fn each(&self, mut event: impl FnMut(&mut dyn RunObserver) -> Result<()>) -> Result<()> {
        let mut outcome = Ok(());
        for observer in &self.observers {
            let result = notify(observer, &mut event);
            if outcome.is_ok() {
                outcome = result;
            }
        }
        outcome
    }
}

impl RunObserver for Fanout {
    fn stop_requested(&self) -> bool {
        self.observers
            .iter()
            .any(|observer| notify(observer, |o| o.stop_requested()))
    }

    fn started(&mut self, start: &RunStart) -> Result<()> {
        self.each(|o| o.started(start))
    }

    fn progress(&mut self, progress: &Progress) {
        let _ = self.each(|o| {
            o.progress(progress);
            Ok(())
        });
    }

    fn warmed_up(&mut self, warm_up: &WarmUp) {
        let _ = self.each(|o| {
            o.warmed_up(warm_up);
            Ok(())
        });
    }

    fn epoch_done(&mut self, metrics: &EpochMetrics, model: Option<&Mlp>) -> Result<()> {
        self.each(|o| o.epoch_done(metrics, model))
    }

    fn diverged(&mut self, divergence: &Divergence) {
        let _ = self.each(|o| {
            o.diverged(divergence);
            Ok(())
        });
    }

    fn interrupted(&mut self, epochs: &[EpochMetrics]) {
        let _ = self.each(|o| {
            o.interrupted(epochs);
            Ok(())
        });
    }

    fn finished(&mut self, epochs: &[EpochMetrics]) -> Result<()> {
        self.each(|o| o.finished(epochs))
    }
}
