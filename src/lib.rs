//! backprop: the backpropagation lab (a 784-132-10 tanh/softmax MLP on MNIST) on Burn 0.22.
//!
//! Layers, bottom to top; a module imports only from those below it (ARCHITECTURE.md):
//! - foundations: [`error`], [`limits`], [`rng`], [`files`], [`backend`], [`readback`],
//!   [`data`];
//! - [`model`]: the `Mlp` Burn module, its `MlpConfig`, parameter names and records;
//! - [`loss`]: the training objective (exact, from logits) and the lab's reported loss;
//! - [`gradients`]: the lab's equations by hand, Burn's autodiff, finite differences, and how
//!   to compare them;
//! - [`evaluate`]: loss and accuracy over a split;
//! - [`train`]: both engines, the run observer, the terminal printer, checkpoints;
//! - using a model: [`artifacts`], [`export`], [`plot`], [`predict`], [`backward`] (the
//!   lab's backward pass on one example, every step kept);
//! - [`run`]: one training run end to end, artifacts included;
//! - reports: [`gradcheck`], [`study`], [`grade`] (a student's NumPy lab against autodiff);
//! - front-ends: [`cli`], the command line; [`serve`], the page and its JSON API.

pub mod artifacts;
pub mod backend;
pub mod backward;
pub mod cli;
pub mod csv;
pub mod data;
pub mod error;
pub mod evaluate;
pub mod export;
pub mod files;
pub mod fused;
pub mod gradcheck;
pub mod grade;
pub mod gradients;
pub mod limits;
pub mod loss;
pub mod model;
pub mod plot;
pub mod predict;
pub mod readback;
pub mod rng;
pub mod run;
pub mod serve;
pub mod study;
pub mod train;

pub use error::{Error, Result};
