//! The manual gradients of one batch computed in row blocks ("shards") on the compute pool's
//! threads, then summed: data parallelism inside a step.
//!
//! The gradient of the mean loss is a sum over examples, so with the batch cut into blocks of
//! m_s rows, dW = Σ_s (m_s/m)·dW_s, where dW_s is block s's own gradient (its δ carries 1/m_s).
//! Each block runs its whole forward and backward pass on one thread, with single-threaded
//! matrix products, so the threads meet once per step rather than at every operation. The sum
//! equals the one-block gradient up to f32 rounding (checked in tests/shards.rs).
//!
//! Between two steps (the sum, the update, the next batch) the other threads have nothing to
//! do, and rayon puts an idle thread to sleep after a few dozen yields: each step then began by
//! waking it, and a woken thread starts late on a virtual machine (a round trip to a sleeping
//! thread measured 42 µs on a 2-core AMD EPYC under KVM, against ≈ 300 µs of arithmetic per
//! block), so its block ended late and the first thread often fell asleep waiting for it.
//! [`in_blocks`] therefore keeps the other threads awake after a step until the next one (as
//! OpenMP's threads wait by default), for at most [`AWAKE_FOR`].

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use burn::prelude::*;
use rayon::prelude::*;

use super::manual::{Gradients, LayerGradient, backward, forward};
use crate::model::Mlp;

/// Fewest rows in a block, so that a block's products stay large next to a thread's wake-up
/// (a chosen floor, not a tuned one: the lab's batches of 128 and 96 make two blocks).
pub const MIN_ROWS_PER_SHARD: usize = 32;

/// Largest weight matrix (entries) whose network is cut into row blocks. Beyond it, one block
/// whose products gemm splits across the threads is faster: on a 2-core Zen 4 (manual engine,
/// two threads, s/epoch, blocks against one block) 0.143 against 0.169 for 784-132-10, 0.237
/// against 0.260 for 256 hidden units, 0.443 against 0.455 for 512, but 0.335 against 0.315
/// for 1024 (20,000 images) and 1.27 against 1.05 for 1024,1024.
pub const MAX_SHARDED_WEIGHTS: usize = 1 << 19;

/// How many blocks a batch of `rows` is cut into on a pool of `threads` threads, for a network
/// whose largest weight matrix has `largest_weights` entries: one per thread, as long as each
/// keeps [`MIN_ROWS_PER_SHARD`] rows and the network is not wider than
/// [`MAX_SHARDED_WEIGHTS`]; at least one.
pub fn shard_count(rows: usize, threads: usize, largest_weights: usize) -> usize {
    if largest_weights > MAX_SHARDED_WEIGHTS {
        return 1;
    }
    threads.min(rows / MIN_ROWS_PER_SHARD).max(1)
}

/// `work` of each block of rows, run in parallel on the current rayon pool, in block order;
/// afterwards the pool's other threads wait awake for the next call (see the module
/// documentation).
pub fn in_blocks<T: Send>(
    ranges: &[Range<usize>],
    work: impl Fn(&Range<usize>) -> T + Sync + Send,
) -> Vec<T> {
    STEPS.fetch_add(1, Ordering::Release); // the threads kept awake take the new blocks
    let done = ranges.par_iter().map(work).collect();
    keep_awake(ranges.len().saturating_sub(1));
    done
}

/// Calls of [`in_blocks`] begun in this process, by any run: a thread kept awake goes back to
/// rayon at the next.
static STEPS: AtomicU64 = AtomicU64::new(0);

/// The longest a thread stays awake between two steps (a step of the lab's network takes
/// ≈ 0.5 ms; past that, the run is in its test pass or at its epoch's end, and the thread may
/// sleep).
pub const AWAKE_FOR: Duration = Duration::from_millis(1);

/// Keeps `threads` of the pool's other threads awake until the next [`in_blocks`] (or for
/// [`AWAKE_FOR`]): each runs a task that waits, yielding its core to any other thread that
/// needs it, then returns to rayon, which finds the next step's blocks at once. A task that
/// lands on the calling thread returns at once.
fn keep_awake(threads: usize) {
    let (step, caller) = (STEPS.load(Ordering::Acquire), rayon::current_thread_index());
    for _ in 0..threads {
        rayon::spawn(move || {
            if rayon::current_thread_index() == caller {
                return;
            }
            let since = Instant::now();
            while STEPS.load(Ordering::Acquire) == step && since.elapsed() < AWAKE_FOR {
                for _ in 0..64 {
                    std::hint::spin_loop();
                }
                std::thread::yield_now();
            }
        });
    }
}

/// The row ranges of `shards` nearly equal blocks of `rows` rows (sizes differ by at most one).
pub fn shard_ranges(rows: usize, shards: usize) -> Vec<std::ops::Range<usize>> {
    let shards = shards.clamp(1, rows.max(1));
    (0..shards)
        .map(|s| s * rows / shards..(s + 1) * rows / shards)
        .collect()
}

/// Gradients of the batch's mean objective and its logits, computed in `shards` row blocks on
/// the current rayon pool (one block: the plain [`forward`] + [`backward`]).
///
/// # Shapes
/// - `images`: `[m, inputs]`, `targets`: `[m]`
/// - returns: the gradients (in [`Mlp::layers`] order) and the logits `[m, k]`
pub fn sharded_gradients(
    model: &Mlp,
    images: Tensor<2>,
    targets: &Tensor<1, Int>,
    shards: usize,
) -> (Gradients, Tensor<2>) {
    let [rows, _] = images.dims();
    let ranges = shard_ranges(rows, shards);
    if ranges.len() == 1 {
        let cache = forward(model, images);
        let gradients = backward(model, &cache, targets.clone());
        return (gradients, cache.logits().clone());
    }
    let blocks: Vec<(Gradients, Tensor<2>)> = in_blocks(&ranges, |range| {
        let cache = forward(model, images.clone().slice(range.clone()));
        let gradients = backward(model, &cache, targets.clone().slice(range.clone()));
        let share = range.len() as f64 / rows as f64; // m_s / m
        let weighted = gradients
            .into_iter()
            .map(|g| LayerGradient {
                weight: g.weight.mul_scalar(share),
                bias: g.bias.mul_scalar(share),
            })
            .collect();
        (weighted, cache.logits().clone())
    });
    let (gradient_blocks, logit_blocks): (Vec<Gradients>, Vec<Tensor<2>>) =
        blocks.into_iter().unzip();
    let gradients = gradient_blocks
        .into_iter()
        .reduce(|sum, block| {
            sum.into_iter()
                .zip(block)
                .map(|(a, b)| LayerGradient {
                    weight: a.weight.add(b.weight),
                    bias: a.bias.add(b.bias),
                })
                .collect()
        })
        .expect("at least two blocks");
    (gradients, Tensor::cat(logit_blocks, 0))
}
