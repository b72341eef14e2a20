//! Loss and accuracy of a model on a whole split, summed on the device and read once.

use burn::prelude::*;

use crate::data::{Batches, MnistSplit};
use crate::error::Result;
use crate::loss::lab_loss_per_example;
use crate::model::{Head, Mlp};

/// Examples per forward pass when evaluating (the size does not change the results).
pub const EVAL_BATCH_SIZE: usize = 1000;

/// Running sums of the lab loss and of correct predictions, kept on the device.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    loss_sum: Option<Tensor<1>>,
    correct: Option<Tensor<1, Int>>,
    count: usize,
}

impl Tally {
    /// Nothing counted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a batch.
    ///
    /// # Shapes
    /// - `logits`: `[m, k]`, `targets`: `[m]`
    pub fn add(&mut self, head: Head, logits: Tensor<2>, targets: Tensor<1, Int>) {
        let [m, _] = logits.dims();
        let loss = lab_loss_per_example(head, logits.clone(), targets.clone()).sum();
        let correct = logits.argmax(1).reshape([m]).equal(targets).int().sum();
        self.loss_sum = Some(match self.loss_sum.take() {
            Some(sum) => sum + loss,
            None => loss,
        });
        self.correct = Some(match self.correct.take() {
            Some(sum) => sum + correct,
            None => correct,
        });
        self.count += m;
    }

    /// Examples counted.
    pub fn count(&self) -> usize {
        self.count
    }

    /// (mean lab loss, accuracy in %); reads the device once.
    pub fn finish(self) -> (f64, f64) {
        let (Some(loss), Some(correct)) = (self.loss_sum, self.correct) else {
            return (f64::NAN, f64::NAN);
        };
        let n = self.count as f64;
        let loss = loss.into_scalar::<f64>() / n;
        let correct = correct.into_scalar::<i64>() as f64;
        (loss, 100.0 * correct / n)
    }
}

/// Mean lab loss and accuracy (%) of `model` on all of `split`.
pub fn evaluate(model: &Mlp, split: &MnistSplit, device: &Device) -> Result<(f64, f64)> {
    evaluate_batches(
        model,
        &Batches::in_order(split, EVAL_BATCH_SIZE, device),
        |_, _| {},
    )
}

/// Mean lab loss and accuracy (%) of `model` over `batches`, calling `done(batches, images)`
/// after each batch (for progress reports).
pub fn evaluate_batches(
    model: &Mlp,
    batches: &Batches,
    mut done: impl FnMut(usize, usize),
) -> Result<(f64, f64)> {
    let mut tally = Tally::new();
    for (index, batch) in batches.iter().enumerate() {
        let batch = batch?;
        tally.add(model.head, model.forward(batch.images), batch.targets);
        done(index + 1, tally.count());
    }
    Ok(tally.finish())
}

/// Confusion matrix of `model` on `split`: `matrix[true][predicted]` counts.
pub fn confusion_matrix(model: &Mlp, split: &MnistSplit, device: &Device) -> Result<Vec<Vec<u64>>> {
    let classes = model.output.weight.val().dims()[1];
    let mut matrix = vec![vec![0u64; classes]; classes];
    let mut start = 0;
    for batch in Batches::in_order(split, EVAL_BATCH_SIZE, device).iter() {
        let batch = batch?;
        let predicted: Vec<i64> = model
            .forward(batch.images)
            .argmax(1)
            .into_data()
            .convert::<i64>()
            .try_to_vec()
            .expect("converted to i64");
        let end = start + predicted.len();
        for (&label, &guess) in split.labels[start..end].iter().zip(&predicted) {
            matrix[label as usize][guess as usize] += 1;
        }
        start = end;
    }
    Ok(matrix)
}
