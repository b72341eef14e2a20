//! The lab's multilayer perceptron as a Burn module: layers and hyper-parameters, nothing else.
//!
//! `X [m, 784] → (Linear → activation) × hidden layers → Linear → logits [m, 10]`; the head
//! (softmax or sigmoid) turns logits into the probabilities Ŷ. Weights are stored in Burn's
//! layout, `weight [d_input, d_output]` (the lab's `W` transposed), `bias [d_output]`.

use std::sync::Mutex;

use burn::module::Param;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

use super::choices::{Activation, Head, WeightInit};
use crate::error::Error;
use crate::fused::linear::linear;
use crate::limits::{MAX_HIDDEN_LAYERS, MAX_INIT_STD, MAX_PARAMETERS, MAX_WIDTH, thousands};

/// Architecture and initialisation of an [`Mlp`].
#[derive(Config, Debug)]
pub struct MlpConfig {
    /// Input features (784 = 28 × 28 pixels).
    #[config(default = 784)]
    pub inputs: usize,
    /// Units of each hidden layer, input side first.
    #[config(default = "vec![132]")]
    pub hidden: Vec<usize>,
    /// Classes.
    #[config(default = 10)]
    pub outputs: usize,
    /// Hidden-layer activation.
    #[config(default = "Activation::Tanh")]
    pub activation: Activation,
    /// Output head.
    #[config(default = "Head::SoftmaxCe")]
    pub head: Head,
    /// Weight initialisation.
    #[config(default = "WeightInit::Normal")]
    pub init: WeightInit,
    /// σ of the `normal` initialisation.
    #[config(default = 0.3)]
    pub init_std: f64,
}

impl MlpConfig {
    /// Checks sizes and σ; the error names the offending setting.
    pub fn validate(&self) -> crate::Result<()> {
        if self.inputs == 0 || self.outputs == 0 {
            return Err(Error::Config(
                "inputs and outputs must be at least 1".into(),
            ));
        }
        if let Some(size) = self.hidden.iter().find(|&&size| size == 0) {
            return Err(Error::Config(format!(
                "--hidden: layer sizes must be at least 1, got {size}"
            )));
        }
        if let Some(size) = self.hidden.iter().find(|&&size| size > MAX_WIDTH) {
            return Err(Error::Config(format!(
                "--hidden: layer sizes must be at most {}, got {size}",
                thousands(MAX_WIDTH)
            )));
        }
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(Error::Config(format!(
                "--hidden: at most {MAX_HIDDEN_LAYERS} hidden layers, got {}",
                self.hidden.len()
            )));
        }
        if self.inputs > MAX_WIDTH * 4 || self.outputs > MAX_WIDTH {
            return Err(Error::Config(format!(
                "{} inputs and {} outputs: at most {} and {}",
                self.inputs,
                self.outputs,
                thousands(MAX_WIDTH * 4),
                thousands(MAX_WIDTH)
            )));
        }
        if self.parameters() > MAX_PARAMETERS {
            return Err(Error::Config(format!(
                "--hidden: {} has {} parameters, at most {} are allowed",
                self.widths()
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join("-"),
                thousands(self.parameters()),
                thousands(MAX_PARAMETERS)
            )));
        }
        if !(self.init_std.is_finite() && self.init_std > 0.0 && self.init_std <= MAX_INIT_STD) {
            return Err(Error::Config(format!(
                "--init-std: must be a finite number in (0, {MAX_INIT_STD}], got {:?}",
                self.init_std
            )));
        }
        Ok(())
    }

    /// Weights and biases of the network: Σ (n_in + 1) · n_out over its layers (103,510 for
    /// the lab's 784-132-10). Only meaningful for widths within the limits (no overflow then).
    pub fn parameters(&self) -> usize {
        self.widths()
            .windows(2)
            .map(|pair| pair[0].saturating_add(1).saturating_mul(pair[1]))
            .fold(0usize, usize::saturating_add)
    }

    /// Layer widths from input to output, e.g. `[784, 132, 10]`.
    pub fn widths(&self) -> Vec<usize> {
        let mut widths = vec![self.inputs];
        widths.extend(&self.hidden);
        widths.push(self.outputs);
        widths
    }

    /// Builds the model on `device` with weights drawn from `seed`: the same weights for the
    /// same seed on the same backend, even while other threads build models. The device's
    /// generator is shared by every thread and Burn draws a layer's weights on its first use,
    /// so seeding and drawing happen together under one process-wide lock.
    pub fn init_seeded(&self, device: &Device, seed: u64) -> Mlp {
        static DRAWING: Mutex<()> = Mutex::new(());
        let _drawing = DRAWING
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        device.seed(seed);
        let model = self.init(device);
        for layer in model.layers() {
            let _ = layer.weight.val(); // drawn here, not at first use
        }
        model
    }

    /// Builds the model on `device`, drawing weights from the device's generator when they are
    /// first used ([`MlpConfig::init_seeded`] for repeatable weights).
    pub fn init(&self, device: &Device) -> Mlp {
        let initializer = self.init.initializer(self.init_std);
        let mut layers: Vec<Linear> = self
            .widths()
            .windows(2)
            .map(|pair| {
                let mut layer = LinearConfig::new(pair[0], pair[1])
                    .with_initializer(initializer.clone())
                    .init(device);
                layer.bias = Some(Param::from_tensor(Tensor::zeros([pair[1]], device)));
                layer
            })
            .collect();
        let output = layers.pop().expect("widths has at least two entries");
        Mlp {
            hidden: layers,
            output,
            activation: self.activation,
            head: self.head,
        }
    }
}

/// The multilayer perceptron: hidden layers with one activation, then a linear output layer.
#[derive(Module, Debug)]
pub struct Mlp {
    /// Hidden layers, input side first: `weight [n_{l-1}, n_l]`, `bias [n_l]`.
    pub hidden: Vec<Linear>,
    /// Output layer: `weight [n_L-1, k]`, `bias [k]`.
    pub output: Linear,
    /// Activation of every hidden layer.
    #[module(skip)]
    pub activation: Activation,
    /// Output head.
    #[module(skip)]
    pub head: Head,
}

impl Mlp {
    /// Logits Z_L.
    ///
    /// # Shapes
    /// - `images`: `[m, inputs]`
    /// - returns: `[m, outputs]`
    pub fn forward(&self, images: Tensor<2>) -> Tensor<2> {
        let mut a = images;
        for layer in &self.hidden {
            a = self.activation.apply(linear(layer, a)); // [m, n_l]
        }
        linear(&self.output, a)
    }

    /// Probabilities Ŷ = head(Z_L).
    ///
    /// # Shapes
    /// - `images`: `[m, inputs]`
    /// - returns: `[m, outputs]`
    pub fn probabilities(&self, images: Tensor<2>) -> Tensor<2> {
        self.head.probabilities(self.forward(images))
    }

    /// All layers in order, hidden first, output last.
    pub fn layers(&self) -> impl Iterator<Item = &Linear> {
        self.hidden.iter().chain(std::iter::once(&self.output))
    }

    /// Entries of the largest weight matrix (what decides whether a step is cut into row
    /// blocks, see [`crate::gradients::shards::shard_count`]).
    pub fn largest_weights(&self) -> usize {
        self.layers()
            .map(|layer| layer.weight.shape().num_elements())
            .max()
            .unwrap_or(0)
    }
}
