//! Softmax cross-entropy from the logits as one fused operation: forward, one pass over the
//! logits for the loss (and, under autodiff, Burn's softmax for Ŷ, which it keeps); backward,
//! the lab's output error g·(Ŷ − Y)/m in one more pass.
//!
//! Composed from Burn's operations ([`composed_softmax_cross_entropy`]) the loss is a one-hot
//! encoding, a log-softmax and four reductions and products forward, each with its backward
//! step. The fused backward computes δ_L exactly as the manual engine's
//! [`crate::gradients::equations::output_delta`] does, (Ŷ − Y)/m with the same softmax, then
//! scales it by the upstream gradient g (1 for a plain objective).

use burn::prelude::*;
use burn::tensor::{DType, activation};

/// J = −(1/m) Σ_i log softmax(z_i)[y_i], fused on flex, composed elsewhere.
///
/// # Shapes
/// - `logits`: `[m, k]`, `targets`: `[m]` class indices
/// - returns: `[1]`
pub fn softmax_cross_entropy(logits: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    #[cfg(feature = "flex")]
    if super::on_flex(&logits.device()) && matches!(logits.dtype(), DType::F32 | DType::F64) {
        use burn::backend::Dispatch;
        let loss = <Dispatch as flex_ext::FusedCrossEntropy>::softmax_cross_entropy(
            logits.into_dispatch(),
            targets.into_dispatch(),
        );
        return Tensor::from_dispatch(loss);
    }
    composed_softmax_cross_entropy(logits, targets)
}

/// The same loss from Burn's operations: −(1/m)·Σ (Y ⊙ log_softmax(Z)).
///
/// # Shapes
/// - `logits`: `[m, k]`, `targets`: `[m]` class indices
/// - returns: `[1]`
pub fn composed_softmax_cross_entropy(logits: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    let [m, k] = logits.dims();
    let y = targets.one_hot(k).float();
    // × (1/m) rather than ÷ m: Burn 0.22.1's autodiff differentiates `div_scalar` through an
    // f32 reciprocal, which would cost f64 gradients about 5e-8 of relative precision.
    activation::log_softmax(logits, 1)
        .mul(y)
        .neg()
        .sum()
        .mul_scalar(1.0 / m as f64)
}

#[cfg(feature = "flex")]
mod flex_ext {
    use burn::backend::autodiff::checkpoint::base::Checkpointer;
    use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
    use burn::backend::autodiff::grads::Gradients;
    use burn::backend::autodiff::ops::{Backward, Ops, OpsKind, unary};
    use burn::backend::tensor::{FloatTensor, IntTensor};
    use burn::backend::{Autodiff, AutodiffBackend, Backend, Flex, backend_extension};
    use burn::tensor::{DType, Element, Shape};
    use burn_flex::FlexTensor;

    use crate::fused::flex_loops::contiguous;

    /// The fused loss and its backward step, as backend operations.
    #[backend_extension(Flex, Autodiff)]
    pub trait FusedCrossEntropy: Backend {
        /// `[1]`: −(1/m) Σ_i log softmax(z_i)[y_i] for logits `[m, k]` and targets `[m]`.
        fn softmax_cross_entropy(
            logits: FloatTensor<Self>,
            targets: IntTensor<Self>,
        ) -> FloatTensor<Self>;

        /// `[m, k]`: g·(Ŷ − Y)/m, from Ŷ = softmax(logits), targets `[m]` and g `[1]`.
        fn softmax_cross_entropy_backward(
            probabilities: FloatTensor<Self>,
            targets: IntTensor<Self>,
            g: FloatTensor<Self>,
        ) -> FloatTensor<Self>;
    }

    impl FusedCrossEntropy for Flex {
        fn softmax_cross_entropy(logits: FlexTensor, targets: FlexTensor) -> FlexTensor {
            match logits.dtype() {
                DType::F64 => loss::<f64>(&logits, &labels(targets)),
                _ => loss::<f32>(&to_f32(logits), &labels(targets)),
            }
        }

        fn softmax_cross_entropy_backward(
            probabilities: FlexTensor,
            targets: FlexTensor,
            g: FlexTensor,
        ) -> FlexTensor {
            match probabilities.dtype() {
                DType::F64 => delta::<f64>(&probabilities, &labels(targets), &g),
                _ => delta::<f32>(&to_f32(probabilities), &labels(targets), &to_f32(g)),
            }
        }
    }

    impl<B: FusedCrossEntropy, C: CheckpointStrategy> FusedCrossEntropy for Autodiff<B, C> {
        fn softmax_cross_entropy(
            logits: FloatTensor<Self>,
            targets: IntTensor<Self>,
        ) -> FloatTensor<Self> {
            /// Keeps Ŷ and the targets for the backward step.
            #[derive(Debug)]
            struct CrossEntropyStep;

            impl<B: FusedCrossEntropy> Backward<B, 1> for CrossEntropyStep {
                type State = (FloatTensor<B>, IntTensor<B>);

                fn backward(
                    self,
                    ops: Ops<Self::State, 1>,
                    grads: &mut Gradients,
                    _: &mut Checkpointer,
                ) {
                    let (probabilities, targets) = ops.state;
                    unary::<B, _>(ops.parents, ops.node, grads, |g| {
                        B::softmax_cross_entropy_backward(probabilities, targets, g)
                    });
                }
            }

            let (logits, node) = logits.into_parts();
            match CrossEntropyStep
                .prepare::<C>([node])
                .compute_bound()
                .stateful()
            {
                OpsKind::Tracked(prep) => {
                    let probabilities = B::softmax(logits.clone(), 1);
                    let loss = B::softmax_cross_entropy(logits, targets.clone());
                    prep.finish((probabilities, targets), loss)
                }
                OpsKind::UnTracked(prep) => prep.finish(B::softmax_cross_entropy(logits, targets)),
            }
        }

        fn softmax_cross_entropy_backward(
            probabilities: FloatTensor<Self>,
            targets: IntTensor<Self>,
            g: FloatTensor<Self>,
        ) -> FloatTensor<Self> {
            let delta = B::softmax_cross_entropy_backward(
                Self::inner(probabilities),
                targets,
                Self::inner(g),
            );
            Self::from_inner(delta)
        }
    }

    /// A float element the loops compute in.
    trait Real: Element + bytemuck::Pod + num_traits::Float {}
    impl Real for f32 {}
    impl Real for f64 {}

    /// `[1]`: −(1/m) Σ_i (z_{i,y_i} − log Σ_j e^{z_ij}), each row shifted by its maximum, the
    /// sum taken in f64; NaN when a target is not a class.
    fn loss<E: Real>(logits: &FlexTensor, labels: &[usize]) -> FlexTensor {
        let logits = contiguous(logits);
        let z: &[E] = logits.as_slice().expect("contiguous");
        let m = labels.len();
        let k = z.len() / m.max(1);
        let mut total = 0.0f64;
        for (row, &label) in z.chunks_exact(k).zip(labels) {
            let max = row.iter().copied().fold(E::neg_infinity(), E::max);
            let sum = row
                .iter()
                .map(|&v| (v - max).exp())
                .fold(E::zero(), |a, b| a + b);
            let log_sum = max + sum.ln();
            total += match row.get(label) {
                Some(&target) => {
                    num_traits::ToPrimitive::to_f64(&(log_sum - target)).unwrap_or(f64::NAN)
                }
                None => f64::NAN,
            };
        }
        let mean = E::from(total / m as f64).unwrap_or(E::nan());
        FlexTensor::from_data(burn::tensor::TensorData::new(vec![mean], Shape::new([1])))
    }

    /// `[m, k]`: ((Ŷ − Y) / m)·g, where Y is one in each row's target column and zero elsewhere.
    fn delta<E: Real>(probabilities: &FlexTensor, labels: &[usize], g: &FlexTensor) -> FlexTensor {
        let probabilities = contiguous(probabilities);
        let p: &[E] = probabilities.as_slice().expect("contiguous");
        let g = contiguous(g)
            .as_slice::<E>()
            .and_then(|g| g.first().copied());
        let g = g.unwrap_or(E::nan());
        let m = E::from(labels.len()).unwrap_or(E::nan());
        let k = p.len() / labels.len().max(1);
        let shape = probabilities.layout().shape().clone();
        let mut output = FlexTensor::empty(shape, probabilities.dtype());
        let out = output.storage_mut::<E>();
        for (i, &label) in labels.iter().enumerate() {
            for j in 0..k {
                let y = if j == label { E::one() } else { E::zero() };
                out[i * k + j] = ((p[i * k + j] - y) / m) * g;
            }
        }
        output
    }

    /// The class indices of an integer tensor `[m]` (a negative one becomes out of range).
    fn labels(targets: FlexTensor) -> Vec<usize> {
        let data = targets.into_data().convert::<i64>();
        data.iter::<i64>()
            .map(|t| usize::try_from(t).unwrap_or(usize::MAX))
            .collect()
    }

    /// `x` in f32 (the loss is only routed here in f32 and f64; any other precision would be
    /// computed, and given back, in f32).
    fn to_f32(x: FlexTensor) -> FlexTensor {
        if x.dtype() == DType::F32 {
            return x;
        }
        FlexTensor::from_data(x.into_data().convert::<f32>())
    }
}
