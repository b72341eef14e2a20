//! One SGD step of the lab's equations ([`crate::gradients::manual`]), watched: what the manual
//! engine and the study repeat.

use burn::prelude::*;

use super::watch::PassWatch;
use crate::gradients::manual::{clip_by_norm, sgd_step};
use crate::gradients::shards::{shard_count, sharded_gradients};
use crate::loss::objective;
use crate::model::Mlp;

/// One training step of the lab's equations: forward, backward (in row blocks on the compute
/// pool's threads when it has several, see [`crate::gradients::shards`]), optional clipping
/// ([`clip_by_norm`]) and the SGD update. The batch's loss and correct predictions, and
/// whether its objective and gradients are finite, go to `watch` on the device: nothing is
/// read here (the caller asks [`PassWatch::batch_done`], which reads a few times per pass).
///
/// # Shapes
/// - `images`: `[m, inputs]`, `targets`: `[m]`
pub fn train_step(
    model: Mlp,
    images: Tensor<2>,
    targets: Tensor<1, Int>,
    lr: f64,
    clip_grad_norm: Option<f64>,
    watch: &mut PassWatch,
) -> Mlp {
    let [rows, _] = images.dims();
    let blocks = shard_count(rows, rayon::current_num_threads(), model.largest_weights());
    let (mut gradients, logits) = sharded_gradients(&model, images, &targets, blocks);
    let sums = gradients
        .iter()
        .flat_map(|g| [g.weight.clone().sum(), g.bias.clone().sum()])
        .collect();
    watch.check_step(objective(model.head, logits.clone(), targets.clone()), sums);
    watch.add(logits, targets);
    if let Some(norm) = clip_grad_norm {
        gradients = clip_by_norm(gradients, norm);
    }
    sgd_step(model, gradients, lr)
}
