//! Checking the manual gradients: against Burn's autodiff (every entry of every parameter)
//! and against central finite differences (sampled entries).
//!
//! Tolerances (see README "Checking the equations"): in f64, max |a − b| / max(|a|, |b|, 1e-12)
//! ≤ 1e-9 over every entry; in f32, |a − b| ≤ 1e-5 + 1e-4·|b| for every entry; finite
//! differences (f64, h = 1e-5) agree to a relative error ≤ 1e-6 (entries below 1e-2 measured
//! against 1e-2, see [`FD_FLOOR`]).

use burn::prelude::*;

use crate::loss::objective;
use crate::manual::{self, Gradients, LayerGradient};
use crate::model::{Activation, Mlp};
use crate::rng::SplitMix64;

/// Step of the central finite differences. With h = 1e-6 the quotient's rounding (≈ ε·J/h)
/// reached 3e-6 relative error on some entries (12 seeds measured); h = 1e-5 keeps the
/// worst at ≈ 1e-7 while the truncation error (≈ h²) stays far below.
pub const FD_STEP: f64 = 1e-5;
/// Largest relative error accepted from finite differences.
pub const FD_TOLERANCE: f64 = 1e-6;
/// Gradient magnitude below which finite-difference errors are measured against this floor
/// instead: the difference quotient's own rounding, about ε·J/h ≈ 2e-11·J, would swamp a
/// relative error of smaller entries (vanishing gradients of deep sigmoid nets reach 1e-8).
pub const FD_FLOOR: f64 = 1e-2;
/// Largest entry-wise relative error accepted between manual and autodiff gradients in f64.
pub const F64_TOLERANCE: f64 = 1e-9;
/// Absolute and relative parts of the f32 criterion |a − b| ≤ atol + rtol·|b|.
pub const F32_TOLERANCE: (f64, f64) = (1e-5, 1e-4);

/// Floating-point precision of a check, which sets its tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// 32-bit floats: |a − b| ≤ 1e-5 + 1e-4·|b|.
    F32,
    /// 64-bit floats: |a − b| / max(|a|, |b|, 1e-12) ≤ 1e-9.
    F64,
}

/// Gradients by Burn's autodiff of the exact objective, in the same layout as the manual ones.
/// `model` must live on an autodiff device.
///
/// # Shapes
/// - `images`: `[m, inputs]`, `targets`: `[m]`
pub fn autodiff_gradients(model: &Mlp, images: Tensor<2>, targets: Tensor<1, Int>) -> Gradients {
    let loss = objective(model.head, model.forward(images), targets);
    let grads = loss.backward();
    model
        .layers()
        .map(|layer| LayerGradient {
            weight: layer
                .weight
                .val()
                .grad(&grads)
                .expect("weight takes part in the loss"),
            bias: layer
                .bias
                .as_ref()
                .expect("layers have biases")
                .val()
                .grad(&grads)
                .expect("bias takes part in the loss"),
        })
        .collect()
}

/// The lab's names of the parameters, in [`Mlp::layers`] order: `W1, b1, W2, b2, …`.
pub fn parameter_names(layers: usize) -> Vec<String> {
    (1..=layers)
        .flat_map(|l| [format!("W{l}"), format!("b{l}")])
        .collect()
}

/// A gradient tensor flattened to f64, with its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatTensor {
    /// Burn-layout shape.
    pub shape: Vec<usize>,
    /// Entries in row-major order.
    pub values: Vec<f64>,
}

impl FlatTensor {
    /// Any tensor, flattened to f64 in row-major order.
    pub fn from_tensor<const D: usize>(tensor: Tensor<D>) -> Self {
        let data = tensor.into_data().convert::<f64>();
        Self {
            shape: data.shape().to_vec(),
            values: data.try_to_vec::<f64>().expect("converted to f64"),
        }
    }
}

/// Every parameter gradient flattened, in `W1, b1, W2, b2, …` order.
pub fn flatten(gradients: &Gradients) -> Vec<FlatTensor> {
    gradients
        .iter()
        .flat_map(|g| {
            [
                FlatTensor::from_tensor(g.weight.clone()),
                FlatTensor::from_tensor(g.bias.clone()),
            ]
        })
        .collect()
}

/// How far two gradients of one parameter are apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// max |a − b|.
    pub max_abs: f64,
    /// max |a − b| / max(|a|, |b|, 1e-12).
    pub max_rel: f64,
    /// Whether every entry meets the criterion of the precision.
    pub within_tolerance: bool,
}

/// Compares `a` (manual) with `b` (reference) entry by entry.
pub fn difference(a: &[f64], b: &[f64], precision: Precision) -> Difference {
    assert_eq!(a.len(), b.len(), "gradients of one parameter have one size");
    let (atol, rtol) = F32_TOLERANCE;
    let mut result = Difference {
        max_abs: 0.0,
        max_rel: 0.0,
        within_tolerance: true,
    };
    for (&x, &y) in a.iter().zip(b) {
        let abs = (x - y).abs();
        let rel = abs / x.abs().max(y.abs()).max(1e-12);
        result.max_abs = result.max_abs.max(abs);
        result.max_rel = result.max_rel.max(rel);
        let ok = match precision {
            Precision::F32 => abs <= atol + rtol * y.abs(),
            Precision::F64 => rel <= F64_TOLERANCE,
        };
        // NaN fails every comparison, so it is never within tolerance.
        result.within_tolerance &= ok && abs.is_finite();
    }
    result
}

/// Central finite differences of the objective for `samples` entries of every parameter,
/// compared with `manual`. Returns, per parameter, the largest relative error
/// |fd − manual| / max(|fd|, |manual|, [`FD_FLOOR`]) over the entries checked, and how many
/// were checked.
///
/// Entries are drawn (seeded by `seed`) among those whose manual gradient is at least 1e-3 of
/// the parameter's largest, where rounding does not swamp the difference quotient. With ReLU,
/// an entry whose ±h perturbation flips the sign of any pre-activation (a kink) is skipped.
/// Meant for an f64 device.
pub fn finite_difference_errors(
    model: &Mlp,
    images: Tensor<2>,
    targets: Tensor<1, Int>,
    manual: &[FlatTensor],
    samples: usize,
    seed: u64,
) -> Vec<(f64, usize)> {
    let mut rng = SplitMix64::new(seed);
    let loss_at = |model: &Mlp| -> (f64, Vec<Vec<bool>>) {
        let cache = manual::forward(model, images.clone());
        let value =
            objective(model.head, cache.logits().clone(), targets.clone()).into_scalar::<f64>();
        let signs = if model.activation == Activation::Relu {
            let hidden = &cache.pre_activations[..cache.pre_activations.len() - 1];
            hidden
                .iter()
                .map(|z| {
                    z.clone()
                        .greater_elem(0.0)
                        .into_data()
                        .try_to_vec::<bool>()
                        .unwrap_or_default()
                })
                .collect()
        } else {
            Vec::new()
        };
        (value, signs)
    };
    let (_, base_signs) = loss_at(model);

    manual
        .iter()
        .enumerate()
        .map(|(index, gradient)| {
            let largest = gradient.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let candidates: Vec<usize> = (0..gradient.values.len())
                .filter(|&i| gradient.values[i].abs() >= 1e-3 * largest && largest > 0.0)
                .collect();
            let mut worst = 0.0f64;
            let mut checked = 0;
            let mut tries = 0;
            while checked < samples.min(candidates.len()) && tries < 20 * samples {
                tries += 1;
                let entry = candidates[rng.below(candidates.len())];
                let (plus, plus_signs) = loss_at(&perturb(model, index, entry, FD_STEP));
                let (minus, minus_signs) = loss_at(&perturb(model, index, entry, -FD_STEP));
                if plus_signs != base_signs || minus_signs != base_signs {
                    continue; // a ReLU kink lies within h
                }
                let numeric = (plus - minus) / (2.0 * FD_STEP);
                let analytic = gradient.values[entry];
                let scale = numeric.abs().max(analytic.abs()).max(FD_FLOOR);
                let error = (numeric - analytic).abs() / scale;
                worst = worst.max(error);
                checked += 1;
            }
            (worst, checked)
        })
        .collect()
}

/// A copy of `model` with entry `entry` of parameter `index` (`W1, b1, W2, …` order) moved by `h`.
fn perturb(model: &Mlp, index: usize, entry: usize, h: f64) -> Mlp {
    let mut model = model.clone();
    let layer = index / 2;
    let target = if layer < model.hidden.len() {
        &mut model.hidden[layer]
    } else {
        &mut model.output
    };
    if index.is_multiple_of(2) {
        target.weight = target.weight.clone().map(|w| shift(w, entry, h));
    } else {
        target.bias = target.bias.take().map(|b| b.map(|b| shift(b, entry, h)));
    }
    model
}

/// `tensor` with its flat entry `entry` increased by `h`.
fn shift<const D: usize>(tensor: Tensor<D>, entry: usize, h: f64) -> Tensor<D> {
    let shape = tensor.shape();
    let device = tensor.device();
    let mut delta = vec![0.0f64; shape.num_elements()];
    delta[entry] = h;
    let delta = Tensor::<1>::from_data(TensorData::new(delta, [shape.num_elements()]), &device);
    tensor.add(delta.reshape(shape))
}

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
