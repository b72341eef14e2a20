//! The linear layer Z = X·W + b as one fused operation, and the matrix product it is made of.
//!
//! Burn's `Linear` is a product and a broadcast addition: two operations, two autodiff nodes,
//! and on flex an output allocated twice per product (a zero-filled buffer, then an aligned
//! copy). Fused, the forward pass is one gemm into a `Vec` with the bias added in place
//! ([`super::products`]), and the backward pass one node: dW = Xᵀ·G and dX = G·Wᵀ through the
//! same products, db = Σ_rows G through Burn's own column sum. Each is computed by the same
//! gemm call (or the same Burn operation) as before, so the values are Burn's bit for bit:
//! the printed run does not change. On the other backends the layer keeps Burn's form.

use burn::nn::Linear;
use burn::prelude::*;

/// Z = X·W + b for a Burn `Linear` (`weight [n_in, n_out]`, `bias [n_out]`), fused on flex.
///
/// # Shapes
/// - `x`: `[m, n_in]` → `[m, n_out]`
pub fn linear(layer: &Linear, x: Tensor<2>) -> Tensor<2> {
    #[cfg(feature = "flex")]
    if super::on_flex(&x.device())
        && let Some(bias) = &layer.bias
    {
        use burn::backend::Dispatch;
        let output = <Dispatch as flex_ext::FusedLinear>::fused_linear(
            x.into_dispatch(),
            layer.weight.val().into_dispatch(),
            bias.val().into_dispatch(),
        );
        return Tensor::from_dispatch(output);
    }
    layer.forward(x)
}

/// The matrix product a·b; on flex its output is written by gemm straight into its storage
/// (under autodiff it is Burn's tracked product).
///
/// # Shapes
/// - `a`: `[m, k]`, `b`: `[k, n]` → `[m, n]`
pub fn matmul(a: Tensor<2>, b: Tensor<2>) -> Tensor<2> {
    #[cfg(feature = "flex")]
    if super::on_flex(&a.device()) {
        use burn::backend::Dispatch;
        let output =
            <Dispatch as flex_ext::FusedLinear>::fused_matmul(a.into_dispatch(), b.into_dispatch());
        return Tensor::from_dispatch(output);
    }
    a.matmul(b)
}

#[cfg(feature = "flex")]
mod flex_ext {
    use burn::backend::autodiff::checkpoint::base::Checkpointer;
    use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
    use burn::backend::autodiff::grads::Gradients;
    use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
    use burn::backend::ops::FloatTensorOps;
    use burn::backend::tensor::FloatTensor;
    use burn::backend::{Autodiff, Backend, Flex, TensorMetadata, backend_extension};
    use burn::tensor::{DType, Shape};
    use burn_flex::FlexTensor;

    use crate::fused::products;

    /// The fused linear layer and its product, as backend operations.
    #[backend_extension(Flex, Autodiff)]
    pub trait FusedLinear: Backend {
        /// `[m, n]`: x·w + b, for x `[m, k]`, w `[k, n]`, b `[n]`.
        fn fused_linear(
            x: FloatTensor<Self>,
            weight: FloatTensor<Self>,
            bias: FloatTensor<Self>,
        ) -> FloatTensor<Self>;

        /// `[m, n]`: a·b, for a `[m, k]` and b `[k, n]` (either may be a transposed view).
        fn fused_matmul(a: FloatTensor<Self>, b: FloatTensor<Self>) -> FloatTensor<Self>;
    }

    impl FusedLinear for Flex {
        fn fused_linear(x: FlexTensor, weight: FlexTensor, bias: FlexTensor) -> FlexTensor {
            match (x.dtype(), weight.dtype(), bias.dtype()) {
                (DType::F32, DType::F32, DType::F32) => products::linear::<f32>(&x, &weight, &bias),
                (DType::F64, DType::F64, DType::F64) => products::linear::<f64>(&x, &weight, &bias),
                _ => {
                    let n = weight.shape()[1];
                    let product = Flex::float_matmul(x, weight);
                    Flex::float_add(product, Flex::float_reshape(bias, Shape::new([1, n])))
                }
            }
        }

        fn fused_matmul(a: FlexTensor, b: FlexTensor) -> FlexTensor {
            match (a.dtype(), b.dtype()) {
                (DType::F32, DType::F32) => products::product::<f32>(&a, &b),
                (DType::F64, DType::F64) => products::product::<f64>(&a, &b),
                _ => Flex::float_matmul(a, b),
            }
        }
    }

    impl<B: FusedLinear, C: CheckpointStrategy> FusedLinear for Autodiff<B, C> {
        fn fused_linear(
            x: FloatTensor<Self>,
            weight: FloatTensor<Self>,
            bias: FloatTensor<Self>,
        ) -> FloatTensor<Self> {
            /// Keeps X (when W is tracked) and W (when X is tracked) for the backward step.
            #[derive(Debug)]
            struct LinearStep;

            impl<B: FusedLinear> Backward<B, 3> for LinearStep {
                type State = (Option<FloatTensor<B>>, Option<FloatTensor<B>>);

                fn backward(
                    self,
                    ops: Ops<Self::State, 3>,
                    grads: &mut Gradients,
                    _: &mut Checkpointer,
                ) {
                    let (x, weight) = ops.state;
                    let [x_node, weight_node, bias_node] = ops.parents;
                    let g = grads.consume::<B>(&ops.node); // G = ∂J/∂Z, [m, n]
                    if let Some(node) = bias_node {
                        let n = g.shape()[1];
                        let sums = B::float_sum_dim(g.clone(), 0); // [1, n]
                        grads.register::<B>(node.id, B::float_reshape(sums, Shape::new([n])));
                    }
                    if let (Some(node), Some(x)) = (weight_node, x) {
                        let x_t = B::float_transpose(x); // [k, m]
                        grads.register::<B>(node.id, B::fused_matmul(x_t, g.clone()));
                    }
                    if let (Some(node), Some(weight)) = (x_node, weight) {
                        let weight_t = B::float_transpose(weight); // [n, k]
                        grads.register::<B>(node.id, B::fused_matmul(g, weight_t));
                    }
                }
            }

            let (x_tracked, weight_tracked) = (x.is_tracked(), weight.is_tracked());
            let (x, x_node) = x.into_parts();
            let (weight, weight_node) = weight.into_parts();
            let (bias, bias_node) = bias.into_parts();
            match LinearStep
                .prepare::<C>([x_node, weight_node, bias_node])
                .compute_bound()
                .stateful()
            {
                OpsKind::Tracked(prep) => {
                    let state = (
                        weight_tracked.then(|| x.clone()),
                        x_tracked.then(|| weight.clone()),
                    );
                    prep.finish(state, B::fused_linear(x, weight, bias))
                }
                OpsKind::UnTracked(prep) => prep.finish(B::fused_linear(x, weight, bias)),
            }
        }

        fn fused_matmul(a: FloatTensor<Self>, b: FloatTensor<Self>) -> FloatTensor<Self> {
            Self::float_matmul(a, b)
        }
    }
}
