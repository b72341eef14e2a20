//! backprop: the backpropagation lab (a 784-132-10 tanh/softmax MLP on MNIST) on Burn 0.22.
//!
//! - [`data`]: IDX files → one contiguous f32 buffer → Burn `Dataset` and `Batcher`.
//! - [`model`]: the `Mlp` Burn module and its `MlpConfig`.
//! - [`loss`]: the training objective (exact, from logits) and the lab's reported loss.
//! - [`manual`]: the lab's backpropagation equations by hand, beside Burn's autodiff.
//! - [`train`]: training with Burn's `Learner`, one clean line per epoch, artifacts.
//! - [`evaluate`], [`predict`], [`plot`], [`export`]: using a trained model — test metrics and
//!   confusion matrix, one image, PNG pictures, weights in the lab's layout.
//! - [`study`]: vanishing and exploding gradients in deep MLPs, measured per layer.
//! - [`backend`]: the compiled-in backends and the one place a device is chosen.

pub mod artifacts;
pub mod backend;
pub mod cli;
pub mod data;
pub mod error;
pub mod evaluate;
pub mod export;
pub mod gradcheck;
pub mod loss;
pub mod manual;
pub mod model;
pub mod plot;
pub mod predict;
pub mod rng;
pub mod study;
pub mod train;

pub use error::{Error, Result};
