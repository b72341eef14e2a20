//! Vanishing and exploding gradients, measured (the lab's step 4).
//!
//! For every hidden activation × initialisation, a deep MLP (default 8 hidden layers of 64
//! units) is built from one seed; each layer's weight-gradient norm ‖dW_l‖ and update-to-weight
//! ratio η‖dW_l‖/‖W_l‖ are measured on fixed real MNIST batches at initialisation and after K
//! SGD steps; the manual gradients are checked against autodiff on one batch; and a short
//! training run (one epoch by default) tells whether the network learns at all.

mod figure;
mod measure;
mod report;
mod setting;

use std::time::Instant;

use burn::prelude::*;

pub use figure::{STUDY_SIZE, draw_study};
pub use measure::{Agreement, LayerStat, agreement, layer_stats};
pub use report::{layers_csv, print_tables, summary_csv};
pub use setting::InitChoice;

use crate::data::{MnistBatch, MnistSplit};
use crate::error::{Error, Result};
use crate::evaluate::{Tally, evaluate};
use crate::manual;
use crate::model::{Activation, Head, MlpConfig};
use crate::train::{Divergence, check_sgd};

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
    fn default() -> Self {
        Self {
            depth: 8,
            width: 64,
            activations: vec![Activation::Sigmoid, Activation::Tanh, Activation::Relu],
            inits: InitChoice::defaults(),
            head: Head::SoftmaxCe,
            batch_size: 128,
            lr: 0.05,
            probe_batches: 4,
            steps: 100,
            epochs: 1,
            seed: 42,
            train_limit: None,
            clip_grad_norm: None,
        }
    }
}

impl StudyConfig {
    /// Checks every setting against the data; the error names the flag at fault.
    pub fn validate(&self, train: &MnistSplit) -> Result<()> {
        let positive = [
            ("--depth", self.depth),
            ("--width", self.width),
            ("--batch-size", self.batch_size),
            ("--probe-batches", self.probe_batches),
            ("--epochs", self.epochs),
        ];
        if let Some((flag, _)) = positive.iter().find(|(_, value)| *value == 0) {
            return Err(Error::Config(format!("{flag}: must be at least 1")));
        }
        check_sgd(self.lr, self.clip_grad_norm)?;
        if self.train_limit == Some(0) {
            return Err(Error::Config("--train-limit: must be at least 1".into()));
        }
        let images = self.train_limit.unwrap_or(train.len()).min(train.len());
        if self.probe_batches * self.batch_size > images {
            return Err(Error::Config(format!(
                "--probe-batches: {} batches of {} need {} training images, only {images} in use",
                self.probe_batches,
                self.batch_size,
                self.probe_batches * self.batch_size
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

/// Everything measured for one activation × initialisation.
#[derive(Debug, Clone)]
pub struct SettingResult {
    /// Hidden activation.
    pub activation: Activation,
    /// Initialisation.
    pub init: InitChoice,
    /// Per layer (input side first), at initialisation.
    pub at_init: Vec<LayerStat>,
    /// Per layer after [`SettingResult::after_step`] SGD steps; `None` if training diverged first.
    pub after: Option<Vec<LayerStat>>,
    /// Steps taken before the second measurement (K, or fewer if the run was shorter).
    pub after_step: usize,
    /// Manual against autodiff gradients on the first probe batch.
    pub agreement: Agreement,
    /// Mean train accuracy (%) of the last training epoch; `None` if training diverged.
    pub train_accuracy: Option<f64>,
    /// Test accuracy (%) after training; `None` if training diverged.
    pub test_accuracy: Option<f64>,
    /// Where training diverged, if it did.
    pub diverged: Option<Divergence>,
    /// Wall time of this setting, in seconds.
    pub seconds: f64,
}

impl SettingResult {
    /// ‖dW_1‖ / ‖dW_L‖ of a measurement: ≪ 1 when gradients vanish towards the input, ≫ 1 when
    /// they explode.
    pub fn first_to_last(stats: &[LayerStat]) -> f64 {
        match (stats.first(), stats.last()) {
            (Some(first), Some(last)) => first.grad_norm / last.grad_norm,
            _ => f64::NAN,
        }
    }
}

/// Runs every setting of `config` on `train` (probes and training) and `test` (accuracy),
/// calling `done` after each one (for progress output).
pub fn run(
    config: &StudyConfig,
    train: &MnistSplit,
    test: &MnistSplit,
    device: &Device,
    mut done: impl FnMut(&SettingResult),
) -> Result<Vec<SettingResult>> {
    config.validate(train)?;
    let train = match config.train_limit {
        Some(limit) => train.take(limit),
        None => train.clone(),
    };
    let probes: Vec<MnistBatch> = (0..config.probe_batches)
        .map(|i| {
            let start = i * config.batch_size;
            MnistBatch::from_range(&train, start..start + config.batch_size, device)
        })
        .collect();
    let mut results = Vec::new();
    for &activation in &config.activations {
        for &init in &config.inits {
            let result = run_setting(config, activation, init, &train, test, &probes, device);
            done(&result);
            results.push(result);
        }
    }
    Ok(results)
}

/// One setting: measure, train (measuring again after K steps), evaluate.
fn run_setting(
    config: &StudyConfig,
    activation: Activation,
    init: InitChoice,
    train: &MnistSplit,
    test: &MnistSplit,
    probes: &[MnistBatch],
    device: &Device,
) -> SettingResult {
    let started = Instant::now();
    device.seed(config.seed);
    let mut model = config.model(activation, init).init(device);
    let at_init = layer_stats(&model, probes, config.lr);
    let agreement = agreement(&model, &probes[0]);

    let batches = train.len().div_ceil(config.batch_size);
    let mut after = None;
    let mut after_step = 0;
    let mut diverged = None;
    let mut train_accuracy = None;
    'epochs: for epoch in 1..=config.epochs {
        let mut tally = Tally::new();
        for step in 0..batches {
            let start = step * config.batch_size;
            let end = (start + config.batch_size).min(train.len());
            let batch = MnistBatch::from_range(train, start..end, device);
            match manual::train_step(
                model.clone(),
                batch.images,
                &batch.targets,
                config.lr,
                config.clip_grad_norm,
            ) {
                Ok((updated, logits)) => {
                    model = updated;
                    tally.add(model.head, logits, batch.targets);
                }
                Err(detail) => {
                    diverged = Some(Divergence {
                        epoch,
                        step: step + 1,
                        detail,
                    });
                    break 'epochs;
                }
            }
            after_step += 1;
            if after.is_none() && after_step == config.steps {
                after = Some(layer_stats(&model, probes, config.lr));
            }
        }
        train_accuracy = Some(tally.finish().1);
    }
    if diverged.is_some() {
        train_accuracy = None;
    } else if after.is_none() {
        // The run was shorter than K steps: measure where it ended.
        after = Some(layer_stats(&model, probes, config.lr));
    }
    let test_accuracy = diverged.is_none().then(|| evaluate(&model, test, device).1);
    SettingResult {
        activation,
        init,
        at_init,
        after,
        after_step: after_step.min(config.steps),
        agreement,
        train_accuracy,
        test_accuracy,
        diverged,
        seconds: started.elapsed().as_secs_f64(),
    }
}
