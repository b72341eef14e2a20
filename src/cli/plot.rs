//! `backprop plot`: redraws `curves.png` from a run's `metrics.csv`.

use std::path::PathBuf;

use clap::Args;

use super::args::ArtifactArgs;
use crate::error::{Error, Result};
use crate::files::check_output_path;
use crate::plot::draw_curves;

/// Flags of `plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    #[command(flatten)]
    input: ArtifactArgs,
    /// Where to write the PNG [default: curves.png in the artifact directory].
    #[arg(long)]
    output: Option<PathBuf>,
}

/// Reads the metrics and draws the two panels.
pub fn run(args: PlotArgs) -> Result<()> {
    if let Some(path) = &args.output {
        check_output_path("--output", path)?;
    }
    let artifacts = args.input.artifacts();
    let epochs = artifacts.load_metrics()?;
    if epochs.is_empty() {
        return Err(Error::Artifact {
            path: artifacts.metrics_path(),
            reason: "holds no epoch; nothing to plot".into(),
        });
    }
    let output = args.output.unwrap_or_else(|| artifacts.curves_path());
    draw_curves(&epochs, &output)?;
    println!("{} epoch(s) plotted to {}", epochs.len(), output.display());
    Ok(())
}
