//! Losses: the exact training objective, and the loss the lab reports.
//!
//! Both average over the batch and sum over classes, so the gradient of the objective with
//! respect to the logits is exactly (Ŷ − Y)/m for both heads.

use burn::prelude::*;
use burn::tensor::activation;

use crate::fused::cross_entropy::softmax_cross_entropy;
use crate::model::Head;

/// The ε the lab adds inside its logarithms when it reports a loss.
pub const LAB_EPSILON: f64 = 1e-8;

/// One-hot targets Y.
///
/// # Shapes
/// - `targets`: `[m]` class indices
/// - returns: `[m, classes]`
pub fn one_hot(targets: Tensor<1, Int>, classes: usize) -> Tensor<2> {
    targets.one_hot(classes).float()
}

/// The training objective, computed stably from the logits:
/// softmax-ce: J = −(1/m) Σ_i Σ_k Y log softmax(Z) (fused on flex, see
/// [`crate::fused::cross_entropy`]);
/// sigmoid-bce: J = −(1/m) Σ_i Σ_k [Y log σ(Z) + (1 − Y) log σ(−Z)] (binary cross-entropy
/// on the logits).
///
/// # Shapes
/// - `logits`: `[m, k]`, `targets`: `[m]`
/// - returns: `[1]`
pub fn objective(head: Head, logits: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    match head {
        Head::SoftmaxCe => softmax_cross_entropy(logits, targets),
        // −[Y log σ(Z) + (1 − Y) log σ(−Z)], with Burn's overflow-free log-sigmoid (whose
        // derivative is right at Z = 0, where a max(Z, 0)-based softplus gives 0 instead of ½).
        Head::SigmoidBce => {
            let [m, k] = logits.dims();
            let y = one_hot(targets, k);
            let positive = activation::log_sigmoid(logits.clone()).mul(y.clone());
            let negative = activation::log_sigmoid(logits.neg()).mul(y.neg().add_scalar(1.0));
            // × (1/m) rather than ÷ m: Burn 0.22.1's autodiff differentiates `div_scalar`
            // through an f32 reciprocal, which would cost f64 gradients about 5e-8 of relative
            // precision.
            positive
                .add(negative)
                .neg()
                .sum()
                .mul_scalar(1.0 / m as f64)
        }
    }
}

/// The loss as the lab reports it, with ε = 1e-8 inside the logarithms:
/// softmax-ce: −(1/m) Σ Y log(Ŷ + ε);
/// sigmoid-bce: −(1/m) Σ [Y log(Ŷ + ε) + (1 − Y) log(1 − Ŷ + ε)].
///
/// # Shapes
/// - `logits`: `[m, k]`, `targets`: `[m]`
/// - returns: `[1]`
pub fn lab_loss(head: Head, logits: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    lab_loss_per_example(head, logits, targets).mean()
}

/// The lab's loss of each example (the terms that [`lab_loss`] averages).
///
/// # Shapes
/// - `logits`: `[m, k]`, `targets`: `[m]`
/// - returns: `[m]`
pub fn lab_loss_per_example(head: Head, logits: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    let [m, k] = logits.dims();
    let y = one_hot(targets, k);
    let probabilities = head.probabilities(logits);
    let per_entry = match head {
        Head::SoftmaxCe => probabilities.add_scalar(LAB_EPSILON).log().mul(y),
        Head::SigmoidBce => {
            let positive = probabilities.clone().add_scalar(LAB_EPSILON).log();
            let negative = probabilities.neg().add_scalar(1.0 + LAB_EPSILON).log();
            positive.mul(y.clone()) + negative.mul(y.neg().add_scalar(1.0))
        }
    };
    per_entry.sum_dim(1).reshape([m]).neg()
}
