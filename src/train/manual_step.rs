//! One SGD step of the lab's equations ([`crate::gradients::manual`]) with the divergence
//! check: what the manual engine and the study repeat.

use burn::prelude::*;

use super::divergence::non_finite;
use crate::gradients::manual::{LayerGradient, clip_by_norm, sgd_step};
use crate::gradients::shards::{shard_count, sharded_gradients};
use crate::loss::objective;
use crate::model::Mlp;

/// One training step of the lab's equations: forward, backward (in row blocks on the compute
/// pool's threads when it has several, see [`crate::gradients::shards`]), a check that the
/// objective and every gradient are finite, optional clipping ([`clip_by_norm`]) and the SGD
/// update. Gives the updated model and the batch's logits `[m, k]` (for the metrics), or what
/// was not finite, in which case nothing is updated.
///
/// # Shapes
/// - `images`: `[m, inputs]`, `targets`: `[m]`
pub fn train_step(
    model: Mlp,
    images: Tensor<2>,
    targets: &Tensor<1, Int>,
    lr: f64,
    clip_grad_norm: Option<f64>,
) -> Result<(Mlp, Tensor<2>), String> {
    let [rows, _] = images.dims();
    let blocks = shard_count(rows, rayon::current_num_threads());
    let (mut gradients, logits) = sharded_gradients(&model, images, targets, blocks);
    if let Some(detail) = step_non_finite(&model, logits.clone(), &gradients, targets) {
        return Err(detail);
    }
    if let Some(norm) = clip_grad_norm {
        gradients = clip_by_norm(gradients, norm);
    }
    Ok((sgd_step(model, &gradients, lr), logits))
}

/// What is not finite among the objective and the gradients of a step (see [`non_finite`]);
/// `None` when all is finite. Reads the device once.
///
/// # Shapes
/// - `logits`: `[m, k]`, `targets`: `[m]`
pub fn step_non_finite(
    model: &Mlp,
    logits: Tensor<2>,
    gradients: &[LayerGradient],
    targets: &Tensor<1, Int>,
) -> Option<String> {
    let loss = objective(model.head, logits, targets.clone());
    let sums = gradients
        .iter()
        .flat_map(|g| [g.weight.clone().sum(), g.bias.clone().sum()])
        .collect();
    non_finite(loss, sums)
}
