//! The command line: argument parsing, and one module per subcommand.

mod args;
mod eval;
mod export;
mod gradcheck;
mod grade;
mod plot;
mod predict;
mod serve;
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
    #[command(allow_hyphen_values = true)]
    Train(train::TrainArgs),
    /// Check the hand-derived gradients against Burn's autodiff and finite differences
    /// (no flags: every activation × head).
    #[command(allow_hyphen_values = true)]
    Gradcheck(gradcheck::GradcheckArgs),
    /// Report test loss, accuracy, per-class accuracy and the confusion matrix of a saved model.
    #[command(allow_hyphen_values = true)]
    Eval(eval::EvalArgs),
    /// Show one test digit (or your own picture) with the saved model's prediction.
    #[command(allow_hyphen_values = true)]
    Predict(predict::PredictArgs),
    /// Measure vanishing and exploding gradients in deep MLPs: per-layer gradient norms for
    /// every activation × initialisation, and whether each network trains.
    #[command(allow_hyphen_values = true)]
    Study(study::StudyArgs),
    /// Redraw curves.png from a run's metrics.csv.
    #[command(allow_hyphen_values = true)]
    Plot(plot::PlotArgs),
    /// Write the saved model's weights as safetensors in the lab's layout (for NumPy).
    #[command(allow_hyphen_values = true)]
    Export(export::ExportArgs),
    /// Grade a student's NumPy lab (.py or .ipynb), or a folder of them: every function run in
    /// a separate limited Python process and checked against Burn's autodiff, mistakes named.
    #[command(allow_hyphen_values = true)]
    Grade(grade::GradeArgs),
    /// Serve the lab as a local web page: draw a digit, watch the network learn, check the
    /// equations.
    #[command(allow_hyphen_values = true)]
    Serve(serve::ServeArgs),
}

/// Parses the command line, runs the subcommand, and maps errors to exit codes:
/// 2 for bad flags or input files, 1 for failures at run time.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    let outcome = crate::backend::on_compute_pool(|| match cli.command {
        Command::Train(args) => train::run(args),
        Command::Gradcheck(args) => gradcheck::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Predict(args) => predict::run(args),
        Command::Study(args) => study::run(args),
        Command::Plot(args) => plot::run(args),
        Command::Export(args) => export::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Grade(args) => grade::run(args),
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(&error),
    }
}

/// Help and version go to stdout as clap prints them; a usage error becomes one line on
/// stderr (clap's first line, with the accepted values when clap lists them), exit 2.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        error.exit();
    }
    eprintln!("{}", one_line_usage_error(&error));
    ExitCode::from(2)
}

/// clap's message reduced to one line: its lines up to the usage, joined, e.g.
/// `error: invalid value 'x' for '--head <HEAD>' [possible values: softmax-ce, sigmoid-bce]`.
fn one_line_usage_error(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let parts: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    let mut line = parts.join(" ");
    if !line.starts_with("error:") {
        line = format!("error: {line}");
    }
    line.push_str(" (see --help)");
    line
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
