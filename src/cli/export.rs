//! `backprop export`: the trained weights as safetensors in the lab's layout.

use std::path::PathBuf;

use clap::Args;

use super::args::ArtifactArgs;
use crate::backend::Backend;
use crate::error::Result;
use crate::export::export_lab_weights;
use crate::files::check_output_path;

/// Flags of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    input: ArtifactArgs,
    /// The safetensors file to write (W1 [132, 784], b1 [132, 1], W2 [10, 132], b2 [10, 1], …).
    #[arg(long)]
    output: PathBuf,
}

/// Loads the model and writes its weights.
pub fn run(args: ExportArgs) -> Result<()> {
    check_output_path("--output", &args.output)?;
    let device = Backend::default_compiled().device()?;
    let (config, model) = args.input.artifacts().load_model(&device)?;
    export_lab_weights(&model, &args.output)?;
    let names: Vec<String> = config
        .model
        .widths()
        .windows(2)
        .enumerate()
        .map(|(l, w)| format!("W{0} [{1}, {2}], b{0} [{1}, 1]", l + 1, w[1], w[0]))
        .collect();
    println!(
        "Wrote {} (float32): {}",
        args.output.display(),
        names.join(", ")
    );
    Ok(())
}
