//! Exploding gradients: a run stops at the first step whose loss or gradients are not finite,
//! before a NaN epoch is ever printed, and says where it happened.

use burn::prelude::*;

use crate::model::parameter_names;
use crate::readback::read_values;

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

/// What is not finite in one step, or `None` when all is well; reads the device once.
///
/// `parameter_sums` holds the sum of every gradient tensor in `W1, b1, W2, b2, …` order: a sum
/// is finite exactly when its entries are (short of an overflow at ~3e38, divergence anyway).
/// Training does not call this at each step: [`crate::train::watch::PassWatch`] keeps the
/// codes of the first bad step on the device and reads them with its periodic read.
///
/// # Shapes
/// - `loss`: `[1]`; each of `parameter_sums`: `[1]`
pub fn non_finite(loss: Tensor<1>, parameter_sums: Vec<Tensor<1>>) -> Option<String> {
    let parameters = parameter_sums.len();
    let codes = read_values(vec![non_finite_codes(loss, parameter_sums)]);
    describe(&codes, parameters)
}

/// One code per value, computed on the device: 0 finite, 1 NaN, 2 infinite.
///
/// # Shapes
/// - `loss`: `[1]`; each of `parameter_sums`: `[1]`; returns `[1 + parameter_sums.len()]`
pub fn non_finite_codes(loss: Tensor<1>, parameter_sums: Vec<Tensor<1>>) -> Tensor<1> {
    let mut parts = Vec::with_capacity(parameter_sums.len() + 1);
    parts.push(loss);
    parts.extend(parameter_sums);
    let values = Tensor::cat(parts, 0);
    values.clone().is_nan().float() + values.is_inf().float().mul_scalar(2.0)
}

/// What the codes of [`non_finite_codes`] say (the loss first, then `parameters` gradient
/// sums), e.g. "the loss is NaN; non-finite gradients: W1, b1"; `None` when all are 0.
pub fn describe(codes: &[f64], parameters: usize) -> Option<String> {
    if codes.iter().all(|&code| code == 0.0) {
        return None;
    }
    let mut detail = Vec::new();
    match codes.first().copied().unwrap_or(0.0) {
        0.0 => {}
        1.0 => detail.push("the loss is NaN".to_string()),
        _ => detail.push("the loss is infinite".to_string()),
    }
    let bad: Vec<String> = parameter_names(parameters / 2)
        .into_iter()
        .zip(codes.iter().skip(1))
        .filter(|(_, code)| **code != 0.0)
        .map(|(name, _)| name)
        .collect();
    if !bad.is_empty() {
        detail.push(format!("non-finite gradients: {}", bad.join(", ")));
    }
    Some(detail.join("; "))
}
