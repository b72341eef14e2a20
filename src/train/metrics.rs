//! Per-epoch results, in the lab's words.

use std::fmt;
use std::path::Path;

use crate::error::{Error, Result};
use crate::files::{missing_or_io, read_regular_text, write_atomic};
use crate::limits::MAX_TEXT_FILE;

/// Largest loss a row of `metrics.csv` may hold (see [`EpochMetrics::implausible`]).
const MAX_LOSS: f64 = 1000.0;

/// Loss and accuracy of one epoch, on the training batches (running mean while training, as
/// the lab reports it) and on the test set (after the epoch).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochMetrics {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean lab loss over the epoch's training examples.
    pub train_loss: f64,
    /// Train accuracy in percent.
    pub train_accuracy: f64,
    /// Lab loss on the test set.
    pub test_loss: f64,
    /// Test accuracy in percent.
    pub test_accuracy: f64,
    /// Wall time of the epoch (training and test pass), in seconds.
    pub seconds: f64,
}

impl EpochMetrics {
    /// Header of `metrics.csv`.
    pub const CSV_HEADER: &'static str =
        "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds";

    /// One `metrics.csv` row.
    pub fn csv_row(&self) -> String {
        format!(
            "{},{:.6},{:.4},{:.6},{:.4},{:.3}",
            self.epoch,
            self.train_loss,
            self.train_accuracy,
            self.test_loss,
            self.test_accuracy,
            self.seconds
        )
    }

    /// Why this row cannot come from a run, if it cannot: a number that is not finite, a
    /// loss outside [0, 1000] (the reported loss, with the lab's ε = 1e-8 in the log, stays
    /// below 10·ln 1e8 ≈ 184), an accuracy outside [0, 100], negative seconds or epoch 0.
    pub fn implausible(&self) -> Option<String> {
        let numbers = [
            ("train_loss", self.train_loss, 0.0, MAX_LOSS),
            ("train_accuracy", self.train_accuracy, 0.0, 100.0),
            ("test_loss", self.test_loss, 0.0, MAX_LOSS),
            ("test_accuracy", self.test_accuracy, 0.0, 100.0),
            ("seconds", self.seconds, 0.0, f64::MAX),
        ];
        if self.epoch == 0 {
            return Some("epoch must be at least 1".into());
        }
        numbers
            .iter()
            .find(|(_, value, low, high)| !(value.is_finite() && value >= low && value <= high))
            .map(|(name, value, low, high)| {
                if *high == f64::MAX {
                    format!("{name} must be a finite number ≥ {low}, found {value}")
                } else {
                    format!("{name} must be in [{low}, {high}], found {value}")
                }
            })
    }

    /// Parses one row of `metrics.csv`, or `None` when it is not 6 numbers.
    pub fn from_csv_row(line: &str) -> Option<Self> {
        let fields: Vec<&str> = line.trim().split(',').collect();
        let [
            epoch,
            train_loss,
            train_accuracy,
            test_loss,
            test_accuracy,
            seconds,
        ] = fields[..]
        else {
            return None;
        };
        Some(Self {
            epoch: epoch.parse().ok()?,
            train_loss: train_loss.parse().ok()?,
            train_accuracy: train_accuracy.parse().ok()?,
            test_loss: test_loss.parse().ok()?,
            test_accuracy: test_accuracy.parse().ok()?,
            seconds: seconds.parse().ok()?,
        })
    }

    /// The lab's line, e.g. `Epoch 1/10 - Loss: 0.8243 - Accuracy: 74.75% - Test Loss: …`.
    pub fn line(&self, total_epochs: usize) -> String {
        format!("Epoch {}/{total_epochs} - {self}", self.epoch)
    }
}

impl fmt::Display for EpochMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Loss: {:.4} - Accuracy: {:.2}% - Test Loss: {:.4} - Test Accuracy: {:.2}%",
            self.train_loss, self.train_accuracy, self.test_loss, self.test_accuracy
        )
    }
}

/// Writes `metrics.csv` rows for `epochs` to `path` (atomically), header first.
pub fn save_metrics_csv(epochs: &[EpochMetrics], path: &Path) -> Result<()> {
    let mut csv = String::from(EpochMetrics::CSV_HEADER);
    csv.push('\n');
    for epoch in epochs {
        csv.push_str(&epoch.csv_row());
        csv.push('\n');
    }
    write_atomic(path, csv.as_bytes())
}

/// Reads a `metrics.csv` back; the error names the line at fault.
pub fn load_metrics_csv(path: &Path) -> Result<Vec<EpochMetrics>> {
    let text = read_regular_text(path, MAX_TEXT_FILE).map_err(|e| missing_or_io(path, e))?;
    let bad = |line: usize, why: &str| Error::Artifact {
        path: path.to_path_buf(),
        reason: format!("line {line}: {why}"),
    };
    let mut lines = text.lines();
    if lines.next() != Some(EpochMetrics::CSV_HEADER) {
        return Err(bad(
            1,
            &format!("expected the header '{}'", EpochMetrics::CSV_HEADER),
        ));
    }
    lines
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let row =
                EpochMetrics::from_csv_row(line).ok_or_else(|| bad(i + 2, "expected 6 numbers"))?;
            if let Some(why) = row.implausible() {
                return Err(bad(i + 2, &why));
            }
            Ok(row)
        })
        .collect()
}
