//! The `Mlp`'s training and inference steps for Burn's `Learner`.
//!
//! Gradients come from the exact objective ([`loss::objective`]); the metric loss is the lab's
//! reported loss ([`loss::lab_loss_per_example`]), one value per example so that Burn's
//! `LossMetric` averages over examples.

use burn::train::{ClassificationOutput, InferenceStep, TrainOutput, TrainStep};

use crate::data::MnistBatch;
use crate::loss;
use crate::model::Mlp;

impl Mlp {
    /// Forward pass and lab loss of a batch, for the metrics.
    fn classify(&self, batch: MnistBatch) -> ClassificationOutput {
        let logits = self.forward(batch.images); // [m, k]
        let reported =
            loss::lab_loss_per_example(self.head, logits.clone().detach(), batch.targets.clone());
        ClassificationOutput::new(reported, logits, batch.targets)
    }
}

impl TrainStep for Mlp {
    type Input = MnistBatch;
    type Output = ClassificationOutput;

    fn step(&self, batch: MnistBatch) -> TrainOutput<ClassificationOutput> {
        let logits = self.forward(batch.images); // [m, k]
        let objective = loss::objective(self.head, logits.clone(), batch.targets.clone());
        let reported =
            loss::lab_loss_per_example(self.head, logits.clone().detach(), batch.targets.clone());
        let output = ClassificationOutput::new(reported, logits, batch.targets);
        TrainOutput::new(self, objective.backward(), output)
    }
}

impl InferenceStep for Mlp {
    type Input = MnistBatch;
    type Output = ClassificationOutput;

    fn step(&self, batch: MnistBatch) -> ClassificationOutput {
        self.classify(batch)
    }
}
