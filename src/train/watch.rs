//! What a pass over batches (an epoch's training steps, or its test pass) keeps on the device,
//! and when it reads it back: sums of the lab loss and of correct predictions, and the first
//! step whose loss or gradients were not finite. Nothing is read at each step: a pass reads
//! [`TRAINING_READS`] (or [`TEST_READS`]) times, whatever its number of batches, so a GPU never
//! waits for the host between two reads. Nothing is computed at each step either: a step only
//! hands over its logits, targets, objective and gradient sums, and each read sums and checks
//! the steps since the last one in a few operations on all of them together (a step of the lab
//! is small, so some thirty small operations per step cost more than their arithmetic). Both
//! engines and the study use it.

use burn::prelude::*;

use super::divergence::{describe, non_finite_codes};
use super::warmup::Laps;
use crate::evaluate::Tally;
use crate::model::Head;
use crate::readback::read_values;

/// Reads of a training pass: often enough that a divergence stops the run within a tenth of an
/// epoch, rarely enough that the device is never starved.
pub const TRAINING_READS: usize = 10;

/// Reads of a test pass: half way (to tell the first batches' warm-up from the steady speed)
/// and at the end.
pub const TEST_READS: usize = 2;

/// When a pass of `batches` batches reads: after every `every`-th batch and after the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    batches: usize,
    every: usize,
}

impl Cadence {
    /// At most `reads` reads over `batches` batches, evenly spaced, the last after the last batch.
    pub fn new(batches: usize, reads: usize) -> Self {
        Self {
            batches,
            every: batches.div_ceil(reads.max(1)).max(1),
        }
    }

    /// Whether the pass reads after its `batch`-th batch (1-based).
    pub fn due(&self, batch: usize) -> bool {
        batch.is_multiple_of(self.every) || batch == self.batches
    }

    /// How many reads a whole pass makes.
    pub fn reads(&self) -> usize {
        self.batches.div_ceil(self.every)
    }
}

/// What one read of a pass found.
#[derive(Debug, Clone, PartialEq)]
pub struct PassReading {
    /// Batches done when it was read.
    pub batches: usize,
    /// Images done when it was read.
    pub images: usize,
    /// Mean lab loss over those images.
    pub loss: f64,
    /// Accuracy in percent over those images.
    pub accuracy: f64,
    /// The 1-based step whose loss or gradients were first not finite, and what was not.
    pub divergence: Option<(usize, String)>,
}

/// The device-side state of one pass and its read schedule.
#[derive(Debug)]
pub struct PassWatch {
    head: Head,
    tally: Tally,
    /// Batches added since the last read (`[m, k]` logits, `[m]` targets): the next read adds
    /// them to `tally`, all at once.
    unread: Vec<(Tensor<2>, Tensor<1, Int>)>,
    /// Training steps checked since the last read: each one's objective, then its gradient sums
    /// (`[1]` each, `1 + 2L` per step); the next read checks them all at once.
    unchecked: Vec<Vec<Tensor<1>>>,
    /// Training steps checked by earlier reads.
    checked: usize,
    /// The 1-based step whose loss or gradients were first not finite, and what was not.
    divergence: Option<(usize, String)>,
    cadence: Cadence,
    batches: usize,
    laps: Laps,
    last: Option<PassReading>,
}

impl PassWatch {
    /// A training pass of `steps` SGD steps of a model with output `head`.
    pub fn training(head: Head, steps: usize) -> Self {
        Self::new(head, Cadence::new(steps, TRAINING_READS))
    }

    /// A test pass of `batches` batches.
    pub fn test(head: Head, batches: usize) -> Self {
        Self::new(head, Cadence::new(batches, TEST_READS))
    }

    fn new(head: Head, cadence: Cadence) -> Self {
        Self {
            head,
            tally: Tally::new(),
            unread: Vec::new(),
            unchecked: Vec::new(),
            checked: 0,
            divergence: None,
            cadence,
            batches: 0,
            laps: Laps::start(),
            last: None,
        }
    }

    /// Keeps a batch's logits and targets for the next read, which adds its loss and correct
    /// predictions to the device sums (nothing is computed or read now).
    ///
    /// # Shapes
    /// - `logits`: `[m, k]`, `targets`: `[m]`
    pub fn add(&mut self, logits: Tensor<2>, targets: Tensor<1, Int>) {
        self.unread.push((logits, targets));
    }

    /// Keeps a step's objective and gradient sums for the next read, which checks whether they
    /// are finite (nothing is computed or read now).
    ///
    /// # Shapes
    /// - `objective`: `[1]`; each of `gradient_sums`: `[1]`, in `W1, b1, W2, b2, …` order
    pub fn check_step(&mut self, objective: Tensor<1>, gradient_sums: Vec<Tensor<1>>) {
        let mut step = Vec::with_capacity(gradient_sums.len() + 1);
        step.push(objective);
        step.extend(gradient_sums);
        self.unchecked.push(step);
    }

    /// Counts a finished batch and, when one is due, reads the device (once) and gives what it
    /// found.
    pub fn batch_done(&mut self) -> Option<&PassReading> {
        self.batches += 1;
        if !self.cadence.due(self.batches) {
            return None;
        }
        Some(self.read())
    }

    /// Reads the device now (once), out of the cadence: for a caller that must know the model
    /// is still finite before it measures it.
    pub fn read(&mut self) -> &PassReading {
        self.tally_unread();
        let steps = std::mem::take(&mut self.unchecked);
        let width = steps.first().map_or(0, Vec::len);
        let mut parts: Vec<Tensor<1>> = self.tally.sums().into_iter().collect();
        let sums: usize = parts.iter().map(|part| part.dims()[0]).sum(); // values of the tally
        if self.divergence.is_none() && width > 0 {
            let mut values = steps.into_iter().flatten();
            let first = values.next().expect("a checked step has an objective");
            parts.push(non_finite_codes(first, values.collect())); // [steps · (1 + 2L)]
        }
        let values = read_values(parts);
        self.laps.lap(self.batches);
        let (loss, accuracy) = self.tally.means(&values[..sums]);
        if width > 0 {
            let codes = &values[sums..];
            let first_bad = codes
                .chunks_exact(width)
                .position(|step| step.iter().any(|&code| code != 0.0));
            if let Some(index) = first_bad {
                let step = &codes[index * width..(index + 1) * width];
                let detail = describe(step, width - 1).unwrap_or_default();
                self.divergence = Some((self.checked + index + 1, detail));
            }
            self.checked += codes.len() / width;
        }
        self.last.insert(PassReading {
            batches: self.batches,
            images: self.tally.count(),
            loss,
            accuracy,
            divergence: self.divergence.clone(),
        })
    }

    /// Adds the batches kept since the last read to the device sums, as one batch.
    fn tally_unread(&mut self) {
        let (logits, targets): (Vec<Tensor<2>>, Vec<Tensor<1, Int>>) =
            std::mem::take(&mut self.unread).into_iter().unzip();
        if logits.is_empty() {
            return;
        }
        self.tally
            .add(self.head, Tensor::cat(logits, 0), Tensor::cat(targets, 0));
    }

    /// Whether every batch of the pass is done (and read).
    pub fn complete(&self) -> bool {
        self.batches >= self.cadence.batches
    }

    /// The last reading; after the last batch, the whole pass's.
    pub fn last(&self) -> Option<&PassReading> {
        self.last.as_ref()
    }

    /// Seconds this pass would have taken at its steady speed (see [`Laps::steady`]); the
    /// rest of an epoch's time is its warm-up ([`crate::train::warmup::warm_up`]).
    pub fn steady_seconds(&self) -> f64 {
        self.laps.steady()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_reads_at_most_its_reads_and_always_after_its_last_batch() {
        for batches in [1, 2, 5, 9, 10, 11, 47, 469, 470, 10_000] {
            for reads in [TRAINING_READS, TEST_READS] {
                let cadence = Cadence::new(batches, reads);
                let due: Vec<usize> = (1..=batches).filter(|&b| cadence.due(b)).collect();
                assert_eq!(due.len(), cadence.reads(), "{batches} {reads}");
                assert!(due.len() <= reads && due.len() >= reads.min(batches) / 2);
                assert_eq!(due.last(), Some(&batches), "{batches} {reads}");
            }
        }
    }
}
