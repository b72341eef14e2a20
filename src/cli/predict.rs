//! `backprop predict`: one test digit (or the user's own picture), drawn in the terminal, with
//! the model's prediction and its ten probabilities.

use std::path::PathBuf;

use clap::Args;

use super::args::{ArtifactArgs, RunArgs, describe};
use crate::error::{Error, Result};
use crate::files::check_output_path;
use crate::plot::draw_digit;
use crate::predict::{argmax, load_image, probabilities, probability_bars, terminal_art};
use crate::rng::SplitMix64;

/// Flags of `predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    input: ArtifactArgs,
    /// Index of the test image (default: one picked at random from --seed, as the lab does).
    #[arg(long, conflicts_with = "image")]
    index: Option<usize>,
    /// Seed of the random pick when --index is not given.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Classify this picture instead (PNG or JPEG, up to 8,192×8,192 pixels), turned grey and
    /// preprocessed as MNIST was made: the digit's bounding box scaled to 20×20, its centre of
    /// mass at the centre of 28×28.
    /// MNIST digits are light strokes on a dark background: use --invert for dark-on-light.
    #[arg(long)]
    image: Option<PathBuf>,
    /// Invert the picture's grey levels (for a dark digit on a light background).
    #[arg(long, requires = "image")]
    invert: bool,
    /// Also write the picture, titled with the prediction, to this PNG file.
    #[arg(long)]
    png: Option<PathBuf>,
}

/// Predicts one image and shows it.
pub fn run(args: PredictArgs) -> Result<()> {
    if let Some(path) = &args.png {
        check_output_path("--png", path)?;
    }
    let device = args.run.backend.device()?;
    let (config, model) = args.input.artifacts().load_model(&device)?;
    let side = (config.model.inputs as f64).sqrt() as usize;
    if side * side != config.model.inputs {
        return Err(Error::Config(format!(
            "the model takes {} inputs, not a square image",
            config.model.inputs
        )));
    }
    let (pixels, truth, source) = match &args.image {
        Some(path) => (
            load_image(path, side, args.invert)?,
            None,
            path.display().to_string(),
        ),
        None => {
            let data = args.run.load_data()?;
            let test = data.test;
            test.check_pixels(config.model.inputs)?;
            let index = match args.index {
                Some(i) if i >= test.len() => {
                    return Err(Error::Config(format!(
                        "--index: {i} is out of range, the test set has {} images (0..{})",
                        test.len(),
                        test.len() - 1
                    )));
                }
                Some(i) => i,
                None => SplitMix64::new(args.seed).below(test.len()),
            };
            (
                test.images.image(index).to_vec(),
                Some(test.labels[index]),
                format!("test image {index}"),
            )
        }
    };

    let probabilities = probabilities(&model, &pixels, &device);
    let predicted = argmax(&probabilities);
    let title = match truth {
        Some(label) => format!("True: {label} | Predicted: {predicted}"),
        None => format!("Predicted: {predicted}"),
    };
    println!(
        "{source}; {} on {}",
        describe(&config.model),
        args.run.describe_device(&device)
    );
    print!("{}", terminal_art(&pixels, side));
    println!("{title}");
    print!("{}", probability_bars(&probabilities, 40));
    if let Some(path) = &args.png {
        draw_digit(&pixels, side, &title, path)?;
        println!("Picture written to {}", path.display());
    }
    Ok(())
}
