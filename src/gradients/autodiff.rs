//! Gradients by Burn's autodiff, in the same layout as the manual ones.

use burn::prelude::*;

use super::manual::{Gradients, LayerGradient};
use crate::loss::objective;
use crate::model::Mlp;

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
