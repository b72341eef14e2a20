//! Comparing two gradients entry by entry, with the tolerances of each precision.
//!
//! In f64, max |a − b| / max(|a|, |b|, 1e-12) ≤ 1e-9 over every entry; in f32,
//! |a − b| ≤ 1e-5 + 1e-4·|b| for every entry (docs/checking.md).

use burn::prelude::*;

use super::manual::Gradients;

/// Largest entry-wise relative error accepted between manual and autodiff gradients in f64.
pub const F64_TOLERANCE: f64 = 1e-9;
/// Absolute and relative parts of the f32 criterion |a − b| ≤ atol + rtol·|b|.
pub const F32_TOLERANCE: (f64, f64) = (1e-5, 1e-4);

/// Floating-point precision of a check, which sets its tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// 32-bit floats: |a − b| ≤ 1e-5 + 1e-4·|b|.
    F32,
    /// 64-bit floats: |a − b| / max(|a|, |b|, 1e-12) ≤ 1e-9.
    F64,
}

/// A gradient tensor flattened to f64, with its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatTensor {
    /// Burn-layout shape.
    pub shape: Vec<usize>,
    /// Entries in row-major order.
    pub values: Vec<f64>,
}

impl FlatTensor {
    /// Any tensor, flattened to f64 in row-major order.
    pub fn from_tensor<const D: usize>(tensor: Tensor<D>) -> Self {
        let data = tensor.into_data().convert::<f64>();
        Self {
            shape: data.shape().to_vec(),
            values: data.try_to_vec::<f64>().expect("converted to f64"),
        }
    }
}

/// Every parameter gradient flattened, in `W1, b1, W2, b2, …` order.
pub fn flatten(gradients: &Gradients) -> Vec<FlatTensor> {
    gradients
        .iter()
        .flat_map(|g| {
            [
                FlatTensor::from_tensor(g.weight.clone()),
                FlatTensor::from_tensor(g.bias.clone()),
            ]
        })
        .collect()
}

/// How far two gradients of one parameter are apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// max |a − b|.
    pub max_abs: f64,
    /// max |a − b| / max(|a|, |b|, 1e-12).
    pub max_rel: f64,
    /// Whether every entry meets the criterion of the precision.
    pub within_tolerance: bool,
}

/// Compares `a` (manual) with `b` (reference) entry by entry.
pub fn difference(a: &[f64], b: &[f64], precision: Precision) -> Difference {
    assert_eq!(a.len(), b.len(), "gradients of one parameter have one size");
    let (atol, rtol) = F32_TOLERANCE;
    let mut result = Difference {
        max_abs: 0.0,
        max_rel: 0.0,
        within_tolerance: true,
    };
    for (&x, &y) in a.iter().zip(b) {
        let abs = (x - y).abs();
        let rel = abs / x.abs().max(y.abs()).max(1e-12);
        result.max_abs = result.max_abs.max(abs);
        result.max_rel = result.max_rel.max(rel);
        let ok = match precision {
            Precision::F32 => abs <= atol + rtol * y.abs(),
            Precision::F64 => rel <= F64_TOLERANCE,
        };
        // NaN fails every comparison, so it is never within tolerance.
        result.within_tolerance &= ok && abs.is_finite();
    }
    result
}
