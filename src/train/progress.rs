//! The progress bar shown during an epoch when stdout is a terminal (nothing otherwise).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// One bar per split of an epoch (train, then test), drawn only on a terminal.
#[derive(Debug)]
pub struct SplitProgress {
    bar: Option<ProgressBar>,
    enabled: bool,
}

impl Default for SplitProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl SplitProgress {
    /// Enabled when stdout is a terminal.
    pub fn new() -> Self {
        Self {
            bar: None,
            enabled: std::io::stdout().is_terminal(),
        }
    }

    /// Starts a bar for `total` images, labelled `split` ("train" or "test").
    pub fn start(&mut self, split: &str, total: usize) {
        self.finish();
        if self.enabled {
            let bar = ProgressBar::new(total as u64).with_style(
                ProgressStyle::with_template("{prefix:5} [{bar:40}] {pos}/{len} images ({eta})")
                    .expect("valid progress template")
                    .progress_chars("=> "),
            );
            bar.set_prefix(split.to_string());
            self.bar = Some(bar);
        }
    }

    /// Moves the bar to `done` images.
    pub fn set(&self, done: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
        }
    }

    /// Removes the bar, so the next line prints cleanly.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
