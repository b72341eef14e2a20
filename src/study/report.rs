//! The study's results as terminal tables and CSV files.

use std::fmt::Write;

use super::config::StudyConfig;
use super::measure::{AGREEMENT_TOLERANCE, LayerStat};
use super::result::SettingResult;

/// The three tables: ‖dW_l‖ at initialisation, ‖dW_l‖ after K steps, and the summary
/// (first-to-last ratios, update ratios, accuracy, autodiff agreement).
pub fn print_tables(results: &[SettingResult], config: &StudyConfig) -> String {
    let mut out = String::new();
    let probes = format!(
        "mean over {} batches of {}",
        config.probe_batches, config.batch_size
    );
    out += &norms_table(
        &format!("‖dW_l‖ at initialisation ({probes})"),
        results,
        |r| Some(&r.at_init),
    );
    out.push('\n');
    let steps = results.iter().map(|r| r.after_step).max().unwrap_or(0);
    out += &norms_table(
        &format!("‖dW_l‖ after {steps} SGD steps (η {}, {probes})", config.lr),
        results,
        |r| r.after.as_ref(),
    );
    out.push('\n');
    out += &summary_table(results, config);
    out
}

fn setting_cells(result: &SettingResult) -> String {
    format!(
        "{:<8} {:<14}",
        result.activation.name(),
        result.init.to_string()
    )
}

fn norms_table(
    title: &str,
    results: &[SettingResult],
    stats: impl Fn(&SettingResult) -> Option<&Vec<LayerStat>>,
) -> String {
    let layers = results.first().map_or(0, |r| r.at_init.len());
    let mut out = format!("{title}\n{:<8} {:<14}", "act", "init");
    for l in 1..=layers {
        let _ = write!(out, " {:>8}", format!("W{l}"));
    }
    out += "  W1/Wlast\n";
    for result in results {
        out += &setting_cells(result);
        match stats(result) {
            Some(stats) => {
                for stat in stats {
                    let _ = write!(out, " {:>8}", sci(stat.grad_norm));
                }
                let _ = write!(out, "  {:>8}", sci(SettingResult::first_to_last(stats)));
            }
            None => out += "  diverged before this step",
        }
        out.push('\n');
    }
    out
}

fn summary_table(results: &[SettingResult], config: &StudyConfig) -> String {
    let mut out = format!(
        "Summary: W1/Wlast = ‖dW_1‖/‖dW_L‖; update = η‖dW‖/‖W‖ of W1 and W_L at init; accuracy after {} epoch(s); autodiff = max |manual − autodiff| / max |autodiff| (≤ {:.0e}); — = undefined (0/0: no gradient left)\n",
        config.epochs, AGREEMENT_TOLERANCE
    );
    let _ = writeln!(
        out,
        "{:<8} {:<14} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>12}",
        "act", "init", "W1/WL@0", "W1/WL@K", "upd W1", "upd WL", "train %", "test %", "autodiff"
    );
    for result in results {
        out += &setting_cells(result);
        let after = result
            .after
            .as_ref()
            .map_or("—".to_string(), |s| sci(SettingResult::first_to_last(s)));
        let first = result.at_init.first().map_or(f64::NAN, |s| s.update_ratio);
        let last = result.at_init.last().map_or(f64::NAN, |s| s.update_ratio);
        let _ = write!(
            out,
            " {:>9} {:>9} {:>9} {:>9}",
            sci(SettingResult::first_to_last(&result.at_init)),
            after,
            sci(first),
            sci(last)
        );
        match (
            &result.diverged,
            result.train_accuracy,
            result.test_accuracy,
        ) {
            (Some(d), _, _) => {
                let _ = write!(out, " {:>17}", format!("diverged e{} s{}", d.epoch, d.step));
            }
            (None, Some(train), Some(test)) => {
                let _ = write!(out, " {train:>8.2} {test:>8.2}");
            }
            _ => out += &format!(" {:>8} {:>8}", "—", "—"),
        }
        let verdict = if result.agreement.ok() { "OK" } else { "FAIL" };
        let _ = writeln!(
            out,
            " {:>12}",
            format!("{verdict} {}", sci(result.agreement.max_relative))
        );
    }
    out
}

/// `1.23e-5`-style, 8 characters at most for ordinary values; `—` for a value that is not a
/// number (a ratio 0/0 once every unit of a layer is dead, say).
fn sci(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.2e}")
    } else {
        "—".into()
    }
}

/// A CSV cell: the value in full, or empty when it is not finite.
fn csv_number(value: f64) -> String {
    if value.is_finite() {
        format!("{value:e}")
    } else {
        String::new()
    }
}

/// `study-layers.csv`: one row per setting × stage × layer.
pub fn layers_csv(results: &[SettingResult]) -> String {
    let mut out = String::from(
        "activation,init,init_std,stage,step,layer,grad_norm,weight_norm,update_ratio\n",
    );
    for result in results {
        let stages = [
            ("init", 0, Some(&result.at_init)),
            ("after", result.after_step, result.after.as_ref()),
        ];
        for (stage, step, stats) in stages {
            for (l, stat) in stats.into_iter().flatten().enumerate() {
                let _ = writeln!(
                    out,
                    "{},{},{},{stage},{step},{},{},{},{}",
                    result.activation.name(),
                    result.init.scheme_name(),
                    result.init.std_cell(),
                    l + 1,
                    csv_number(stat.grad_norm),
                    csv_number(stat.weight_norm),
                    csv_number(stat.update_ratio)
                );
            }
        }
    }
    out
}

/// `study-summary.csv`: one row per setting.
pub fn summary_csv(results: &[SettingResult]) -> String {
    let mut out = String::from(
        "activation,init,init_std,first_last_ratio_init,first_last_ratio_after,after_step,train_accuracy,test_accuracy,diverged_epoch,diverged_step,autodiff_max_relative,seconds\n",
    );
    let cell = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.4}"));
    for r in results {
        let _ =
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{:.3}",
                r.activation.name(),
                r.init.scheme_name(),
                r.init.std_cell(),
                csv_number(SettingResult::first_to_last(&r.at_init)),
                r.after.as_ref().map_or(String::new(), |s| csv_number(
                    SettingResult::first_to_last(s)
                )),
                r.after_step,
                cell(r.train_accuracy),
                cell(r.test_accuracy),
                r.diverged
                    .as_ref()
                    .map_or(String::new(), |d| d.epoch.to_string()),
                r.diverged
                    .as_ref()
                    .map_or(String::new(), |d| d.step.to_string()),
                csv_number(r.agreement.max_relative),
                r.seconds
            );
    }
    out
}
