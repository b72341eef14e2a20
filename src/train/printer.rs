//! The terminal observer: one line per epoch in the lab's format (the first also says how long
//! its warm-up took, when it stands out), and a progress bar during each pass when stdout is a
//! terminal.

use super::divergence::Divergence;
use super::metrics::EpochMetrics;
use super::observer::{Pass, Progress, RunObserver, RunStart};
use super::progress::SplitProgress;
use super::warmup::WarmUp;
use crate::error::Result;
use crate::model::Mlp;

/// Prints `Epoch 1/10 - Loss: … - Test Accuracy: …%` after each epoch.
#[derive(Debug, Default)]
pub struct TerminalPrinter {
    total_epochs: usize,
    bar: SplitProgress,
    warm_up: Option<WarmUp>,
}

impl TerminalPrinter {
    /// A printer whose bar is drawn only when stdout is a terminal.
    pub fn new() -> Self {
        Self::default()
    }
}

impl RunObserver for TerminalPrinter {
    fn started(&mut self, start: &RunStart) -> Result<()> {
        self.total_epochs = start.config.epochs;
        Ok(())
    }

    fn progress(&mut self, progress: &Progress) {
        if progress.batches == 0 {
            let label = match progress.pass {
                Pass::Train => "train",
                Pass::Test => "test",
            };
            self.bar.start(label, progress.total);
        } else {
            self.bar.set(progress.images);
        }
    }

    fn warmed_up(&mut self, warm_up: &WarmUp) {
        self.warm_up = Some(*warm_up).filter(WarmUp::noticeable);
    }

    fn epoch_done(&mut self, metrics: &EpochMetrics, _model: Option<&Mlp>) -> Result<()> {
        self.bar.finish();
        let mut line = metrics.line(self.total_epochs);
        if let Some(warm_up) = self.warm_up.take() {
            line.push_str(&format!(
                " - warm-up {:.1} s of {:.1} s (first-use costs: kernel compilation and \
                 autotune on a GPU)",
                warm_up.seconds, warm_up.epoch_seconds
            ));
        }
        println!("{line}");
        Ok(())
    }

    fn diverged(&mut self, _divergence: &Divergence) {
        self.bar.finish();
    }

    fn interrupted(&mut self, _epochs: &[EpochMetrics]) {
        self.bar.finish();
    }

    fn finished(&mut self, _epochs: &[EpochMetrics]) -> Result<()> {
        self.bar.finish();
        Ok(())
    }
}
