//! Exploding gradients: a run stops at the first step whose loss or gradients are not finite,
//! before a NaN epoch is ever printed, and says where it happened.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use burn::prelude::*;
use burn::train::Interrupter;

use crate::model::parameter_names;

/// Where a run diverged, and what stopped being finite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// 1-based epoch.
    pub epoch: usize,
    /// 1-based SGD step within the epoch.
    pub step: usize,
    /// What was not finite, e.g. "the loss is NaN; non-finite gradients: W1, b1".
    pub detail: String,
}

impl Divergence {
    /// The divergence an [`Error::Diverged`](crate::error::Error::Diverged) reports, if it is one.
    pub fn of(error: &crate::error::Error) -> Option<Self> {
        match error {
            crate::error::Error::Diverged {
                epoch,
                step,
                detail,
            } => Some(Self {
                epoch: *epoch,
                step: *step,
                detail: detail.clone(),
            }),
            _ => None,
        }
    }
}

impl From<Divergence> for crate::error::Error {
    fn from(d: Divergence) -> Self {
        crate::error::Error::Diverged {
            epoch: d.epoch,
            step: d.step,
            detail: d.detail,
        }
    }
}

/// What is not finite in one step, or `None` when all is well.
///
/// `parameter_sums` holds the sum of every gradient tensor in `W1, b1, W2, b2, …` order: a sum
/// is finite exactly when its entries are (short of an overflow at ~3e38, divergence anyway).
/// The loss and the sums are read from the device in one transfer.
///
/// # Shapes
/// - `loss`: `[1]`; each of `parameter_sums`: `[1]`
pub fn non_finite(loss: Tensor<1>, parameter_sums: Vec<Tensor<1>>) -> Option<String> {
    let parameters = parameter_sums.len();
    let mut parts = Vec::with_capacity(parameters + 1);
    parts.push(loss);
    parts.extend(parameter_sums);
    let values = Tensor::cat(parts, 0)
        .into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .unwrap_or_default();
    if values.iter().all(|v| v.is_finite()) {
        return None;
    }
    let mut detail = Vec::new();
    if !values[0].is_finite() {
        detail.push(format!("the loss is {}", describe(values[0])));
    }
    let bad: Vec<String> = parameter_names(parameters / 2)
        .into_iter()
        .zip(&values[1..])
        .filter(|(_, v)| !v.is_finite())
        .map(|(name, _)| name)
        .collect();
    if !bad.is_empty() {
        detail.push(format!("non-finite gradients: {}", bad.join(", ")));
    }
    Some(detail.join("; "))
}

fn describe(value: f64) -> &'static str {
    if value.is_nan() { "NaN" } else { "infinite" }
}

/// Watches the steps of Burn's `Learner` from inside the model's training step: counts them,
/// keeps the first divergence and stops the Learner through its interrupter.
#[derive(Clone)]
pub struct DivergenceGuard {
    state: Arc<GuardState>,
}

struct GuardState {
    steps: AtomicUsize,
    steps_per_epoch: usize,
    first_epoch: usize,
    found: Mutex<Option<Divergence>>,
    interrupter: Interrupter,
}

impl DivergenceGuard {
    /// A guard for a run starting at `first_epoch` with `steps_per_epoch` batches per epoch.
    pub fn new(first_epoch: usize, steps_per_epoch: usize, interrupter: Interrupter) -> Self {
        Self {
            state: Arc::new(GuardState {
                steps: AtomicUsize::new(0),
                steps_per_epoch: steps_per_epoch.max(1),
                first_epoch,
                found: Mutex::new(None),
                interrupter,
            }),
        }
    }

    /// Counts one step; `problem` (from [`non_finite`]) records the divergence and stops the run.
    pub fn step(&self, problem: Option<String>) {
        let index = self.state.steps.fetch_add(1, Ordering::SeqCst);
        let Some(detail) = problem else { return };
        let mut found = self.state.found.lock().expect("divergence lock");
        if found.is_none() {
            *found = Some(Divergence {
                epoch: self.state.first_epoch + index / self.state.steps_per_epoch,
                step: index % self.state.steps_per_epoch + 1,
                detail,
            });
            self.state.interrupter.stop(Some("training diverged"));
        }
    }

    /// The first divergence seen, if any.
    pub fn divergence(&self) -> Option<Divergence> {
        self.state.found.lock().expect("divergence lock").clone()
    }
}

impl std::fmt::Debug for DivergenceGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DivergenceGuard")
            .field("steps", &self.state.steps.load(Ordering::SeqCst))
            .finish()
    }
}
