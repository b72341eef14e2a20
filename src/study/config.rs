//! What the study compares: depth, width, activations × initialisations, and its SGD settings.

use super::setting::InitChoice;
use crate::data::MnistSplit;
use crate::error::{Error, Result};
use crate::limits::{
    MAX_BATCH_SIZE, MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_PARAMETERS, MAX_WIDTH, thousands,
};
use crate::model::{Activation, Head, MlpConfig};
use crate::train::{TrainingConfig, check_batch, check_count, check_sgd};

/// What to study.
#[derive(Debug, Clone)]
pub struct StudyConfig {
    /// Hidden layers.
    pub depth: usize,
    /// Units per hidden layer.
    pub width: usize,
    /// Hidden activations to compare.
    pub activations: Vec<Activation>,
    /// Initialisations to compare.
    pub inits: Vec<InitChoice>,
    /// Output head.
    pub head: Head,
    /// Examples per SGD step and per probe batch.
    pub batch_size: usize,
    /// SGD learning rate η.
    pub lr: f64,
    /// Probe batches the norms are averaged over (the first ones of the training set).
    pub probe_batches: usize,
    /// SGD steps before the second measurement.
    pub steps: usize,
    /// Epochs of the short training run.
    pub epochs: usize,
    /// Seed of every initialisation.
    pub seed: u64,
    /// Train on the first N images only.
    pub train_limit: Option<usize>,
    /// Gradient clipping for the training runs (none by default: the study shows the raw effect).
    pub clip_grad_norm: Option<f64>,
}

impl Default for StudyConfig {
    /// 8 hidden layers of 64 units, every activation × [`InitChoice::defaults`], and the lab's
    /// head, batch size, η and seed ([`TrainingConfig`]'s defaults).
    fn default() -> Self {
        let lab = TrainingConfig::new(MlpConfig::new());
        Self {
            depth: 8,
            width: 64,
            activations: vec![Activation::Sigmoid, Activation::Tanh, Activation::Relu],
            inits: InitChoice::defaults(),
            head: lab.model.head,
            batch_size: lab.batch_size,
            lr: lab.lr,
            probe_batches: 4,
            steps: 100,
            epochs: 1,
            seed: lab.seed,
            train_limit: None,
            clip_grad_norm: None,
        }
    }
}

impl StudyConfig {
    /// Checks every setting against the data; the error names the flag at fault.
    pub fn validate(&self, train: &MnistSplit) -> Result<()> {
        if self.depth == 0 || self.width == 0 {
            let flag = if self.depth == 0 {
                "--depth"
            } else {
                "--width"
            };
            return Err(Error::Config(format!("{flag}: must be at least 1")));
        }
        if self.depth > MAX_HIDDEN_LAYERS || self.width > MAX_WIDTH {
            return Err(Error::Config(format!(
                "--depth, --width: at most {MAX_HIDDEN_LAYERS} layers of {} units, got {} of {}",
                thousands(MAX_WIDTH),
                self.depth,
                self.width
            )));
        }
        if self.activations.is_empty() || self.inits.is_empty() {
            return Err(Error::Config(
                "--activations, --inits: name at least one of each".into(),
            ));
        }
        let model = self.model(self.activations[0], self.inits[0]);
        if model.parameters() > MAX_PARAMETERS {
            return Err(Error::Config(format!(
                "--depth, --width: {} layers of {} units have {} parameters, at most {} are allowed",
                self.depth,
                self.width,
                thousands(model.parameters()),
                thousands(MAX_PARAMETERS)
            )));
        }
        check_batch(self.batch_size, &model)?;
        check_count("--probe-batches", self.probe_batches, MAX_BATCH_SIZE)?;
        check_count("--epochs", self.epochs, MAX_EPOCHS)?;
        check_sgd(self.lr, self.clip_grad_norm)?;
        if self.train_limit == Some(0) {
            return Err(Error::Config("--train-limit: must be at least 1".into()));
        }
        let images = train.len_within(self.train_limit);
        if self.probe_batches.saturating_mul(self.batch_size) > images {
            return Err(Error::Config(format!(
                "--probe-batches, --batch-size: {} batches of {} need {} training images, only {images} {}",
                self.probe_batches,
                self.batch_size,
                self.probe_batches * self.batch_size,
                if self.train_limit.is_some() {
                    "within --train-limit"
                } else {
                    "in the training set"
                }
            )));
        }
        Ok(())
    }

    /// The network of one setting.
    pub fn model(&self, activation: Activation, init: InitChoice) -> MlpConfig {
        MlpConfig::new()
            .with_hidden(vec![self.width; self.depth])
            .with_activation(activation)
            .with_head(self.head)
            .with_init(init.init)
            .with_init_std(init.std)
    }
}
