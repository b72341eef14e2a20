//! Using a trained model on one image: class probabilities, the digit as terminal art, a
//! probability bar chart, and reading a user's own picture.

use std::path::Path;

use burn::prelude::*;
use image::imageops::FilterType;

use crate::error::{Error, Result};
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
/// resized to `side`×`side`, scaled to [0, 1]. MNIST digits are light on a dark background;
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
    let grey = image
        .resize_exact(side as u32, side as u32, FilterType::Triangle)
        .to_luma8();
    Ok(grey
        .pixels()
        .map(|p| {
            let value = f32::from(p.0[0]) / 255.0;
            if invert { 1.0 - value } else { value }
        })
        .collect())
}
