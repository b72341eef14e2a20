//! What the study measures on a model: per-layer gradient norms and update ratios over fixed
//! probe batches, and the agreement of the manual gradients with autodiff.

use burn::prelude::*;

use crate::data::MnistBatch;
use crate::gradients::{autodiff_gradients, flatten, manual};
use crate::model::Mlp;

/// Largest accepted |manual − autodiff| over a gradient tensor, relative to that tensor's
/// largest entry. Relative to each entry (the gradcheck criterion) does not suit f32 here:
/// entries near zero are sums of terms up to 1e6 times larger in the exploding settings.
pub const AGREEMENT_TOLERANCE: f64 = 1e-4;

/// Measurements of one layer's weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerStat {
    /// ‖dW_l‖ (Frobenius), mean over the probe batches.
    pub grad_norm: f64,
    /// ‖W_l‖ (Frobenius).
    pub weight_norm: f64,
    /// η‖dW_l‖ / ‖W_l‖: the relative size of one SGD update (≈ 1e-3 is the usual healthy value).
    pub update_ratio: f64,
}

/// ‖dW_l‖ averaged over `probes`, ‖W_l‖ and η‖dW_l‖/‖W_l‖ for every layer (input side first),
/// with the manual gradients; one read from the device.
pub fn layer_stats(model: &Mlp, probes: &[MnistBatch], lr: f64) -> Vec<LayerStat> {
    let layers = model.layers().count();
    let mut grad_sums: Vec<Option<Tensor<1>>> = vec![None; layers];
    for probe in probes {
        let gradients = manual::gradients(model, probe.images.clone(), probe.targets.clone());
        for (sum, gradient) in grad_sums.iter_mut().zip(gradients) {
            let norm = frobenius(gradient.weight);
            *sum = Some(match sum.take() {
                Some(total) => total + norm,
                None => norm,
            });
        }
    }
    let weights = model.layers().map(|layer| frobenius(layer.weight.val()));
    let all: Vec<Tensor<1>> = grad_sums.into_iter().flatten().chain(weights).collect();
    let values = read(Tensor::cat(all, 0));
    let (grads, weights) = values.split_at(layers);
    grads
        .iter()
        .zip(weights)
        .map(|(&sum, &weight_norm)| {
            let grad_norm = sum / probes.len() as f64;
            LayerStat {
                grad_norm,
                weight_norm,
                update_ratio: lr * grad_norm / weight_norm,
            }
        })
        .collect()
}

/// How far the manual gradients are from Burn's autodiff on one batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agreement {
    /// max over parameters of max|manual − autodiff| / max|autodiff|.
    pub max_relative: f64,
}

impl Agreement {
    /// Within [`AGREEMENT_TOLERANCE`] (NaN never is).
    pub fn ok(&self) -> bool {
        self.max_relative <= AGREEMENT_TOLERANCE
    }
}

/// Compares the manual gradients of `model` (plain device) with autodiff on `batch`, every
/// entry of every parameter.
pub fn agreement(model: &Mlp, batch: &MnistBatch) -> Agreement {
    let manual = flatten(&manual::gradients(
        model,
        batch.images.clone(),
        batch.targets.clone(),
    ));
    let reference = flatten(&autodiff_gradients(
        &model.clone().train(),
        batch.images.clone().autodiff(),
        batch.targets.clone(),
    ));
    let max_relative = manual
        .iter()
        .zip(&reference)
        .map(|(a, b)| {
            let largest = b.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let diff = a
                .values
                .iter()
                .zip(&b.values)
                .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
            if diff == 0.0 { 0.0 } else { diff / largest }
        })
        .fold(0.0f64, |m, r| {
            if m.is_nan() || r.is_nan() {
                f64::NAN
            } else {
                m.max(r)
            }
        });
    Agreement { max_relative }
}

/// ‖t‖ = √Σ t²: `[a, b] → [1]`.
fn frobenius(tensor: Tensor<2>) -> Tensor<1> {
    tensor.square().sum().sqrt()
}

fn read(tensor: Tensor<1>) -> Vec<f64> {
    tensor
        .into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .unwrap_or_default()
}
