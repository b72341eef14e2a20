//! What Burn's `Learner` trains: the [`Mlp`] with the [`LearnerPasses`] that watch its steps,
//! and the steps themselves.
//!
//! With several compute threads a step runs in row blocks ([`super::blocks`]). Gradients come
//! from the exact objective ([`loss::objective`]); the figures of each pass (the
//! lab's reported loss, accuracy) and the divergence check are kept on the device by the
//! passes, which read them a few times per pass. A step hands the Learner no output to measure
//! (`()`), so nothing of Burn's reads the device per step either.

use burn::prelude::*;
use burn::tensor::Gradients;
use burn::train::{InferenceStep, TrainOutput, TrainStep};

use super::blocks::block_step;
use super::passes::LearnerPasses;
use crate::data::MnistBatch;
use crate::gradients::shards::shard_count;
use crate::loss;
use crate::model::Mlp;

/// The model as the `Learner` trains it. Its record holds the model's parameters under `mlp.`.
#[derive(Module, Debug)]
pub struct GuardedMlp {
    /// The network being trained.
    pub mlp: Mlp,
    /// Sums each pass's figures and checks each training step, on the device.
    #[module(skip)]
    pub passes: Option<LearnerPasses>,
}

impl GuardedMlp {
    /// `mlp` with `passes` watching its steps (none: steps are not measured).
    pub fn new(mlp: Mlp, passes: Option<LearnerPasses>) -> Self {
        Self { mlp, passes }
    }

    /// The sum of each parameter's gradient, `W1, b1, W2, b2, …`, on the plain device; a
    /// missing gradient (a bug) counts as NaN.
    ///
    /// # Shapes
    /// - returns `2L` tensors of shape `[1]`
    fn gradient_sums(&self, grads: &Gradients, device: &Device) -> Vec<Tensor<1>> {
        let missing = || Tensor::<1>::from_floats([f32::NAN], device);
        self.mlp
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
            .collect()
    }
}

impl TrainStep for GuardedMlp {
    type Input = MnistBatch;
    type Output = ();

    fn step(&self, batch: MnistBatch) -> TrainOutput<()> {
        let [rows, _] = batch.images.dims();
        let threads = rayon::current_num_threads();
        let blocks = shard_count(rows, threads, self.mlp.largest_weights());
        if blocks > 1 {
            let step = block_step(&self.mlp, &batch, blocks);
            if let Some(passes) = &self.passes {
                let targets = batch.targets.inner();
                passes.training_step(step.logits, targets, step.objective, step.sums);
            }
            return TrainOutput {
                grads: step.grads,
                item: (),
            };
        }
        let logits = self.mlp.forward(batch.images); // [m, k]
        let objective = loss::objective(self.mlp.head, logits.clone(), batch.targets.clone());
        let grads = objective.clone().backward();
        if let Some(passes) = &self.passes {
            let objective = objective.inner();
            let sums = self.gradient_sums(&grads, &objective.device());
            passes.training_step(logits.inner(), batch.targets.inner(), objective, sums);
        }
        TrainOutput::new(self, grads, ())
    }
}

impl InferenceStep for GuardedMlp {
    type Input = MnistBatch;
    type Output = ();

    fn step(&self, batch: MnistBatch) {
        if let Some(passes) = &self.passes {
            let logits = self.mlp.forward(batch.images); // [m, k]
            passes.test_batch(logits.inner(), batch.targets.inner(), || self.mlp.valid());
        }
    }
}
