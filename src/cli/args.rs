//! Flags shared by every subcommand, so that all of them speak the same language.

use std::path::PathBuf;

use clap::Args;

use crate::artifacts::{ArtifactDir, DEFAULT_DIR};
use crate::backend::Backend;
use crate::data::{Mnist, default_data_dir};
use crate::error::Result;
use crate::model::{Activation, Head, MlpConfig, WeightInit};

/// The network's architecture and initialisation.
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Hidden layer sizes, input side first (e.g. 132, or 256,128).
    #[arg(long, value_delimiter = ',', default_value = "132")]
    pub hidden: Vec<usize>,
    /// Activation of the hidden layers.
    #[arg(long, value_enum, default_value_t = Activation::Tanh)]
    pub activation: Activation,
    /// Output head: softmax + cross-entropy, or sigmoid + binary cross-entropy (TP 3).
    #[arg(long, value_enum, default_value_t = Head::SoftmaxCe)]
    pub head: Head,
    /// Weight initialisation: normal N(0, σ²), xavier U(±√(1/n_prev)) as in the lab,
    /// glorot U(±√(6/(n_prev+n_next))), he N(0, 2/n_prev). Biases start at 0.
    #[arg(long, value_enum, default_value_t = WeightInit::Normal)]
    pub init: WeightInit,
    /// σ of the normal initialisation.
    #[arg(long, default_value_t = 0.3)]
    pub init_std: f64,
}

impl ModelArgs {
    /// The model configuration these flags describe.
    pub fn config(&self) -> MlpConfig {
        MlpConfig::new()
            .with_hidden(self.hidden.clone())
            .with_activation(self.activation)
            .with_head(self.head)
            .with_init(self.init)
            .with_init_std(self.init_std)
    }
}

/// Where data comes from, where artifacts go, and which backend runs.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Directory holding the four MNIST-format IDX files (raw or .gz) [default: the shipped data/mnist].
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Directory for config.json, model.bpk and metrics.csv.
    #[arg(long, default_value = DEFAULT_DIR)]
    pub artifact_dir: PathBuf,
    /// Backend to run on (among those compiled in).
    #[arg(long, value_enum, default_value_t = Backend::default_compiled())]
    pub backend: Backend,
}

impl RunArgs {
    /// The dataset directory.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }

    /// Loads both splits.
    pub fn load_data(&self) -> Result<Mnist> {
        Mnist::load(&self.data_dir())
    }

    /// The artifact directory.
    pub fn artifacts(&self) -> ArtifactDir {
        ArtifactDir::new(&self.artifact_dir)
    }
}
