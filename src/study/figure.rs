//! `study.png`: ‖dW_l‖ (log scale) against the layer, at initialisation and after K steps; one
//! line per setting, the colour telling the activation and the line style the initialisation.

use std::path::Path;

use plotters::prelude::*;

use super::measure::LayerStat;
use super::result::SettingResult;
use super::setting::InitChoice;
use crate::error::Result;
use crate::model::Activation;
use crate::plot::{DrawResult, FONT, render, save_png};

/// Size of `study.png`: two panels and a legend column.
pub const STUDY_SIZE: (u32, u32) = (1500, 600);
const LEGEND_WIDTH: u32 = 260;

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

/// Draws the study's figure to the PNG at `path`.
pub fn draw_study(results: &[SettingResult], path: &Path) -> Result<()> {
    let steps = results
        .iter()
        .filter(|r| r.after.is_some())
        .map(|r| r.after_step)
        .max()
        .unwrap_or(0);
    let (width, height) = STUDY_SIZE;
    let inits = distinct_inits(results);
    let pixels = render(path, width, height, |root| {
        let (charts, legend) = root.split_horizontally(width - LEGEND_WIDTH);
        let (left, right) = charts.split_horizontally((width - LEGEND_WIDTH) / 2);
        let range = value_range(results);
        let at_init = |r: &SettingResult| Some(r.at_init.clone());
        let after = |r: &SettingResult| r.after.clone();
        panel(
            &left,
            "‖dW_l‖ at initialisation",
            results,
            &inits,
            range,
            at_init,
        )?;
        let title = format!("‖dW_l‖ after {steps} SGD steps (diverged runs left out)");
        panel(&right, &title, results, &inits, range, after)?;
        draw_legend(&legend, results, &inits)
    })?;
    save_png(path, width, height, pixels)
}

fn colour(activation: Activation) -> RGBColor {
    match activation {
        Activation::Sigmoid => RGBColor(214, 39, 40),
        Activation::Tanh => RGBColor(31, 119, 180),
        Activation::Relu => RGBColor(44, 160, 44),
    }
}

/// The initialisations in order of first appearance; a setting's style is its index here.
fn distinct_inits(results: &[SettingResult]) -> Vec<InitChoice> {
    let mut inits: Vec<InitChoice> = Vec::new();
    for result in results {
        if !inits.contains(&result.init) {
            inits.push(result.init);
        }
    }
    inits
}

/// Smallest and largest positive finite norm, widened to whole decades.
fn value_range(results: &[SettingResult]) -> (f64, f64) {
    let values = results
        .iter()
        .flat_map(|r| r.at_init.iter().chain(r.after.iter().flatten()))
        .map(|s| s.grad_norm)
        .filter(|v| v.is_finite() && *v > 0.0);
    let (low, high) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if low > high {
        return (1e-3, 1.0);
    }
    (
        10f64.powf(low.log10().floor()),
        10f64.powf(high.log10().ceil().max(low.log10().floor() + 1.0)),
    )
}

/// Draws one line: pattern (solid, dashed, dotted) from `style % 3`, with markers when
/// `style / 3` is odd.
fn line<DB: DrawingBackend, CT: plotters::coord::CoordTranslate<From = (f64, f64)>>(
    chart: &mut ChartContext<'_, DB, CT>,
    points: &[(f64, f64)],
    colour: RGBColor,
    style: usize,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let stroke = colour.stroke_width(2);
    match style % 3 {
        0 => chart.draw_series(LineSeries::new(points.to_vec(), stroke))?,
        1 => chart.draw_series(DashedLineSeries::new(points.to_vec(), 10, 6, stroke))?,
        _ => chart.draw_series(DashedLineSeries::new(points.to_vec(), 2, 6, stroke))?,
    };
    if (style / 3) % 2 == 1 {
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, colour.filled())))?;
    }
    Ok(())
}

fn panel(
    area: &Area<'_>,
    title: &str,
    results: &[SettingResult],
    inits: &[InitChoice],
    (low, high): (f64, f64),
    stats: impl Fn(&SettingResult) -> Option<Vec<LayerStat>>,
) -> DrawResult {
    let layers = results.first().map_or(1, |r| r.at_init.len());
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 22))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(0.7f64..layers as f64 + 0.3, (low..high).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("layer l (1 = input side)")
        .y_desc("‖dW_l‖")
        .light_line_style(WHITE)
        .x_labels(layers + 1)
        .x_label_formatter(&|x| {
            if (x - x.round()).abs() < 1e-6 {
                format!("{x:.0}")
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| format!("{y:.0e}"))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()?;
    for result in results {
        let Some(stats) = stats(result) else { continue };
        let points: Vec<(f64, f64)> = stats
            .iter()
            .enumerate()
            .filter(|(_, s)| s.grad_norm.is_finite() && s.grad_norm > 0.0)
            .map(|(l, s)| ((l + 1) as f64, s.grad_norm))
            .collect();
        let style = inits.iter().position(|i| *i == result.init).unwrap_or(0);
        line(&mut chart, &points, colour(result.activation), style)?;
    }
    Ok(())
}

/// Colour key (activations) and style key (initialisations).
fn draw_legend(area: &Area<'_>, results: &[SettingResult], inits: &[InitChoice]) -> DrawResult {
    let mut activations: Vec<Activation> = Vec::new();
    for result in results {
        if !activations.contains(&result.activation) {
            activations.push(result.activation);
        }
    }
    let text = |s: &str, y: i32| Text::new(s.to_string(), (16, y), (FONT, 17).into_font());
    let mut y = 60;
    area.draw(&text("colour: activation", y))?;
    for activation in activations {
        y += 28;
        let c = colour(activation);
        area.draw(&PathElement::new(
            vec![(20, y + 9), (70, y + 9)],
            c.stroke_width(3),
        ))?;
        area.draw(&Text::new(
            activation.name(),
            (80, y),
            (FONT, 16).into_font(),
        ))?;
    }
    y += 48;
    area.draw(&text("line: initialisation", y))?;
    for (style, init) in inits.iter().enumerate() {
        y += 28;
        draw_key(area, y + 9, style)?;
        area.draw(&Text::new(
            init.to_string(),
            (80, y),
            (FONT, 16).into_font(),
        ))?;
    }
    Ok(())
}

/// A 50-pixel sample of line style `style` (as [`line`] draws it) at height `y`.
fn draw_key(area: &Area<'_>, y: i32, style: usize) -> DrawResult {
    let grey = RGBColor(60, 60, 60);
    let (from, to) = (20, 70);
    let (dash, gap) = match style % 3 {
        0 => (to - from, 0),
        1 => (10, 6),
        _ => (2, 6),
    };
    let mut x = from;
    while x < to {
        let end = (x + dash).min(to);
        area.draw(&PathElement::new(
            vec![(x, y), (end, y)],
            grey.stroke_width(2),
        ))?;
        x = end + gap.max(1);
    }
    if (style / 3) % 2 == 1 {
        for x in [from + 5, to - 5] {
            area.draw(&Circle::new((x, y), 4, grey.filled()))?;
        }
    }
    Ok(())
}
