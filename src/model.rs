//! The lab's multilayer perceptron as a Burn module.
//!
//! `X [m, 784] → (Linear → activation) × hidden layers → Linear → logits [m, 10]`; the head
//! (softmax or sigmoid) turns logits into the probabilities Ŷ. Weights are stored in Burn's
//! layout, `weight [d_input, d_output]` (the lab's `W` transposed), `bias [d_output]`.

use burn::module::Param;
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::train::DivergenceGuard;

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
            Activation::Tanh => tanh(z),
            Activation::Sigmoid => activation::sigmoid(z),
            Activation::Relu => activation::relu(z),
        }
    }
}

/// tanh(z); in f32 as 1 − 2 / (e^{2z} + 1), from `exp` and element-wise arithmetic, and as z
/// itself for |z| < 2⁻⁸, where the formula would cancel (it rounds tanh(1e-8) to 0).
///
/// The CPU backends evaluate `tanh` with the C library's scalar `tanhf` (through `expm1f`),
/// which took 20–27 % of a training epoch in perf profiles of the default run (autodiff calls
/// it again in the backward pass); `expf` is several times cheaper and the rest is plain vector
/// arithmetic. The result is within 6e-8 (one f32 ulp of 1) of tanh, and within 1.5e-5
/// relative, exact at ±∞. In f64, where manual and autodiff gradients are compared to 1e-9,
/// Burn's own `tanh` is kept: near saturation 1 − A² amplifies that ulp (measured 1.2e-9 to
/// 3.5e-8 relative against the formula's own derivative).
fn tanh(z: Tensor<2>) -> Tensor<2> {
    if z.dtype() == burn::tensor::DType::F64 {
        return z.tanh();
    }
    let tiny = z.clone().abs().lower_elem(1.0 / 256.0);
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
    fn initializer(self, std: f64) -> Initializer {
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
        if !(self.init_std.is_finite() && self.init_std > 0.0) {
            return Err(Error::Config(format!(
                "--init-std: must be a finite number > 0, got {}",
                self.init_std
            )));
        }
        Ok(())
    }

    /// Layer widths from input to output, e.g. `[784, 132, 10]`.
    pub fn widths(&self) -> Vec<usize> {
        let mut widths = vec![self.inputs];
        widths.extend(&self.hidden);
        widths.push(self.outputs);
        widths
    }

    /// Builds the model on `device`, drawing weights from the device's seeded generator.
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
            guard: None,
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
    /// Set by the `Learner` engine so that each training step checks for non-finite values.
    #[module(skip)]
    pub guard: Option<DivergenceGuard>,
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
            a = self.activation.apply(layer.forward(a)); // [m, n_l]
        }
        self.output.forward(a)
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
}
