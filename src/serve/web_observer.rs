//! A run's observer events turned into the page's JSON events (Server-Sent Events): the start,
//! progress about 20 times per pass, each epoch with ‖dW_l‖ on a probe batch and the first
//! layer's units (kept for `/api/train/units`), the warm-up and a divergence.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;

use super::lab::{LiveUnits, MAX_LIVE_UNITS, SharedLab};
use super::state::SharedState;
use crate::backward::{Matrix, first_layer_units};
use crate::data::MnistBatch;
use crate::error::Result;
use crate::model::{Mlp, choice_name};
use crate::study::layer_stats;
use crate::train::{Divergence, EpochMetrics, Pass, Progress, RunObserver, RunStart, WarmUp};

/// Training images of the batch ‖dW_l‖ is measured on after each epoch.
const PROBE_IMAGES: usize = 256;

/// Progress events per pass of an epoch (about; the page needs no more to draw a bar).
const PROGRESS_EVENTS: usize = 20;

/// Turns a run's observer events into JSON events for the pages.
pub struct WebObserver {
    /// The lab whose pages follow the run.
    lab: SharedLab,
    /// Set when this run alone is asked to stop.
    stop: Arc<AtomicBool>,
    /// The run's directory name.
    name: String,
    probe: MnistBatch,
    lr: f64,
    next_report: usize,
    warm_up: Option<f64>,
    /// The first layer's units when the run started.
    start_units: Option<Matrix>,
}

impl WebObserver {
    /// An observer of the run `name` of `lab` that publishes to the lab's pages and stops the
    /// run when `stop` is set.
    pub fn new(state: &SharedState, lab: SharedLab, name: String, stop: Arc<AtomicBool>) -> Self {
        let images = PROBE_IMAGES.min(state.data.train.len());
        let probe = MnistBatch::from_range(&state.data.train, 0..images, &state.device);
        Self {
            lab,
            stop,
            name,
            probe,
            lr: 0.0,
            next_report: 0,
            warm_up: None,
            start_units: None,
        }
    }

    /// Keeps the first layer's units of `model` after `epoch` (0: at the start) for the page.
    fn keep_units(&mut self, epoch: usize, model: &Mlp) {
        let weights = first_layer_units(model, MAX_LIVE_UNITS);
        let start = self.start_units.get_or_insert_with(|| weights.clone());
        let change = weights.minus(start);
        let units = model.layers().next().map_or(0, |l| l.weight.dims()[1]);
        *self.lab.units.lock().expect("units lock") = Some(Arc::new(LiveUnits {
            epoch,
            units,
            weights,
            change,
        }));
    }

    /// ‖dW_l‖ of `model` on the probe batch, input side first.
    fn gradient_norms(&self, model: &Mlp) -> Vec<f64> {
        layer_stats(model, std::slice::from_ref(&self.probe), self.lr)
            .iter()
            .map(|s| s.grad_norm)
            .collect()
    }
}

impl RunObserver for WebObserver {
    fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn started(&mut self, start: &RunStart) -> Result<()> {
        self.lr = start.config.lr;
        self.start_units = None;
        self.keep_units(start.first_epoch() - 1, &start.model);
        let model = &start.config.model;
        self.lab.publish(json!({
            "type": "started",
            "run": self.name,
            "first_epoch": start.first_epoch(),
            "widths": model.widths(),
            "activation": choice_name(model.activation),
            "head": choice_name(model.head),
            "engine": choice_name(start.config.engine),
            "epochs": start.config.epochs,
            "train_images": start.train_images,
            "test_images": start.test_images,
            "steps_per_epoch": start.steps_per_epoch,
            "units": true,
        }));
        Ok(())
    }

    fn progress(&mut self, progress: &Progress) {
        if progress.batches == 0 {
            self.next_report = 0;
        }
        if progress.images < self.next_report && progress.images < progress.total {
            return;
        }
        self.next_report = progress.images + progress.total.div_ceil(PROGRESS_EVENTS);
        self.lab.publish(json!({
            "type": "progress",
            "epoch": progress.epoch,
            "pass": if progress.pass == Pass::Train { "train" } else { "test" },
            "images": progress.images,
            "total": progress.total,
        }));
    }

    fn warmed_up(&mut self, warm_up: &WarmUp) {
        self.warm_up = Some(warm_up.seconds).filter(|_| warm_up.noticeable());
    }

    fn epoch_done(&mut self, metrics: &EpochMetrics, model: Option<&Mlp>) -> Result<()> {
        let norms = model.map(|m| self.gradient_norms(m));
        if let Some(model) = model {
            self.keep_units(metrics.epoch, model);
        }
        self.lab.publish(json!({
            "type": "epoch",
            "epoch": metrics.epoch,
            "train_loss": metrics.train_loss,
            "train_accuracy": metrics.train_accuracy,
            "test_loss": metrics.test_loss,
            "test_accuracy": metrics.test_accuracy,
            "seconds": metrics.seconds,
            "warm_up_seconds": self.warm_up.take(),
            "gradient_norms": norms,
            "units": model.is_some(),
        }));
        Ok(())
    }

    fn diverged(&mut self, divergence: &Divergence) {
        self.lab.publish(json!({
            "type": "diverged",
            "epoch": divergence.epoch,
            "step": divergence.step,
        }));
    }
}
