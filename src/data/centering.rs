//! MNIST's own preprocessing, for digits that did not come from MNIST (a drawing, a photo):
//! the digit's bounding box scaled to fit 20×20 keeping its aspect ratio, then placed in a
//! 28×28 frame so that its centre of mass is at the centre. Light strokes on a dark
//! background, grey levels in [0, 1].

use image::imageops::FilterType;
use image::{GrayImage, Luma};

use crate::error::{Error, Result};

/// Side of the frame MNIST digits sit in.
pub const FRAME: usize = 28;

/// Side of the box the digit is scaled into.
pub const DIGIT_BOX: usize = 20;

/// Grey level below which a pixel counts as background when finding the bounding box.
const INK: f32 = 0.1;

/// The `FRAME`×`FRAME` MNIST-style input of a grey picture.
///
/// # Shapes
/// - `grey`: `[height * width]`, row-major, values in [0, 1]; returns `[28 * 28]`
pub fn mnist_centered(grey: &[f32], width: usize, height: usize) -> Result<Vec<f32>> {
    if width == 0 || height == 0 || grey.len() != width * height {
        return Err(Error::Config(format!(
            "pixels: {} values for a {width}×{height} picture",
            grey.len()
        )));
    }
    let ink = |x: usize, y: usize| grey[y * width + x] > INK;
    let rows: Vec<usize> = (0..height)
        .filter(|&y| (0..width).any(|x| ink(x, y)))
        .collect();
    let cols: Vec<usize> = (0..width)
        .filter(|&x| (0..height).any(|y| ink(x, y)))
        .collect();
    let (Some(&top), Some(&bottom), Some(&left), Some(&right)) =
        (rows.first(), rows.last(), cols.first(), cols.last())
    else {
        return Err(Error::Config(
            "pixels: the picture is blank (no stroke lighter than the background)".into(),
        ));
    };
    let (box_w, box_h) = (right - left + 1, bottom - top + 1);
    let crop = GrayImage::from_fn(box_w as u32, box_h as u32, |x, y| {
        let value = grey[(top + y as usize) * width + left + x as usize];
        Luma([(value.clamp(0.0, 1.0) * 255.0).round() as u8])
    });
    // Longer side to 20 pixels, the other in proportion (at least 1).
    let scale = DIGIT_BOX as f64 / box_w.max(box_h) as f64;
    let fit_w = ((box_w as f64 * scale).round() as u32).clamp(1, DIGIT_BOX as u32);
    let fit_h = ((box_h as f64 * scale).round() as u32).clamp(1, DIGIT_BOX as u32);
    let digit = image::imageops::resize(&crop, fit_w, fit_h, FilterType::Triangle);

    let (mass, sum_x, sum_y) = digit
        .enumerate_pixels()
        .fold((0.0, 0.0, 0.0), |acc, (x, y, p)| {
            let v = f64::from(p.0[0]);
            (acc.0 + v, acc.1 + v * x as f64, acc.2 + v * y as f64)
        });
    let centre = |sum: f64, size: u32| {
        if mass > 0.0 {
            sum / mass
        } else {
            f64::from(size) / 2.0
        }
    };
    // MNIST's digits have their centre of mass at pixel index 14 (of 0..27), as measured on
    // its test set: the same here.
    let half = FRAME as f64 / 2.0;
    let place = |centre_of_mass: f64, size: u32| {
        let offset = (half - centre_of_mass).round() as i64;
        offset.clamp(0, (FRAME as u32 - size) as i64) as usize
    };
    let (dx, dy) = (
        place(centre(sum_x, fit_w), fit_w),
        place(centre(sum_y, fit_h), fit_h),
    );
    let mut frame = vec![0.0f32; FRAME * FRAME];
    for (x, y, p) in digit.enumerate_pixels() {
        frame[(dy + y as usize) * FRAME + dx + x as usize] = f32::from(p.0[0]) / 255.0;
    }
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bar drawn in the corner of a large picture ends up 20 pixels tall, centred.
    #[test]
    fn a_corner_stroke_is_scaled_and_centred() {
        let (w, h) = (100, 80);
        let mut grey = vec![0.0; w * h];
        for y in 2..42 {
            for x in 3..9 {
                grey[y * w + x] = 1.0;
            }
        }
        let frame = mnist_centered(&grey, w, h).unwrap();
        let lit: Vec<(usize, usize)> = (0..FRAME * FRAME)
            .filter(|&i| frame[i] > 0.5)
            .map(|i| (i % FRAME, i / FRAME))
            .collect();
        let rows =
            lit.iter().map(|p| p.1).max().unwrap() - lit.iter().map(|p| p.1).min().unwrap() + 1;
        assert_eq!(rows, DIGIT_BOX);
        let mean_x = lit.iter().map(|p| p.0 as f64).sum::<f64>() / lit.len() as f64;
        let mean_y = lit.iter().map(|p| p.1 as f64).sum::<f64>() / lit.len() as f64;
        assert!((mean_x - 14.0).abs() <= 1.0, "{mean_x}");
        assert!((mean_y - 14.0).abs() <= 1.0, "{mean_y}");
    }

    #[test]
    fn a_blank_or_misshapen_picture_is_refused() {
        assert!(mnist_centered(&[0.0; 16], 4, 4).is_err());
        assert!(mnist_centered(&[1.0; 15], 4, 4).is_err());
        assert!(mnist_centered(&[], 0, 0).is_err());
    }
}
