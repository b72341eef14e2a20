//! Using a trained model on one image: class probabilities, the digit as terminal art, a
//! probability bar chart, and reading a user's own picture.

use std::path::Path;

use burn::prelude::*;
use image::imageops::FilterType;

use crate::data::centering::{FRAME, mnist_centered};
use crate::error::{Error, Result};
use crate::gradients::input_gradient;
use crate::gradients::manual::forward;
use crate::limits::MAX_IMAGE_SIDE;
use crate::model::Mlp;

/// Shades from dark to light, for terminal art.
const SHADES: [char; 5] = [' ', '░', '▒', '▓', '█'];

/// The model's probabilities Ŷ for one image.
///
/// # Shapes
/// - `pixels`: `[inputs]`; returns `[outputs]`
pub fn probabilities(model: &Mlp, pixels: &[f32], device: &Device) -> Vec<f32> {
    let input = Tensor::<2>::from_data(TensorData::new(pixels.to_vec(), [1, pixels.len()]), device);
    model
        .probabilities(input)
        .into_data()
        .convert::<f32>()
        .try_to_vec()
        .expect("converted to f32")
}

/// Index of the largest probability.
pub fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}

/// The image as `side` rows of shade blocks, two characters per pixel (square on most terminals).
pub fn terminal_art(pixels: &[f32], side: usize) -> String {
    let mut art = String::with_capacity(pixels.len() * 2 * 3 + side);
    for row in pixels.chunks(side) {
        for &value in row {
            let level = (value.clamp(0.0, 1.0) * (SHADES.len() - 1) as f32).round() as usize;
            art.push(SHADES[level]);
            art.push(SHADES[level]);
        }
        art.push('\n');
    }
    art
}

/// One line per class: `  7 ████████████████ 0.973`, the predicted class marked with `<`.
pub fn probability_bars(probabilities: &[f32], width: usize) -> String {
    let predicted = argmax(probabilities);
    probabilities
        .iter()
        .enumerate()
        .map(|(class, &p)| {
            let filled = (p.clamp(0.0, 1.0) * width as f32).round() as usize;
            format!(
                "{class:>3} {}{} {p:.3}{}\n",
                "█".repeat(filled),
                " ".repeat(width - filled),
                if class == predicted { " <" } else { "" }
            )
        })
        .collect()
}

/// Reads a picture (PNG or JPEG, any size, colour or grey) as MNIST pixels: converted to grey,
/// scaled to [0, 1], then, for a 28×28 model, preprocessed as MNIST was made
/// ([`mnist_centered`]: bounding box to 20×20, centre of mass in the middle); other sizes are
/// resized whole. MNIST digits are light on a dark background;
/// `invert` turns a dark-on-light drawing into that convention.
pub fn load_image(path: &Path, side: usize, invert: bool) -> Result<Vec<f32>> {
    let unreadable =
        |e: image::ImageError| Error::data(path, format!("not a readable PNG or JPEG image ({e})"));
    let open = || -> Result<image::ImageReader<std::io::BufReader<std::fs::File>>> {
        image::ImageReader::open(path)
            .map_err(|e| Error::io(path, e))?
            .with_guessed_format()
            .map_err(|e| Error::io(path, e))
    };
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(Error::data(
            path,
            "not a regular file, expected a PNG or JPEG image",
        ));
    }
    // The header's size is checked before anything is allocated from it.
    let (width, height) = open()?.into_dimensions().map_err(unreadable)?;
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(Error::data(
            path,
            format!(
                "{width}×{height} pixels is over the limit of {MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE} for --image"
            ),
        ));
    }
    let mut reader = open()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    reader.limits(limits);
    let image = reader.decode().map_err(unreadable)?;
    if side != FRAME {
        // A model of other inputs: the picture as a whole, resized.
        let grey = image
            .resize_exact(side as u32, side as u32, FilterType::Triangle)
            .to_luma8();
        return Ok(grey.pixels().map(|p| level(p.0[0], invert)).collect());
    }
    let grey = image.to_luma8();
    let levels: Vec<f32> = grey.pixels().map(|p| level(p.0[0], invert)).collect();
    mnist_centered(&levels, grey.width() as usize, grey.height() as usize)
        .map_err(|e| Error::data(path, e.to_string().replace("pixels: ", "")))
}

fn level(byte: u8, invert: bool) -> f32 {
    let value = f32::from(byte) / 255.0;
    if invert { 1.0 - value } else { value }
}

/// What the model does with one image, layer by layer: its probabilities, every hidden
/// layer's activations, and which pixels push the decision.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// Ŷ: `[outputs]`.
    pub probabilities: Vec<f32>,
    /// The predicted class (largest probability).
    pub predicted: usize,
    /// A_1 … A_{L−1}: one `[n_l]` vector per hidden layer.
    pub hidden: Vec<Vec<f32>>,
    /// −∂J/∂X for the predicted class, `[inputs]`: where it is positive, more ink would raise
    /// the predicted class's probability (the lab's backward pass carried to the pixels).
    pub input_gradient: Vec<f32>,
}

/// Runs `model` on one image with the manual forward and backward passes.
///
/// # Shapes
/// - `pixels`: `[inputs]`
pub fn explain(model: &Mlp, pixels: &[f32], device: &Device) -> Explanation {
    let to_vec = |t: Tensor<2>| -> Vec<f32> {
        t.into_data()
            .convert::<f32>()
            .try_to_vec()
            .expect("converted to f32")
    };
    let input = Tensor::<2>::from_data(TensorData::new(pixels.to_vec(), [1, pixels.len()]), device);
    let cache = forward(model, input);
    let probabilities = to_vec(cache.probabilities().clone());
    let predicted = argmax(&probabilities);
    let hidden = cache.activations[1..cache.activations.len() - 1]
        .iter()
        .map(|a| to_vec(a.clone()))
        .collect();
    let target = Tensor::<1, Int>::from_data(TensorData::new(vec![predicted as i64], [1]), device);
    let input_gradient = to_vec(input_gradient(model, &cache, target).neg());
    Explanation {
        probabilities,
        predicted,
        hidden,
        input_gradient,
    }
}
