//! Gradients three ways: the lab's equations by hand ([`manual`], [`equations`], in row blocks
//! with [`shards`]), Burn's [`autodiff`], and [`finite_difference`]s; [`compare`] measures how
//! far two of them are apart.

pub mod autodiff;
pub mod compare;
pub mod equations;
pub mod finite_difference;
pub mod manual;
pub mod shards;

pub use autodiff::autodiff_gradients;
pub use compare::{
    Difference, F32_TOLERANCE, F64_TOLERANCE, FlatTensor, Precision, difference, flatten,
};
pub use finite_difference::{FD_FLOOR, FD_STEP, FD_TOLERANCE, finite_difference_errors};
pub use manual::{
    ForwardCache, Gradients, LayerGradient, backward_with_deltas, clip_by_norm, input_gradient,
    sgd_step,
};
