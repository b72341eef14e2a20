//! What Burn's `Learner` trains: the [`Mlp`] wrapped with the divergence guard that checks each
//! training step, and the steps themselves.
//!
//! Gradients come from the exact objective ([`loss::objective`]); the metric loss is the lab's
//! reported loss ([`loss::lab_loss_per_example`]), one value per example so that Burn's
//! `LossMetric` averages over examples.

use burn::prelude::*;
use burn::tensor::Gradients;
use burn::train::{ClassificationOutput, InferenceStep, TrainOutput, TrainStep};

use crate::data::MnistBatch;
use crate::loss;
use crate::model::Mlp;
use crate::train::divergence::{DivergenceGuard, non_finite};

/// The model as the `Learner` trains it. Its record holds the model's parameters under `mlp.`.
#[derive(Module, Debug)]
pub struct GuardedMlp {
    /// The network being trained.
    pub mlp: Mlp,
    /// Counts the steps and records the first one whose loss or gradients are not finite.
    #[module(skip)]
    pub guard: Option<DivergenceGuard>,
}

impl GuardedMlp {
    /// `mlp` with `guard` watching its training steps.
    pub fn new(mlp: Mlp, guard: Option<DivergenceGuard>) -> Self {
        Self { mlp, guard }
    }

    /// Forward pass and lab loss of a batch, for the metrics.
    fn classify(&self, batch: MnistBatch) -> ClassificationOutput {
        let logits = self.mlp.forward(batch.images); // [m, k]
        let reported = loss::lab_loss_per_example(
            self.mlp.head,
            logits.clone().detach(),
            batch.targets.clone(),
        );
        ClassificationOutput::new(reported, logits, batch.targets)
    }

    /// What is not finite among this step's loss and gradients (see [`non_finite`]).
    fn non_finite_in_step(&self, objective: Tensor<1>, grads: &Gradients) -> Option<String> {
        // A parameter without a gradient would be a bug; it counts as not finite.
        let missing = || Tensor::<1>::from_floats([f32::NAN], &objective.device().inner());
        let sums = self
            .mlp
            .layers()
            .flat_map(|layer| {
                let weight = layer.weight.grad(grads).map(|g| g.sum());
                let bias = layer
                    .bias
                    .as_ref()
                    .and_then(|b| b.grad(grads))
                    .map(|g| g.sum());
                [weight.unwrap_or_else(missing), bias.unwrap_or_else(missing)]
            })
            .collect();
        non_finite(objective.inner(), sums)
    }
}

impl TrainStep for GuardedMlp {
    type Input = MnistBatch;
    type Output = ClassificationOutput;

    fn step(&self, batch: MnistBatch) -> TrainOutput<ClassificationOutput> {
        let logits = self.mlp.forward(batch.images); // [m, k]
        let objective = loss::objective(self.mlp.head, logits.clone(), batch.targets.clone());
        let reported = loss::lab_loss_per_example(
            self.mlp.head,
            logits.clone().detach(),
            batch.targets.clone(),
        );
        let output = ClassificationOutput::new(reported, logits, batch.targets);
        let grads = objective.clone().backward();
        if let Some(guard) = &self.guard {
            guard.step(self.non_finite_in_step(objective, &grads));
        }
        TrainOutput::new(self, grads, output)
    }
}

impl InferenceStep for GuardedMlp {
    type Input = MnistBatch;
    type Output = ClassificationOutput;

    fn step(&self, batch: MnistBatch) -> ClassificationOutput {
        self.classify(batch)
    }
}
