//! Central finite differences of the objective, the reference that needs no calculus:
//! (J(p + h) − J(p − h)) / 2h for sampled entries of every parameter, in f64.

use burn::prelude::*;

use super::compare::FlatTensor;
use super::manual;
use crate::loss::objective;
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
