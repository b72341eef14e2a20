//! Loss and accuracy of a model on a whole split, summed on the device and read once.

use burn::prelude::*;

use crate::data::{Batches, MnistSplit};
use crate::error::Result;
use crate::loss::lab_loss_per_example;
use crate::model::{Head, Mlp};
use crate::readback::read_values;

/// Examples per forward pass when evaluating (the size does not change the results).
pub const EVAL_BATCH_SIZE: usize = 1000;

/// Running sums of the lab loss and of correct predictions, kept on the device and read once.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// `[2]`: Σ lab loss, Σ correct predictions.
    sums: Option<Tensor<1>>,
    count: usize,
}

impl Tally {
    /// Nothing counted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a batch (device work only, nothing is read).
    ///
    /// # Shapes
    /// - `logits`: `[m, k]`, `targets`: `[m]`
    pub fn add(&mut self, head: Head, logits: Tensor<2>, targets: Tensor<1, Int>) {
        let [m, _] = logits.dims();
        let loss = lab_loss_per_example(head, logits.clone(), targets.clone()).sum();
        let correct = logits.argmax(1).reshape([m]).equal(targets).float().sum();
        let batch = Tensor::cat(vec![loss, correct], 0);
        self.sums = Some(match self.sums.take() {
            Some(sums) => sums + batch,
            None => batch,
        });
        self.count += m;
    }

    /// Examples counted.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The device sums `[2]` (Σ loss, Σ correct), for a caller that reads them together with
    /// other values; `None` before the first batch.
    pub fn sums(&self) -> Option<Tensor<1>> {
        self.sums.clone()
    }

    /// (mean lab loss, accuracy in %) from the values of [`Tally::sums`]; NaN without them.
    pub fn means(&self, sums: &[f64]) -> (f64, f64) {
        let n = self.count as f64;
        match sums {
            [loss, correct, ..] => (loss / n, 100.0 * correct / n),
            _ => (f64::NAN, f64::NAN),
        }
    }

    /// (mean lab loss, accuracy in %); reads the device once. NaN before the first batch.
    pub fn finish(self) -> (f64, f64) {
        match self.sums() {
            Some(sums) => self.means(&read_values(vec![sums])),
            None => (f64::NAN, f64::NAN),
        }
    }
}

/// Mean lab loss and accuracy (%) of `model` on all of `split`; reads the device once.
pub fn evaluate(model: &Mlp, split: &MnistSplit, device: &Device) -> Result<(f64, f64)> {
    let mut tally = Tally::new();
    for batch in Batches::in_order(split, EVAL_BATCH_SIZE, device).iter() {
        let batch = batch?;
        tally.add(model.head, model.forward(batch.images), batch.targets);
    }
    Ok(tally.finish())
}

/// The class `model` predicts for each image of `split`, in file order.
pub fn predictions(model: &Mlp, split: &MnistSplit, device: &Device) -> Result<Vec<usize>> {
    let mut predicted = Vec::with_capacity(split.len());
    for batch in Batches::in_order(split, EVAL_BATCH_SIZE, device).iter() {
        let batch = batch?;
        let classes: Vec<i64> = model
            .forward(batch.images)
            .argmax(1)
            .into_data()
            .convert::<i64>()
            .try_to_vec()
            .expect("converted to i64");
        predicted.extend(classes.into_iter().map(|c| c as usize));
    }
    Ok(predicted)
}

/// Confusion matrix of `model` on `split`: `matrix[true][predicted]` counts.
pub fn confusion_matrix(model: &Mlp, split: &MnistSplit, device: &Device) -> Result<Vec<Vec<u64>>> {
    let classes = model.output.weight.val().dims()[1];
    let mut matrix = vec![vec![0u64; classes]; classes];
    for (&label, guess) in split.labels.iter().zip(predictions(model, split, device)?) {
        matrix[label as usize][guess] += 1;
    }
    Ok(matrix)
}
