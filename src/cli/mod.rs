//! The command line: argument parsing, and one module per subcommand.

mod args;
mod eval;
mod export;
mod gradcheck;
mod plot;
mod predict;
mod study;
mod train;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::Error;

/// Backpropagation lab on Burn: a 784-132-10 MLP on MNIST, trained by Burn's Learner.
#[derive(Debug, Parser)]
#[command(name = "backprop", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Train the MLP (no flags: the lab's experiment) and save it to the artifact directory.
    #[command(allow_negative_numbers = true)]
    Train(train::TrainArgs),
    /// Check the hand-derived gradients against Burn's autodiff and finite differences
    /// (no flags: every activation × head).
    #[command(allow_negative_numbers = true)]
    Gradcheck(gradcheck::GradcheckArgs),
    /// Report test loss, accuracy, per-class accuracy and the confusion matrix of a saved model.
    Eval(eval::EvalArgs),
    /// Show one test digit (or your own picture) with the saved model's prediction.
    Predict(predict::PredictArgs),
    /// Measure vanishing and exploding gradients in deep MLPs: per-layer gradient norms for
    /// every activation × initialisation, and whether each network trains.
    #[command(allow_negative_numbers = true)]
    Study(study::StudyArgs),
    /// Redraw curves.png from a run's metrics.csv.
    Plot(plot::PlotArgs),
    /// Write the saved model's weights as safetensors in the lab's layout (for NumPy).
    Export(export::ExportArgs),
}

/// Parses the command line, runs the subcommand, and maps errors to exit codes:
/// 2 for bad flags or input files, 1 for failures at run time.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = crate::backend::on_compute_pool(|| match cli.command {
        Command::Train(args) => train::run(args),
        Command::Gradcheck(args) => gradcheck::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Predict(args) => predict::run(args),
        Command::Study(args) => study::run(args),
        Command::Plot(args) => plot::run(args),
        Command::Export(args) => export::run(args),
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(&error),
    }
}

fn report(error: &Error) -> ExitCode {
    eprintln!("error: {error}");
    if matches!(error, Error::Interrupted { .. }) {
        ExitCode::from(crate::error::EXIT_INTERRUPTED)
    } else if error.is_input_error() {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}
