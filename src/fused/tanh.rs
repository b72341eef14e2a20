//! tanh as one fused operation: forward, one loop over the tensor; backward, registered with
//! Burn's autodiff, one more (g ⊙ (1 − a²), from the output it keeps).
//!
//! Composed from Burn's element-wise operations, the f32 formula of [`composed_tanh`] is nine
//! operations forward, each with its own allocation, autodiff node and backward step (some of
//! which recompute `exp`); on the lab's network that cost ≈ 0.045 s of a 0.25 s epoch on flex.
//! The fused forward computes the same formula in vector registers with its own e^x
//! ([`super::tanh_kernel`]), within 2.4e-7 of the composed form's values (which use the C
//! library's `expf`); its backward is the lab's own derivative, the one the manual engine uses
//! ([`crate::gradients::equations`]). In f64 it is Burn's own `tanh` (the C library's), forward
//! and backward, without the backward's second evaluation of tanh.

use burn::prelude::*;

use super::tanh_kernel::TINY;

/// tanh(z) element-wise, fused on flex, composed elsewhere (see the module documentation).
///
/// # Shapes
/// - `z`: `[m, n]` → `[m, n]`
pub fn tanh(z: Tensor<2>) -> Tensor<2> {
    #[cfg(feature = "flex")]
    if super::on_flex(&z.device()) {
        use burn::backend::Dispatch;
        let output = <Dispatch as flex_ext::FusedTanh>::fused_tanh(z.into_dispatch());
        return Tensor::from_dispatch(output);
    }
    composed_tanh(z)
}

/// g ⊙ (1 − a²), the gradient at z from the gradient g at a = tanh(z) (the lab's
/// δ1 = δ2·W2 ⊙ (1 − A1²) once δ2·W2 is g): one pass on flex, three operations elsewhere.
///
/// # Shapes
/// - `a`, `g`: `[m, n]` → `[m, n]`
pub fn tanh_backward(a: Tensor<2>, g: Tensor<2>) -> Tensor<2> {
    #[cfg(feature = "flex")]
    if super::on_flex(&a.device()) {
        use burn::backend::Dispatch;
        let output = <Dispatch as flex_ext::FusedTanh>::fused_tanh_backward(
            a.into_dispatch(),
            g.into_dispatch(),
        );
        return Tensor::from_dispatch(output);
    }
    g.mul(a.clone().mul(a).neg().add_scalar(1.0))
}

/// tanh(z) from Burn's element-wise operations: in f32, 1 − 2 / (e^{2z} + 1), and z itself for
/// |z| < 2⁻⁸; in f64, Burn's `tanh`.
///
/// The CPU backends evaluate `tanh` with the C library's scalar `tanhf` (through `expm1f`),
/// which took 20–27 % of a training epoch in perf profiles; `expf` is several times cheaper.
/// The formula is within 6e-8 (one f32 ulp of 1) of tanh, and within 1.5e-5 relative, exact
/// at ±∞. In f64, where manual and autodiff gradients are compared to 1e-9, Burn's own `tanh`
/// is kept: near saturation 1 − A² amplifies that ulp.
///
/// # Shapes
/// - `z`: `[m, n]` → `[m, n]`
pub fn composed_tanh(z: Tensor<2>) -> Tensor<2> {
    if z.dtype() == burn::tensor::DType::F64 {
        return z.tanh();
    }
    let tiny = z.clone().abs().lower_elem(f64::from(TINY));
    let formula = z
        .clone()
        .mul_scalar(2.0)
        .exp()
        .add_scalar(1.0)
        .recip()
        .mul_scalar(-2.0)
        .add_scalar(1.0);
    formula.mask_where(tiny, z)
}

#[cfg(feature = "flex")]
mod flex_ext {
    use burn::backend::autodiff::checkpoint::base::Checkpointer;
    use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
    use burn::backend::autodiff::grads::Gradients;
    use burn::backend::autodiff::ops::{Backward, Ops, OpsKind, unary};
    use burn::backend::ops::FloatTensorOps;
    use burn::backend::tensor::FloatTensor;
    use burn::backend::{Autodiff, Backend, Flex, backend_extension};
    use burn::tensor::DType;
    use burn_flex::FlexTensor;

    use crate::fused::flex_loops::{map, map_all, zip};
    use crate::fused::tanh_kernel;

    /// The fused tanh and its backward step, as backend operations.
    #[backend_extension(Flex, Autodiff)]
    pub trait FusedTanh: Backend {
        /// a = tanh(z), element-wise.
        fn fused_tanh(z: FloatTensor<Self>) -> FloatTensor<Self>;

        /// g ⊙ (1 − a²): the gradient at z from the gradient `g` at a = tanh(z).
        fn fused_tanh_backward(a: FloatTensor<Self>, g: FloatTensor<Self>) -> FloatTensor<Self> {
            let square = Self::float_mul(a.clone(), a);
            let derivative = Self::float_add_scalar(Self::float_neg(square), 1.0.into());
            Self::float_mul(g, derivative)
        }
    }

    impl FusedTanh for Flex {
        fn fused_tanh(z: FlexTensor) -> FlexTensor {
            match z.dtype() {
                DType::F32 => map_all(&z, tanh_kernel::tanh_all),
                DType::F64 => map(&z, f64::tanh),
                _ => Flex::float_tanh(z),
            }
        }

        fn fused_tanh_backward(a: FlexTensor, g: FlexTensor) -> FlexTensor {
            match (a.dtype(), g.dtype()) {
                (DType::F32, DType::F32) if a.layout().shape() == g.layout().shape() => {
                    zip(&a, &g, |a: f32, g: f32| g * (1.0 + -(a * a)))
                }
                (DType::F64, DType::F64) if a.layout().shape() == g.layout().shape() => {
                    zip(&a, &g, |a: f64, g: f64| g * (1.0 + -(a * a)))
                }
                _ => {
                    let square = Flex::float_mul(a.clone(), a);
                    let derivative = Flex::float_add_scalar(Flex::float_neg(square), 1.0.into());
                    Flex::float_mul(g, derivative)
                }
            }
        }
    }

    impl<B: FusedTanh, C: CheckpointStrategy> FusedTanh for Autodiff<B, C> {
        fn fused_tanh(z: FloatTensor<Self>) -> FloatTensor<Self> {
            /// Keeps a = tanh(z) for the backward step.
            #[derive(Debug)]
            struct TanhStep;

            impl<B: FusedTanh> Backward<B, 1> for TanhStep {
                type State = FloatTensor<B>;

                fn backward(
                    self,
                    ops: Ops<Self::State, 1>,
                    grads: &mut Gradients,
                    _: &mut Checkpointer,
                ) {
                    let output = ops.state;
                    unary::<B, _>(ops.parents, ops.node, grads, |g| {
                        B::fused_tanh_backward(output, g)
                    });
                }
            }

            let (z, node) = z.into_parts();
            match TanhStep.prepare::<C>([node]).compute_bound().stateful() {
                OpsKind::Tracked(prep) => {
                    let output = B::fused_tanh(z);
                    prep.finish(output.clone(), output)
                }
                OpsKind::UnTracked(prep) => prep.finish(B::fused_tanh(z)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fused_values_are_within_2_4e_minus_7_of_the_composed_formula() {
        let device = Device::default();
        let values: Vec<f32> = [
            0.0,
            -0.0,
            1e-8,
            -1e-8,
            0.0039,
            0.00390625,
            -0.004,
            0.1,
            -0.5,
            1.0,
            3.7,
            -9.0,
            20.0,
            44.0,
            89.0,
            -89.0,
            1e30,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE,
        ]
        .to_vec();
        let n = values.len();
        let z = Tensor::<2>::from_data(TensorData::new(values.clone(), [1, n]), &device);
        let fused: Vec<f32> = tanh(z.clone()).into_data().try_to_vec().unwrap();
        let composed: Vec<f32> = composed_tanh(z).into_data().try_to_vec().unwrap();
        for ((value, fused), composed) in values.iter().zip(fused).zip(composed) {
            assert!(
                (fused - composed).abs() <= 2.4e-7,
                "z = {value}: {fused} {composed}"
            );
        }
    }
}
