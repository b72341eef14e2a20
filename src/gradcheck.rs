//! The gradient check: the manual gradients of a model against Burn's autodiff (every entry of
//! every parameter) and against central finite differences (sampled entries), one row per
//! parameter.

use burn::prelude::*;

use crate::gradients::{
    Difference, FD_TOLERANCE, Precision, autodiff_gradients, difference, finite_difference_errors,
    flatten, manual,
};
use crate::model::{Mlp, parameter_names};

/// One row of a gradient check: a parameter, how manual and autodiff differ, and the
/// finite-difference error when it was measured.
#[derive(Debug, Clone)]
pub struct Row {
    /// The lab's name, `W1`, `b1`, …
    pub name: String,
    /// Burn-layout shape.
    pub shape: Vec<usize>,
    /// Manual against autodiff, every entry.
    pub autodiff: Difference,
    /// Largest finite-difference relative error and the number of entries checked (f64 only).
    pub finite_difference: Option<(f64, usize)>,
}

impl Row {
    /// Within every tolerance that applies.
    pub fn ok(&self) -> bool {
        self.autodiff.within_tolerance
            && self
                .finite_difference
                .is_none_or(|(error, checked)| checked > 0 && error <= FD_TOLERANCE)
    }
}

/// Checks the manual gradients of `model` (on an autodiff device) on one batch: every entry
/// against autodiff, and `fd_samples` entries per parameter against finite differences when
/// `precision` is f64 (`fd_samples` = 0 skips them).
///
/// # Shapes
/// - `images`: `[m, inputs]` (plain device), `targets`: `[m]`
pub fn check(
    model: &Mlp,
    images: Tensor<2>,
    targets: Tensor<1, Int>,
    precision: Precision,
    fd_samples: usize,
    seed: u64,
) -> Vec<Row> {
    let reference = flatten(&autodiff_gradients(
        model,
        images.clone().autodiff(),
        targets.clone(),
    ));
    let plain = model.valid();
    let computed = flatten(&manual::gradients(&plain, images.clone(), targets.clone()));
    let fd = (precision == Precision::F64 && fd_samples > 0)
        .then(|| finite_difference_errors(&plain, images, targets, &computed, fd_samples, seed));
    parameter_names(computed.len() / 2)
        .into_iter()
        .enumerate()
        .map(|(i, name)| Row {
            name,
            shape: computed[i].shape.clone(),
            autodiff: difference(&computed[i].values, &reference[i].values, precision),
            finite_difference: fd.as_ref().map(|fd| fd[i]),
        })
        .collect()
}
