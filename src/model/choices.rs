//! The choices that define a network besides its sizes: hidden activation, output head,
//! weight initialisation.

use burn::nn::Initializer;
use burn::prelude::*;
use burn::tensor::activation;
use serde::{Deserialize, Serialize};

use crate::fused;

/// Hidden-layer activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    /// tanh(z); derivative 1 − a².
    Tanh,
    /// σ(z) = 1 / (1 + e^−z); derivative a(1 − a).
    Sigmoid,
    /// max(0, z); derivative 1[z > 0].
    Relu,
}

/// Output head: how logits become probabilities, and the loss that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Head {
    /// Softmax over the classes with cross-entropy (the lab's main network).
    SoftmaxCe,
    /// One sigmoid per class with binary cross-entropy (the lab's TP 3 variant).
    SigmoidBce,
}

/// Weight initialisation; biases always start at 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum WeightInit {
    /// N(0, σ²) with σ = `init_std` (the lab's default, σ = 0.3).
    Normal,
    /// The lab's "Xavier": U(−√(1/n_prev), +√(1/n_prev)).
    Xavier,
    /// Glorot uniform: U(±√(6/(n_prev + n_next))).
    Glorot,
    /// He normal: N(0, 2/n_prev).
    He,
}

impl Activation {
    /// The name `--activation` takes.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Relu => "relu",
        }
    }

    /// Applies the activation element-wise: `[m, n] → [m, n]`.
    pub fn apply(self, z: Tensor<2>) -> Tensor<2> {
        match self {
            Activation::Tanh => fused::tanh::tanh(z),
            Activation::Sigmoid => activation::sigmoid(z),
            Activation::Relu => activation::relu(z),
        }
    }
}

impl Head {
    /// Probabilities Ŷ from logits: `[m, k] → [m, k]`.
    pub fn probabilities(self, logits: Tensor<2>) -> Tensor<2> {
        match self {
            Head::SoftmaxCe => activation::softmax(logits, 1),
            Head::SigmoidBce => activation::sigmoid(logits),
        }
    }
}

impl WeightInit {
    /// Burn's initializer for a layer with `fan_in` inputs.
    pub(crate) fn initializer(self, std: f64) -> Initializer {
        match self {
            WeightInit::Normal => Initializer::Normal { mean: 0.0, std },
            // Kaiming uniform with gain 1/√3 draws from U(±√(1/fan_in)).
            WeightInit::Xavier => Initializer::KaimingUniform {
                gain: 1.0 / 3f64.sqrt(),
                fan_out_only: false,
            },
            WeightInit::Glorot => Initializer::XavierUniform { gain: 1.0 },
            WeightInit::He => Initializer::KaimingNormal {
                gain: 2f64.sqrt(),
                fan_out_only: false,
            },
        }
    }
}

/// The spelling of a choice on the command line and in the API (e.g. `softmax-ce`).
pub fn choice_name(value: impl clap::ValueEnum) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}
