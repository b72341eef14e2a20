//! Flags shared by every subcommand, so that all of them speak the same language.

use std::path::PathBuf;

use burn::prelude::Device;
use clap::Args;

use crate::artifacts::{ArtifactDir, DEFAULT_DIR};
use crate::backend::Backend;
use crate::data::{Mnist, default_data_dir};
use crate::error::Result;
use crate::model::{Activation, Head, MlpConfig, WeightInit};
use crate::train::TrainingConfig;

/// The network's architecture and initialisation.
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Hidden layer sizes, input side first (e.g. 132, or 256,128): at most 256 layers of
    /// 16,384 units, and 100,000,000 parameters in all.
    #[arg(long, value_delimiter = ',', default_values_t = MlpConfig::new().hidden)]
    pub hidden: Vec<usize>,
    /// Activation of the hidden layers [default: tanh; gradcheck: all three].
    #[arg(long, value_enum)]
    pub activation: Option<Activation>,
    /// Output head: softmax + cross-entropy, or sigmoid + binary cross-entropy (TP 3)
    /// [default: softmax-ce; gradcheck: both].
    #[arg(long, value_enum)]
    pub head: Option<Head>,
    /// Weight initialisation: normal N(0, σ²), xavier U(±√(1/n_prev)) as in the lab,
    /// glorot U(±√(6/(n_prev+n_next))), he N(0, 2/n_prev). Biases start at 0.
    #[arg(long, value_enum, default_value_t = MlpConfig::new().init)]
    pub init: WeightInit,
    /// σ of the normal initialisation (0 < σ ≤ 100).
    #[arg(long, default_value_t = MlpConfig::new().init_std)]
    pub init_std: f64,
}

impl ModelArgs {
    /// The model configuration these flags describe (the configuration's own activation and
    /// head unless given).
    pub fn config(&self) -> MlpConfig {
        let defaults = MlpConfig::new();
        self.config_with(
            self.activation.unwrap_or(defaults.activation),
            self.head.unwrap_or(defaults.head),
        )
    }

    /// The configuration with this activation and head, the other flags as given.
    pub fn config_with(&self, activation: Activation, head: Head) -> MlpConfig {
        MlpConfig::new()
            .with_hidden(self.hidden.clone())
            .with_activation(activation)
            .with_head(head)
            .with_init(self.init)
            .with_init_std(self.init_std)
    }

    /// Every activation × head named by the flags (all of them when a flag is absent).
    pub fn combinations(&self) -> Vec<(Activation, Head)> {
        let activations = match self.activation {
            Some(a) => vec![a],
            None => vec![Activation::Tanh, Activation::Sigmoid, Activation::Relu],
        };
        let heads = match self.head {
            Some(h) => vec![h],
            None => vec![Head::SoftmaxCe, Head::SigmoidBce],
        };
        activations
            .into_iter()
            .flat_map(|a| heads.iter().map(move |&h| (a, h)))
            .collect()
    }
}

/// Where data comes from and which backend runs.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Directory holding the four MNIST-format IDX files (raw or .gz) [default: the shipped data/mnist].
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Backend to run on (among those compiled in).
    #[arg(long, value_enum, default_value_t = Backend::default_compiled())]
    pub backend: Backend,
}

/// Where a trained model's files live.
#[derive(Debug, Clone, Args)]
pub struct ArtifactArgs {
    /// Directory for config.json, model.bpk and metrics.csv.
    #[arg(long, default_value = DEFAULT_DIR)]
    pub artifact_dir: PathBuf,
}

impl ArtifactArgs {
    /// The artifact directory.
    pub fn artifacts(&self) -> ArtifactDir {
        ArtifactDir::new(&self.artifact_dir)
    }
}

impl RunArgs {
    /// The backend and device, e.g. `flex (Device<Flex(Cpu)>)`.
    pub fn describe_device(&self, device: &Device) -> String {
        format!("{} ({device:?})", self.backend)
    }

    /// The dataset directory.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }

    /// Loads both splits.
    pub fn load_data(&self) -> Result<Mnist> {
        Mnist::load(&self.data_dir())
    }
}

/// The lab's run: the defaults of the training flags come from here.
pub fn lab() -> TrainingConfig {
    TrainingConfig::new(MlpConfig::new())
}

pub use crate::model::choice_name as flag_name;

/// A model in one phrase, e.g. `784-132-10 MLP (tanh, softmax-ce, init normal σ=0.3)`.
pub fn describe(model: &MlpConfig) -> String {
    let widths: Vec<String> = model.widths().iter().map(usize::to_string).collect();
    let init = match model.init {
        WeightInit::Normal => format!("normal σ={}", model.init_std),
        other => flag_name(other),
    };
    format!(
        "{} MLP ({}, {}, init {init})",
        widths.join("-"),
        flag_name(model.activation),
        flag_name(model.head)
    )
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    #[derive(Parser)]
    struct Probe {
        #[command(flatten)]
        model: ModelArgs,
    }

    /// `--activation` and `--head` have no clap default (gradcheck reads their absence as
    /// "all"), so their help states the default in words: it must be the configuration's.
    #[test]
    fn the_help_of_activation_and_head_names_the_config_defaults() {
        let command = Probe::command();
        let defaults = MlpConfig::new();
        for (flag, value) in [
            ("activation", flag_name(defaults.activation)),
            ("head", flag_name(defaults.head)),
        ] {
            let arg = command
                .get_arguments()
                .find(|a| a.get_id() == flag)
                .unwrap();
            let help = arg.get_help().unwrap().to_string();
            assert!(
                help.contains(&format!("[default: {value};")),
                "{flag}: {help}"
            );
        }
        let parsed = Probe::try_parse_from(["probe"]).unwrap().model.config();
        assert_eq!(parsed.to_string(), defaults.to_string());
    }
}
