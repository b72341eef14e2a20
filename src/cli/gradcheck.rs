//! `backprop gradcheck`: manual gradients against autodiff and finite differences, one row per
//! parameter, on a real MNIST batch.

use burn::tensor::FloatDType;
use clap::Args;

use super::args::{ModelArgs, RunArgs, describe, lab};
use crate::backend::Backend;
use crate::data::MnistBatch;
use crate::error::{Error, Result};
use crate::gradcheck::{Row, check};
use crate::gradients::{F32_TOLERANCE, F64_TOLERANCE, FD_STEP, FD_TOLERANCE, Precision};
use crate::limits::{MAX_FD_SAMPLES, thousands};
use crate::train::check_batch;

/// Flags of `gradcheck`.
#[derive(Debug, Args)]
pub struct GradcheckArgs {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    run: RunArgs,
    /// Examples in the batch (the first ones of the training set; 1 to 65,536).
    #[arg(long, default_value_t = 64)]
    batch_size: usize,
    /// Seed of the random initial weights and of the entries picked for finite differences.
    #[arg(long, default_value_t = lab().seed)]
    seed: u64,
    /// Entries per parameter checked by finite differences (0: none; at most 1,000).
    #[arg(long, default_value_t = 8)]
    samples: usize,
    /// Print the report as one JSON object instead of tables (for `serve` and scripts).
    #[arg(long)]
    json: bool,
}

/// Prints the table for every activation × head asked for; fails if any row fails.
pub fn run(args: GradcheckArgs) -> Result<()> {
    let mut device = args.run.backend.device()?;
    // f64 where the backend has it (wgpu does not): set before the first tensor exists.
    let precision = match args.run.backend {
        Backend::Wgpu => Precision::F32,
        _ => match device.configure(FloatDType::F64) {
            Ok(()) => Precision::F64,
            Err(_) => Precision::F32,
        },
    };
    if args.samples > MAX_FD_SAMPLES {
        return Err(Error::Config(format!(
            "--samples: must be at most {}, got {}",
            thousands(MAX_FD_SAMPLES),
            args.samples
        )));
    }
    for (activation, head) in args.model.combinations() {
        let config = args.model.config_with(activation, head);
        config.validate()?;
        check_batch(args.batch_size, &config)?;
    }
    let data = args.run.load_data()?;
    if args.batch_size > data.train.len() {
        return Err(Error::Config(format!(
            "--batch-size: {} is more than the {} training images",
            args.batch_size,
            data.train.len()
        )));
    }
    let batch = MnistBatch::from_range(&data.train, 0..args.batch_size, &device);
    let precision_name = match precision {
        Precision::F64 => "f64",
        Precision::F32 => "f32",
    };
    let tolerances = tolerance_line(precision, args.samples);
    if !args.json {
        println!(
            "Gradient check on the first {} training images, {precision_name} on {}",
            args.batch_size,
            args.run.describe_device(&device)
        );
        println!("{tolerances}");
    }

    let mut tables = Vec::new();
    let (mut failures, mut rows) = (0, 0);
    for (activation, head) in args.model.combinations() {
        let config = args.model.config_with(activation, head);
        data.train.check_pixels(config.inputs)?;
        let model = config.init_seeded(&device.clone().autodiff(), args.seed);
        let table = check(
            &model,
            batch.images.clone(),
            batch.targets.clone(),
            precision,
            args.samples,
            args.seed,
        );
        if args.json {
            tables.push(table_json(&describe(&config), &table));
        } else {
            println!("\n{}", describe(&config));
            print_table(&table);
        }
        failures += table.iter().filter(|row| !row.ok()).count();
        rows += table.len();
    }
    if args.json {
        let report = serde_json::json!({
            "images": args.batch_size,
            "precision": precision_name,
            "device": args.run.describe_device(&device),
            "tolerances": tolerances,
            "tolerance": tolerance_json(precision, args.samples),
            "tables": tables,
            "rows": rows,
            "failures": failures,
        });
        println!("{report}");
    }
    if failures > 0 {
        return Err(Error::Check(format!("{failures} of {rows} rows FAIL")));
    }
    if !args.json {
        println!("\nAll {rows} rows OK.");
    }
    Ok(())
}

/// One model's rows as JSON: name, shape, the autodiff differences, the finite-difference
/// error and entry count (null without them), and OK.
fn table_json(model: &str, rows: &[Row]) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            serde_json::json!({
                "name": row.name,
                "shape": row.shape,
                "max_abs": row.autodiff.max_abs,
                "max_rel": row.autodiff.max_rel,
                "fd_error": row.finite_difference.map(|(error, _)| error),
                "fd_entries": row.finite_difference.map(|(_, checked)| checked),
                "ok": row.ok(),
            })
        })
        .collect();
    serde_json::json!({ "model": model, "rows": rows })
}

/// The tolerances as numbers, for a page that writes them in its own language: `precision`,
/// `max_rel` (f64) or `atol` and `rtol` (f32), and for finite differences `fd_step`,
/// `fd_max_rel` and `fd_entries` (absent without them).
fn tolerance_json(precision: Precision, samples: usize) -> serde_json::Value {
    match precision {
        Precision::F64 if samples > 0 => serde_json::json!({
            "precision": "f64",
            "max_rel": F64_TOLERANCE,
            "fd_step": FD_STEP,
            "fd_max_rel": FD_TOLERANCE,
            "fd_entries": samples,
        }),
        Precision::F64 => serde_json::json!({ "precision": "f64", "max_rel": F64_TOLERANCE }),
        Precision::F32 => serde_json::json!({
            "precision": "f32",
            "atol": F32_TOLERANCE.0,
            "rtol": F32_TOLERANCE.1,
        }),
    }
}

fn tolerance_line(precision: Precision, samples: usize) -> String {
    let autodiff = match precision {
        Precision::F64 => format!("OK when max rel ≤ {F64_TOLERANCE:e}"),
        Precision::F32 => format!(
            "OK when |manual − autodiff| ≤ {:e} + {:e}·|autodiff| everywhere",
            F32_TOLERANCE.0, F32_TOLERANCE.1
        ),
    };
    let fd = match (precision, samples) {
        (Precision::F64, n) if n > 0 => format!(
            "; finite differences (central, h = {FD_STEP:e}) on {n} entries per parameter, OK when ≤ {FD_TOLERANCE:e}"
        ),
        (Precision::F64, _) => "; no finite differences (--samples 0)".into(),
        (Precision::F32, _) => "; no finite differences (they need f64)".into(),
    };
    format!("Tolerances: {autodiff}{fd}.")
}

fn print_table(rows: &[Row]) {
    println!("param shape          max|manual-autodiff|    max rel err   FD max rel err  status");
    for row in rows {
        let shape = format!("{:?}", row.shape);
        let fd = match row.finite_difference {
            Some((error, checked)) => format!("{error:.2e} ({checked})"),
            None => "-".into(),
        };
        println!(
            "{:<5} {:<12} {:>22.3e} {:>14.3e} {:>16}  {}",
            row.name,
            shape,
            row.autodiff.max_abs,
            row.autodiff.max_rel,
            fd,
            if row.ok() { "OK" } else { "FAIL" }
        );
    }
}
