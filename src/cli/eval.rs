//! `backprop eval`: test loss, accuracy, per-class accuracy and confusion matrix of a saved model.

use clap::Args;

use super::args::{ArtifactArgs, RunArgs, describe};
use crate::error::Result;
use crate::evaluate::{confusion_matrix, evaluate};

/// Flags of `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    input: ArtifactArgs,
}

/// Loads the artifacts and reports on the test split.
pub fn run(args: EvalArgs) -> Result<()> {
    let device = args.run.backend.device()?;
    let artifacts = args.input.artifacts();
    let (config, model) = artifacts.load_model(&device)?;
    let data = args.run.load_data()?;
    let test = &data.test;
    test.check_pixels(config.model.inputs)?;
    println!(
        "{} from {} on {}",
        describe(&config.model),
        artifacts.root().display(),
        args.run.describe_device(&device)
    );
    let (loss, accuracy) = evaluate(&model, test, &device)?;
    println!(
        "Test Loss: {loss:.4}, Test Accuracy: {accuracy:.2}% ({} images)",
        test.len()
    );

    let matrix = confusion_matrix(&model, test, &device)?;
    println!("\nPer-class accuracy:");
    for (class, row) in matrix.iter().enumerate() {
        let total: u64 = row.iter().sum();
        let correct = row[class];
        let percent = if total > 0 {
            100.0 * correct as f64 / total as f64
        } else {
            f64::NAN
        };
        println!("  {class}: {percent:6.2}% ({correct}/{total})");
    }
    println!("\nConfusion matrix (rows: true digit, columns: predicted):");
    print!("     ");
    for class in 0..matrix.len() {
        print!("{class:>6}");
    }
    println!();
    for (class, row) in matrix.iter().enumerate() {
        print!("  {class:>2} ");
        for count in row {
            print!("{count:>6}");
        }
        println!();
    }
    Ok(())
}
