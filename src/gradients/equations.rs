//! The lab's backpropagation equations, one function each.
//!
//! Notation: m examples, layer l has n_l units, A_0 = X, Z_l = A_{l−1}·W_l + b_l,
//! A_l = f(Z_l), Ŷ = A_L = head(Z_L). Burn stores `W_l` as `[n_{l−1}, n_l]`, the transpose of
//! the lab's `[n_l, n_{l−1}]`, so the lab's `δ·W` becomes `δ·Wᵀ` here and its `δᵀ·A` becomes
//! `Aᵀ·δ`; the numbers are the same.

use burn::prelude::*;

use crate::fused::linear::matmul;
use crate::fused::tanh::tanh_backward;
use crate::model::Activation;

/// Output error, for both heads (softmax + cross-entropy, sigmoid + binary cross-entropy):
/// δ_L = ∂J/∂Z_L = (Ŷ − Y) / m.
///
/// # Shapes
/// - `probabilities` Ŷ, `targets` Y (one-hot): `[m, k]`
/// - returns: `[m, k]`
pub fn output_delta(probabilities: Tensor<2>, targets: Tensor<2>) -> Tensor<2> {
    let [m, _] = probabilities.dims();
    probabilities.sub(targets).div_scalar(m as f64)
}

/// Derivative of the hidden activation, from the layer's cached Z_l and A_l:
/// tanh' = 1 − A², sigmoid' = A(1 − A), relu' = 1[Z > 0].
///
/// # Shapes
/// - `pre_activation` Z_l, `activation` A_l: `[m, n_l]`
/// - returns: `[m, n_l]`
pub fn activation_derivative(
    activation: Activation,
    pre_activation: Tensor<2>,
    output: Tensor<2>,
) -> Tensor<2> {
    match activation {
        Activation::Tanh => output.clone().mul(output).neg().add_scalar(1.0),
        Activation::Sigmoid => output.clone().mul(output.neg().add_scalar(1.0)),
        Activation::Relu => pre_activation.greater_elem(0.0).float(),
    }
}

/// Hidden error, back through layer l+1: δ_l = (δ_{l+1} · W_{l+1}ᵀ) ⊙ f'(Z_l)
/// (the lab's δ1 = δ2·W2 ⊙ (1 − A1²), with W2 in the lab's orientation).
///
/// # Shapes
/// - `next_delta` δ_{l+1}: `[m, n_{l+1}]`
/// - `next_weight` W_{l+1}: `[n_l, n_{l+1}]` (Burn layout)
/// - `derivative` f'(Z_l): `[m, n_l]`
/// - returns: `[m, n_l]`
pub fn hidden_delta(
    next_delta: Tensor<2>,
    next_weight: Tensor<2>,
    derivative: Tensor<2>,
) -> Tensor<2> {
    matmul(next_delta, next_weight.transpose()).mul(derivative)
}

/// The same hidden error from the cached Z_l and A_l: for tanh, (δ_{l+1} · W_{l+1}ᵀ) ⊙ (1 − A²)
/// in one pass after the product ([`crate::fused::tanh::tanh_backward`], the very operation
/// Burn's autodiff runs for the fused tanh, with the same result bit for bit as
/// [`hidden_delta`] with [`activation_derivative`]); the others through [`hidden_delta`].
///
/// # Shapes
/// - `next_delta` δ_{l+1}: `[m, n_{l+1}]`, `next_weight` W_{l+1}: `[n_l, n_{l+1}]`
/// - `pre_activation` Z_l, `output` A_l: `[m, n_l]`
/// - returns: `[m, n_l]`
pub fn hidden_delta_through(
    activation: Activation,
    next_delta: Tensor<2>,
    next_weight: Tensor<2>,
    pre_activation: Tensor<2>,
    output: Tensor<2>,
) -> Tensor<2> {
    match activation {
        Activation::Tanh => tanh_backward(output, matmul(next_delta, next_weight.transpose())),
        _ => hidden_delta(
            next_delta,
            next_weight,
            activation_derivative(activation, pre_activation, output),
        ),
    }
}

/// Weight gradient: dW_l = A_{l−1}ᵀ · δ_l (the lab's dW = δᵀ·A/m, transposed; the 1/m is in δ).
///
/// # Shapes
/// - `previous_activation` A_{l−1}: `[m, n_{l−1}]`
/// - `delta` δ_l: `[m, n_l]`
/// - returns: `[n_{l−1}, n_l]` (Burn layout)
pub fn weight_grad(previous_activation: Tensor<2>, delta: Tensor<2>) -> Tensor<2> {
    matmul(previous_activation.transpose(), delta)
}

/// Bias gradient: db_l = Σ_i δ_l (sum over the examples; the 1/m is in δ).
///
/// # Shapes
/// - `delta` δ_l: `[m, n_l]`
/// - returns: `[n_l]`
pub fn bias_grad(delta: Tensor<2>) -> Tensor<1> {
    let [_, n] = delta.dims();
    delta.sum_dim(0).reshape([n])
}

/// Plain SGD update: p ← p − η·dp.
///
/// # Shapes
/// - `parameter`, `gradient`: any, equal
pub fn sgd_update<const D: usize>(parameter: Tensor<D>, gradient: Tensor<D>, lr: f64) -> Tensor<D> {
    parameter.sub(gradient.mul_scalar(lr))
}
