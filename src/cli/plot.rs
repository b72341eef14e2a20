//! `backprop plot`: redraws `curves.png` from a run's `metrics.csv`.

use std::path::PathBuf;

use clap::Args;

use super::args::ArtifactArgs;
use crate::error::Result;
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
    let artifacts = args.input.artifacts();
    let epochs = artifacts.load_metrics()?;
    let output = args.output.unwrap_or_else(|| artifacts.curves_path());
    draw_curves(&epochs, &output)?;
    println!("{} epoch(s) plotted to {}", epochs.len(), output.display());
    Ok(())
}
