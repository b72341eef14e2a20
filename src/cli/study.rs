//! `backprop study`: vanishing and exploding gradients in deep MLPs, measured per layer.

use std::time::Instant;

use clap::Args;

use super::args::{ArtifactArgs, RunArgs, flag_name};
use crate::error::{Error, Result};
use crate::files::write_atomic;
use crate::model::{Activation, Head, MlpConfig};
use crate::study::{self, InitChoice, SettingResult, StudyConfig};

/// Flags of `study`; the defaults compare 3 activations × 6 initialisations.
#[derive(Debug, Args)]
pub struct StudyArgs {
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    output: ArtifactArgs,
    /// Hidden layers of every network (1 to 256).
    #[arg(long, default_value_t = StudyConfig::default().depth)]
    depth: usize,
    /// Units per hidden layer (1 to 16,384; at most 100,000,000 parameters in all).
    #[arg(long, default_value_t = StudyConfig::default().width)]
    width: usize,
    /// Hidden activations to compare.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_values_t = StudyConfig::default().activations
    )]
    activations: Vec<Activation>,
    /// Initialisations to compare: normal:<σ> (0 < σ ≤ 100), xavier (the lab's U(±√(1/n_prev))), glorot, he.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "normal:0.01,normal:0.3,normal:1,xavier,glorot,he"
    )]
    inits: Vec<InitChoice>,
    /// Output head.
    #[arg(long, value_enum, default_value_t = StudyConfig::default().head)]
    head: Head,
    /// Examples per SGD step and per probe batch (1 to 65,536).
    #[arg(long, default_value_t = StudyConfig::default().batch_size)]
    batch_size: usize,
    /// SGD learning rate η.
    #[arg(long, default_value_t = StudyConfig::default().lr)]
    lr: f64,
    /// Probe batches (the first ones of the training set) the norms are averaged over.
    #[arg(long, default_value_t = StudyConfig::default().probe_batches)]
    probe_batches: usize,
    /// SGD steps before the second measurement.
    #[arg(long, default_value_t = StudyConfig::default().steps)]
    steps: usize,
    /// Epochs of each short training run (1 to 100,000).
    #[arg(long, default_value_t = StudyConfig::default().epochs)]
    epochs: usize,
    /// Seed of every initialisation.
    #[arg(long, default_value_t = StudyConfig::default().seed)]
    seed: u64,
    /// Train on the first N training images only (quick runs).
    #[arg(long)]
    train_limit: Option<usize>,
    /// Clip each gradient tensor to this L2 norm in the training runs.
    #[arg(long)]
    clip_grad_norm: Option<f64>,
}

impl StudyArgs {
    fn config(&self) -> StudyConfig {
        StudyConfig {
            depth: self.depth,
            width: self.width,
            activations: dedup(&self.activations),
            inits: dedup(&self.inits),
            head: self.head,
            batch_size: self.batch_size,
            lr: self.lr,
            probe_batches: self.probe_batches,
            steps: self.steps,
            epochs: self.epochs,
            seed: self.seed,
            train_limit: self.train_limit,
            clip_grad_norm: self.clip_grad_norm,
        }
    }
}

fn dedup<T: PartialEq + Copy>(values: &[T]) -> Vec<T> {
    let mut kept = Vec::new();
    for &value in values {
        if !kept.contains(&value) {
            kept.push(value);
        }
    }
    kept
}

/// Runs the study, prints its tables and writes `study.txt`, `study-layers.csv`,
/// `study-summary.csv` and `study.png` to the artifact directory.
pub fn run(args: StudyArgs) -> Result<()> {
    let started = Instant::now();
    let config = args.config();
    let device = args.run.backend.device()?;
    let data = args.run.load_data()?;
    let network = MlpConfig::new();
    data.train.check_pixels(network.inputs)?;
    data.test.check_pixels(network.inputs)?;
    config.validate(&data.train)?;
    let artifacts = args.output.artifacts();
    artifacts.create()?;
    let settings = config.activations.len() * config.inits.len();
    println!(
        "Studying {settings} settings: {}-{}×{}-{} MLPs ({}), {} epoch(s) of SGD (η {}, batch {}{}) each, on {}",
        network.inputs,
        config.depth,
        config.width,
        network.outputs,
        flag_name(config.head),
        config.epochs,
        config.lr,
        config.batch_size,
        config
            .clip_grad_norm
            .map_or(String::new(), |n| format!(", clip {n}")),
        args.run.describe_device(&device)
    );
    let mut index = 0;
    let results = study::run(&config, &data.train, &data.test, &device, |result| {
        index += 1;
        println!("[{index:>2}/{settings}] {}", progress_line(result));
    })?;

    let tables = study::print_tables(&results, &config);
    println!("\n{tables}");
    let root = artifacts.root();
    write_atomic(&root.join("study.txt"), tables.as_bytes())?;
    write_atomic(
        &root.join("study-layers.csv"),
        study::layers_csv(&results).as_bytes(),
    )?;
    write_atomic(
        &root.join("study-summary.csv"),
        study::summary_csv(&results).as_bytes(),
    )?;
    study::draw_study(&results, &root.join("study.png"))?;
    println!(
        "Wrote study.txt, study-layers.csv, study-summary.csv and study.png to {} in {:.1} s",
        root.display(),
        started.elapsed().as_secs_f64()
    );
    let failed: Vec<String> = results
        .iter()
        .filter(|r| !r.agreement.ok())
        .map(|r| format!("{} {}", r.activation.name(), r.init))
        .collect();
    if !failed.is_empty() {
        return Err(Error::Check(format!(
            "manual and autodiff gradients differ for {}",
            failed.join(", ")
        )));
    }
    Ok(())
}

fn progress_line(result: &SettingResult) -> String {
    let outcome = match (&result.diverged, result.test_accuracy) {
        (Some(d), _) => format!("diverged at epoch {} step {}", d.epoch, d.step),
        (None, Some(accuracy)) => format!("test {accuracy:.2}%"),
        (None, None) => "no result".into(),
    };
    format!(
        "{:<7} {:<14} ‖dW_1‖/‖dW_L‖ {:.2e} at init; {outcome} ({:.1} s)",
        result.activation.name(),
        result.init.to_string(),
        SettingResult::first_to_last(&result.at_init),
        result.seconds
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `--inits` default is written as flag text; it must be the study's own default.
    #[test]
    fn the_inits_flag_default_is_the_study_default() {
        use clap::Parser;
        #[derive(Parser)]
        struct Probe {
            #[command(flatten)]
            args: StudyArgs,
        }
        let probe = Probe::try_parse_from(["study"]).unwrap();
        assert_eq!(probe.args.inits, StudyConfig::default().inits);
    }
}
