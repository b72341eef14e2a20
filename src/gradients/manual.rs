//! Backpropagation by hand: the lab's equations applied to the parameters of the Burn
//! [`Mlp`], on a plain (non-autodiff) device, for any depth.
//!
//! [`forward`] keeps every layer's Z_l and A_l; [`backward`] walks the layers from the output
//! back with the functions of [`super::equations`]; [`sgd_step`] applies p ← p − η·dp. The gradients
//! come back in the module's own layout, so they compare entry by entry with Burn's autodiff.

use burn::grad_clipping::GradientClipping;
use burn::module::Param;
use burn::prelude::*;

use super::equations::{bias_grad, hidden_delta_through, output_delta, sgd_update, weight_grad};
use crate::fused::linear::{linear, matmul};
use crate::loss::one_hot;
use crate::model::Mlp;

/// What the forward pass keeps for the backward pass.
#[derive(Debug, Clone)]
pub struct ForwardCache {
    /// A_0 = X, A_1 … A_{L−1} (hidden outputs), A_L = Ŷ: `[m, n_l]` each.
    pub activations: Vec<Tensor<2>>,
    /// Z_1 … Z_L: `[m, n_l]` each (Z_L are the logits).
    pub pre_activations: Vec<Tensor<2>>,
}

impl ForwardCache {
    /// Logits Z_L: `[m, k]`.
    pub fn logits(&self) -> &Tensor<2> {
        self.pre_activations.last().expect("at least one layer")
    }

    /// Probabilities Ŷ = A_L: `[m, k]`.
    pub fn probabilities(&self) -> &Tensor<2> {
        self.activations.last().expect("at least one layer")
    }
}

/// Gradient of one layer, in Burn's layout.
#[derive(Debug, Clone)]
pub struct LayerGradient {
    /// dW_l: `[n_{l−1}, n_l]`.
    pub weight: Tensor<2>,
    /// db_l: `[n_l]`.
    pub bias: Tensor<1>,
}

/// Gradients of every layer, in [`Mlp::layers`] order (hidden layers first, output last).
pub type Gradients = Vec<LayerGradient>;

/// Forward pass keeping every layer's Z and A.
///
/// # Shapes
/// - `images` X: `[m, inputs]`
pub fn forward(model: &Mlp, images: Tensor<2>) -> ForwardCache {
    let mut activations = vec![images];
    let mut pre_activations = Vec::with_capacity(model.hidden.len() + 1);
    for layer in &model.hidden {
        let z = linear(layer, activations.last().unwrap().clone()); // [m, n_l]
        activations.push(model.activation.apply(z.clone()));
        pre_activations.push(z);
    }
    let logits = linear(&model.output, activations.last().unwrap().clone()); // [m, k]
    activations.push(model.head.probabilities(logits.clone()));
    pre_activations.push(logits);
    ForwardCache {
        activations,
        pre_activations,
    }
}

/// Backward pass: every layer's dW and db from the cache and the targets.
///
/// # Shapes
/// - `targets`: `[m]` class indices
pub fn backward(model: &Mlp, cache: &ForwardCache, targets: Tensor<1, Int>) -> Gradients {
    walk_back(model, cache, targets, false).0
}

/// Backward pass that also hands back every layer's error δ_l = ∂J/∂Z_l, in forward order
/// (δ_1 … δ_L, each `[m, n_l]`), beside the gradients of [`backward`].
///
/// # Shapes
/// - `targets`: `[m]` class indices
pub fn backward_with_deltas(
    model: &Mlp,
    cache: &ForwardCache,
    targets: Tensor<1, Int>,
) -> (Gradients, Vec<Tensor<2>>) {
    walk_back(model, cache, targets, true)
}

/// The layers from the output back; the deltas are kept only when asked (a training step
/// needs none, and holding them would keep their buffers alive through the step).
fn walk_back(
    model: &Mlp,
    cache: &ForwardCache,
    targets: Tensor<1, Int>,
    keep_deltas: bool,
) -> (Gradients, Vec<Tensor<2>>) {
    let [_, classes] = cache.probabilities().dims();
    let weights: Vec<Tensor<2>> = model.layers().map(|layer| layer.weight.val()).collect();
    let depth = weights.len();

    let mut delta = output_delta(cache.probabilities().clone(), one_hot(targets, classes));
    let mut gradients = Vec::with_capacity(depth);
    let mut deltas = Vec::new();
    for l in (0..depth).rev() {
        let previous = cache.activations[l].clone(); // A_{l} feeds layer l+1 (0-based l)
        gradients.push(LayerGradient {
            weight: weight_grad(previous, delta.clone()),
            bias: bias_grad(delta.clone()),
        });
        if keep_deltas {
            deltas.push(delta.clone());
        }
        if l > 0 {
            delta = hidden_delta_through(
                model.activation,
                delta,
                weights[l].clone(),
                cache.pre_activations[l - 1].clone(),
                cache.activations[l].clone(),
            );
        }
    }
    gradients.reverse();
    deltas.reverse();
    (gradients, deltas)
}

/// ∂J/∂X, the gradient of the loss with respect to the input pixels: the errors carried back
/// as in [`backward`], then one step past the first layer, δ_0 = δ_1 · W_1ᵀ (the input has no
/// activation, so no derivative multiplies it).
///
/// # Shapes
/// - `targets`: `[m]` class indices; returns `[m, inputs]`
pub fn input_gradient(model: &Mlp, cache: &ForwardCache, targets: Tensor<1, Int>) -> Tensor<2> {
    let [_, classes] = cache.probabilities().dims();
    let weights: Vec<Tensor<2>> = model.layers().map(|layer| layer.weight.val()).collect();
    let mut delta = output_delta(cache.probabilities().clone(), one_hot(targets, classes));
    for l in (1..weights.len()).rev() {
        delta = hidden_delta_through(
            model.activation,
            delta,
            weights[l].clone(),
            cache.pre_activations[l - 1].clone(),
            cache.activations[l].clone(),
        );
    }
    matmul(delta, weights[0].clone().transpose()) // [m, inputs]
}

/// Forward and backward in one call.
///
/// # Shapes
/// - `images`: `[m, inputs]`, `targets`: `[m]`
pub fn gradients(model: &Mlp, images: Tensor<2>, targets: Tensor<1, Int>) -> Gradients {
    let cache = forward(model, images);
    backward(model, &cache, targets)
}

/// Each gradient tensor scaled down to L2 norm `max_norm` if larger, with Burn's own
/// gradient clipping (the one `train --clip-grad-norm` gives the Learner's SGD): per tensor,
/// not over all of them.
pub fn clip_by_norm(gradients: Gradients, max_norm: f64) -> Gradients {
    let clipping = GradientClipping::Norm(max_norm as f32);
    gradients
        .into_iter()
        .map(|g| LayerGradient {
            weight: clipping.clip_gradient(g.weight),
            bias: clipping.clip_gradient(g.bias),
        })
        .collect()
}

/// One plain SGD step with the given gradients; parameter ids are kept. Each parameter and
/// gradient is consumed, so that the update can reuse their buffers (as Burn's optimizer does)
/// rather than allocate new ones.
pub fn sgd_step(mut model: Mlp, gradients: Gradients, lr: f64) -> Mlp {
    let layers = model
        .hidden
        .iter_mut()
        .chain(std::iter::once(&mut model.output));
    for (layer, gradient) in layers.zip(gradients) {
        let weight = take_param(&mut layer.weight);
        layer.weight = weight.map(|w| sgd_update(w, gradient.weight, lr));
        layer.bias = layer
            .bias
            .take()
            .map(|b| b.map(|b| sgd_update(b, gradient.bias, lr)));
    }
    model
}

/// Moves a parameter out of its place, leaving an empty one there until it is put back.
fn take_param<const D: usize>(param: &mut Param<Tensor<D>>) -> Param<Tensor<D>> {
    let device = param.device();
    std::mem::replace(param, Param::from_tensor(Tensor::empty([0; D], &device)))
}
