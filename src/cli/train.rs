//! `backprop train`.

use clap::Args;

use super::args::{ArtifactArgs, ModelArgs, RunArgs, describe, flag_name, lab};
use crate::error::Result;
use crate::run::{resume, train};
use crate::train::{Checkpoints, Engine, TerminalPrinter, TrainingConfig, interrupt, shared};

/// Flags of `train`; the defaults are the lab's.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    output: ArtifactArgs,
    /// Passes over the training set (1 to 100,000).
    #[arg(long, default_value_t = lab().epochs)]
    epochs: usize,
    /// Examples per SGD step (1 to 65,536, and at most 2^30 hidden activations per batch:
    /// batch size × the sum of --hidden).
    #[arg(long, default_value_t = lab().batch_size)]
    batch_size: usize,
    /// SGD learning rate η (plain SGD: no momentum, no weight decay).
    #[arg(long, default_value_t = lab().lr)]
    lr: f64,
    /// Seed of the initial weights (and of the shuffling with --shuffle).
    #[arg(long, default_value_t = lab().seed)]
    seed: u64,
    /// Shuffle the training set every epoch (default: file order, as the lab).
    #[arg(long)]
    shuffle: bool,
    /// Stop after an epoch whose mean train accuracy (%) exceeds this.
    #[arg(long, default_value_t = lab().stop_above)]
    stop_above: f64,
    /// Train on the first N training images only (quick runs).
    #[arg(long)]
    train_limit: Option<usize>,
    /// Start from the weights in this safetensors file (the lab's layout, as `export` writes
    /// it or the NumPy lab saves it) instead of a random init; shapes must match --hidden.
    #[arg(long)]
    init_from: Option<std::path::PathBuf>,
    /// Continue the interrupted run in --artifact-dir from its last completed epoch, with that
    /// run's own settings (the other training flags are then ignored).
    #[arg(long, conflicts_with = "init_from")]
    resume: bool,
    /// Clip each gradient tensor to this L2 norm before the SGD update (Burn's gradient
    /// clipping): the standard fix for exploding gradients.
    #[arg(long)]
    clip_grad_norm: Option<f64>,
    /// How gradients are computed and applied.
    #[arg(long, value_enum, default_value_t = lab().engine)]
    engine: Engine,
}

impl TrainArgs {
    fn config(&self) -> TrainingConfig {
        TrainingConfig::new(self.model.config())
            .with_epochs(self.epochs)
            .with_batch_size(self.batch_size)
            .with_lr(self.lr)
            .with_seed(self.seed)
            .with_shuffle(self.shuffle)
            .with_stop_above(self.stop_above)
            .with_train_limit(self.train_limit)
            .with_engine(self.engine)
            .with_clip_grad_norm(self.clip_grad_norm)
            .with_init_from(
                self.init_from
                    .as_ref()
                    .map(|p| p.to_string_lossy().into_owned()),
            )
    }
}

/// Trains (or resumes), prints the lab's lines, and saves the artifacts.
pub fn run(args: TrainArgs) -> Result<()> {
    let artifacts = args.output.artifacts();
    let config = if args.resume {
        Checkpoints::new(artifacts.root()).resume_point()?.config
    } else {
        args.config()
    };
    config.validate()?;
    let device = args.run.backend.device()?;
    let data_dir = args.run.data_dir();
    let data = args.run.load_data()?;
    println!(
        "{} {} with the {} engine on {}; {} train / {} test images from {}",
        if args.resume { "Resuming" } else { "Training" },
        describe(&config.model),
        flag_name(config.engine),
        args.run.describe_device(&device),
        data.train.len_within(config.train_limit),
        data.test.len(),
        data_dir.display()
    );
    interrupt::install_signal_handler();
    let printer = shared(TerminalPrinter::new());
    let outcome = if args.resume {
        resume(&data, &device, &artifacts, printer)?
    } else {
        train(&config, &data, &device, &artifacts, printer)?
    };
    let last = outcome.last();
    println!(
        "Test Loss: {:.4}, Test Accuracy: {:.2}%",
        last.test_loss, last.test_accuracy
    );
    println!(
        "Wall time: {:.2} s for {} epoch(s), {:.2} s/epoch; saved to {}",
        outcome.seconds,
        outcome.epochs_run,
        outcome.seconds / outcome.epochs_run.max(1) as f64,
        artifacts.root().display()
    );
    Ok(())
}
