//! Pictures as PNG: the loss and accuracy curves of a run, and a digit with its prediction.
//! Drawn with plotters into memory (text in the embedded DejaVu Sans font, so no system font is
//! needed), then written atomically.

use std::path::Path;
use std::sync::Once;

use image::{ImageBuffer, ImageFormat, Rgb};
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Error, Result};
use crate::files::write_atomic;
use crate::train::EpochMetrics;

/// Size of `curves.png`: two panels side by side.
pub const CURVES_SIZE: (u32, u32) = (1200, 450);
/// Pixels per MNIST pixel in a digit picture.
const DIGIT_SCALE: u32 = 10;
/// Height of the title band above a digit.
const TITLE_HEIGHT: u32 = 44;

pub(crate) const FONT: &str = "sans-serif";

pub(crate) fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded font parses; a failure would only leave text out of the pictures.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
    });
}

/// Draws loss (left) and accuracy (right) per epoch, train and test, to the PNG at `path`.
pub fn draw_curves(epochs: &[EpochMetrics], path: &Path) -> Result<()> {
    if epochs.is_empty() {
        return Err(Error::Artifact {
            path: path.to_path_buf(),
            reason: "no epoch to plot".into(),
        });
    }
    let (width, height) = CURVES_SIZE;
    let pixels = render(path, width, height, |root| {
        let (left, right) = root.split_horizontally(width / 2);
        panel(&left, "Loss", epochs, |e| (e.train_loss, e.test_loss))?;
        panel(&right, "Accuracy (%)", epochs, |e| {
            (e.train_accuracy, e.test_accuracy)
        })
    })?;
    save_png(path, width, height, pixels)
}

/// Draws the 28×28 `pixels` (values in [0, 1], light digit on dark) enlarged, under `title`.
pub fn draw_digit(pixels: &[f32], side: usize, title: &str, path: &Path) -> Result<()> {
    let width = side as u32 * DIGIT_SCALE;
    let height = width + TITLE_HEIGHT;
    let buffer = render(path, width, height, |root| {
        root.draw(&Text::new(
            title.to_string(),
            (12, 10),
            (FONT, 26).into_font().color(&BLACK),
        ))?;
        for (i, &value) in pixels.iter().enumerate() {
            let (row, col) = ((i / side) as i32, (i % side) as i32);
            let level = (value.clamp(0.0, 1.0) * 255.0).round() as u8;
            let (x, y) = (
                col * DIGIT_SCALE as i32,
                TITLE_HEIGHT as i32 + row * DIGIT_SCALE as i32,
            );
            root.draw(&Rectangle::new(
                [(x, y), (x + DIGIT_SCALE as i32, y + DIGIT_SCALE as i32)],
                RGBColor(level, level, level).filled(),
            ))?;
        }
        Ok(())
    })?;
    save_png(path, width, height, buffer)
}

pub(crate) type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// Renders into an RGB buffer on a white background.
pub(crate) fn render(
    path: &Path,
    width: u32,
    height: u32,
    draw: impl FnOnce(&DrawingArea<BitMapBackend, plotters::coord::Shift>) -> DrawResult,
) -> Result<Vec<u8>> {
    register_font();
    let mut buffer = vec![255u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, (width, height)).into_drawing_area();
        let outcome = root
            .fill(&WHITE)
            .map_err(|e| e.into())
            .and_then(|_| draw(&root))
            .and_then(|_| root.present().map_err(|e| e.into()));
        outcome.map_err(|e| Error::Artifact {
            path: path.to_path_buf(),
            reason: format!("cannot draw ({e})"),
        })?;
    }
    Ok(buffer)
}

pub(crate) fn save_png(path: &Path, width: u32, height: u32, buffer: Vec<u8>) -> Result<()> {
    let image: ImageBuffer<Rgb<u8>, Vec<u8>> =
        ImageBuffer::from_raw(width, height, buffer).expect("buffer matches its size");
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, ImageFormat::Png)
        .map_err(|e| Error::Artifact {
            path: path.to_path_buf(),
            reason: format!("cannot encode PNG ({e})"),
        })?;
    write_atomic(path, png.get_ref())
}

/// One panel: a train and a test line against the epoch.
fn panel(
    area: &DrawingArea<BitMapBackend, plotters::coord::Shift>,
    title: &str,
    epochs: &[EpochMetrics],
    values: impl Fn(&EpochMetrics) -> (f64, f64),
) -> DrawResult {
    let points: Vec<(f64, f64, f64)> = epochs
        .iter()
        .map(|e| {
            let (train, test) = values(e);
            (e.epoch as f64, train, test)
        })
        .collect();
    let (low, high) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.1).min(p.2), hi.max(p.1).max(p.2))
    });
    let margin = ((high - low) * 0.08).max(1e-3);
    let first = points.first().map_or(1.0, |p| p.0);
    let last = points.last().map_or(1.0, |p| p.0).max(first + 1.0);

    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 24))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(first - 0.2..last + 0.2, (low - margin)..(high + margin))?;
    chart
        .configure_mesh()
        .x_desc("Epoch")
        .light_line_style(WHITE)
        .x_label_formatter(&|x| {
            // Epochs are whole numbers: label those ticks only.
            if (x - x.round()).abs() < 1e-6 {
                format!("{x:.0}")
            } else {
                String::new()
            }
        })
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .draw()?;
    for (name, color, pick) in [("train", BLUE, 1usize), ("test", RED, 2usize)] {
        let series: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (p.0, if pick == 1 { p.1 } else { p.2 }))
            .collect();
        chart
            .draw_series(LineSeries::new(series.clone(), color.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart.draw_series(
            series
                .into_iter()
                .map(|p| Circle::new(p, 3, color.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .label_font((FONT, 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}
