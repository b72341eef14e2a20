//! The Learner's step in row blocks: data parallelism inside a step, as the manual engine does
//! it ([`crate::gradients::shards`]), with Burn's autodiff.
//!
//! Each block of rows runs its forward pass, objective and backward pass on one thread of the
//! compute pool, on a fork of the model (the same parameters, as fresh leaves of their own
//! autodiff graph), differentiating its mean objective weighted by its share of the batch; the
//! blocks' gradients are then summed.
//! The threads meet once per step instead of at every matrix product (each block's products
//! are small enough for flex to run them on one thread), which on two cores saves the thread
//! hand-offs that took ≈ 20 % of a profile.

use burn::module::ParamId;
use burn::optim::GradientsParams;
use burn::prelude::*;

use crate::data::MnistBatch;
use crate::gradients::shards::{in_blocks, shard_ranges};
use crate::loss;
use crate::model::Mlp;

/// What a step hands on: the batch's gradients for the optimizer, and for the watch its logits,
/// its objective and the sum of each parameter's gradient (plain tensors).
pub struct BlockStep {
    /// The gradients of the batch's mean objective, by parameter.
    pub grads: GradientsParams,
    /// `[m, k]` logits of the whole batch, blocks in order.
    pub logits: Tensor<2>,
    /// `[1]`: Σ_s (m_s/m)·J_s, the batch's mean objective.
    pub objective: Tensor<1>,
    /// `[1]` each, `W1, b1, W2, b2, …`: the sum of each parameter's gradient, for the step's
    /// finiteness check (summed block by block, so it may differ from the sum of the merged
    /// gradient in the last bits).
    pub sums: Vec<Tensor<1>>,
}

/// One block's results, each already weighted by the block's share m_s/m of the batch.
struct Block {
    /// (m_s/m)·∂J_s/∂θ, by parameter.
    grads: GradientsParams,
    /// `[m_s, k]`
    logits: Tensor<2>,
    /// `[1]`: (m_s/m)·J_s
    objective: Tensor<1>,
    /// `[1]` each: the sum of each weighted parameter gradient, in [`Mlp::layers`] order.
    sums: Vec<Tensor<1>>,
}

/// The gradients of `batch`'s mean objective under `mlp` (on an autodiff device), computed in
/// `blocks` row blocks on the current rayon pool: J = Σ_s (m_s/m)·J_s, so each block
/// differentiates its own mean objective weighted by its share, and the gradients add up.
///
/// # Shapes
/// - `batch.images`: `[m, inputs]`, `batch.targets`: `[m]`
pub fn block_step(mlp: &Mlp, batch: &MnistBatch, blocks: usize) -> BlockStep {
    let [rows, _] = batch.images.dims();
    let device = batch.images.device();
    let done: Vec<Block> = in_blocks(&shard_ranges(rows, blocks), |range| {
        let fork = mlp.clone().fork(&device);
        let logits = fork.forward(batch.images.clone().slice(range.clone())); // [m_s, k]
        let targets = batch.targets.clone().slice(range.clone()); // [m_s]
        let share = range.len() as f64 / rows as f64;
        let objective = loss::objective(fork.head, logits.clone(), targets).mul_scalar(share);
        let grads = GradientsParams::from_grads(objective.clone().backward(), &fork);
        let sums = parameter_ids(&fork)
            .map(|(id, rank)| match rank {
                2 => grads.get::<2>(id).map(|g| g.sum()),
                _ => grads.get::<1>(id).map(|g| g.sum()),
            })
            .map(|sum| sum.unwrap_or_else(|| nan(&logits.device())))
            .collect();
        Block {
            grads,
            logits: logits.inner(),
            objective: objective.inner(),
            sums,
        }
    });
    merge(mlp, done)
}

/// The ids of `mlp`'s parameters and their ranks, `W1, b1, W2, b2, …`.
fn parameter_ids(mlp: &Mlp) -> impl Iterator<Item = (ParamId, usize)> + '_ {
    mlp.layers().flat_map(|layer| {
        std::iter::once((layer.weight.id, 2)).chain(layer.bias.as_ref().map(|b| (b.id, 1)))
    })
}

/// `[1]`: NaN, what a missing gradient (a bug) adds to the step's check.
fn nan(device: &Device) -> Tensor<1> {
    Tensor::from_floats([f32::NAN], device)
}

/// The blocks' gradients, objectives and sums added in block order; their logits in order.
fn merge(mlp: &Mlp, mut done: Vec<Block>) -> BlockStep {
    let mut grads = GradientsParams::new();
    for (id, rank) in parameter_ids(mlp) {
        match rank {
            2 => add_blocks::<2>(&mut done, id, &mut grads),
            _ => add_blocks::<1>(&mut done, id, &mut grads),
        }
    }
    let objective = add_all(done.iter().map(|block| block.objective.clone()));
    let sums = (0..done[0].sums.len())
        .map(|i| add_all(done.iter().map(|block| block.sums[i].clone())))
        .collect();
    let logits = Tensor::cat(done.into_iter().map(|block| block.logits).collect(), 0);
    BlockStep {
        grads,
        logits,
        objective,
        sums,
    }
}

/// Registers in `grads` the sum over the blocks of parameter `id`'s gradient (none when a
/// block lacks it: the step's check then finds the NaN its sums carry).
fn add_blocks<const D: usize>(done: &mut [Block], id: ParamId, grads: &mut GradientsParams) {
    let parts: Option<Vec<Tensor<D>>> = done.iter_mut().map(|b| b.grads.remove::<D>(id)).collect();
    if let Some(parts) = parts {
        grads.register(id, add_all(parts.into_iter()));
    }
}

/// The sum of `tensors`, added in order.
fn add_all<const D: usize>(tensors: impl Iterator<Item = Tensor<D>>) -> Tensor<D> {
    tensors.reduce(|a, b| a.add(b)).expect("at least one block")
}
