//! The manual gradients computed in row blocks on several threads (src/manual/shards.rs) equal
//! the one-block gradients, for every activation × head, on real MNIST batches; and a training
//! step on a two-thread pool gives the model a one-thread step gives.
//! Criterion (f32): |sharded − whole| ≤ 1e-5 + 1e-4·|whole| for every entry.

mod common;

use backprop::gradients::manual;
use backprop::gradients::shards::{
    MAX_SHARDED_WEIGHTS, MIN_ROWS_PER_SHARD, shard_count, shard_ranges, sharded_gradients,
};
use backprop::gradients::{FlatTensor, Precision, flatten};
use backprop::model::{Activation, Head, MlpConfig};
use backprop::train::{PassWatch, train_step};
use burn::prelude::*;
use proptest::prelude::*;

/// Runs `work` on a rayon pool of `threads` threads.
fn on_pool<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(work)
}

/// The tensors of `a` not within the f32 criterion of `b`'s.
fn mismatches(a: &[FlatTensor], b: &[FlatTensor]) -> Vec<String> {
    common::mismatches(a, b, Precision::F32)
}

fn flat(tensor: Tensor<2>) -> Vec<FlatTensor> {
    vec![FlatTensor::from_tensor(tensor)]
}

#[test]
fn sharded_gradients_equal_the_whole_batch_gradients() {
    let data = common::mnist();
    let device = Device::default();
    let mut checked = 0;
    for activation in [Activation::Tanh, Activation::Sigmoid, Activation::Relu] {
        for head in [Head::SoftmaxCe, Head::SigmoidBce] {
            let model = MlpConfig::new()
                .with_hidden(vec![64, 32])
                .with_activation(activation)
                .with_head(head)
                .init(&device);
            // A full batch, and the epoch's last one (60,000 = 468 × 128 + 96).
            for (offset, m) in [(0, 128), (59_904, 96)] {
                let batch = common::mnist_batch(&data.train, offset, m, &device);
                let cache = manual::forward(&model, batch.images.clone());
                let whole = manual::backward(&model, &cache, batch.targets.clone());
                for shards in [2, 3] {
                    let (gradients, logits) = on_pool(2, || {
                        sharded_gradients(&model, batch.images.clone(), &batch.targets, shards)
                    });
                    let failures = mismatches(&flatten(&gradients), &flatten(&whole));
                    assert!(
                        failures.is_empty(),
                        "{activation:?} {head:?} m={m} shards={shards}: {failures:?}"
                    );
                    let failures = mismatches(&flat(logits), &flat(cache.logits().clone()));
                    assert!(failures.is_empty(), "logits, {shards} shards: {failures:?}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 24);
}

#[test]
fn one_shard_is_the_plain_forward_and_backward() {
    let data = common::mnist();
    let device = Device::default();
    let model = MlpConfig::new().init(&device);
    let batch = common::mnist_batch(&data.train, 0, 128, &device);
    let (gradients, _) = sharded_gradients(&model, batch.images.clone(), &batch.targets, 1);
    let whole = manual::gradients(&model, batch.images, batch.targets);
    for (a, b) in flatten(&gradients).iter().zip(&flatten(&whole)) {
        assert_eq!(a.values, b.values, "bit for bit");
    }
}

#[test]
fn a_step_on_two_threads_gives_the_model_of_a_step_on_one() {
    let data = common::mnist();
    let device = Device::default();
    let model = MlpConfig::new().init(&device);
    let run = |threads: usize| {
        on_pool(threads, || {
            let mut model = model.clone();
            let mut watch = PassWatch::training(model.head, 20);
            for step in 0..20 {
                let batch = common::mnist_batch(&data.train, step * 128, 128, &device);
                model = train_step(model, batch.images, batch.targets, 0.05, None, &mut watch);
                watch.batch_done();
            }
            assert_eq!(watch.last().and_then(|r| r.divergence.clone()), None);
            common::parameters(&model)
        })
    };
    let (one, two) = (run(1), run(2));
    let failures = mismatches(&two, &one);
    assert!(failures.is_empty(), "{failures:?}");
    assert_ne!(
        one,
        common::parameters(&model),
        "the steps changed the model"
    );
}

#[test]
fn small_batches_are_not_cut() {
    let lab = 784 * 132;
    assert_eq!(shard_count(128, 1, lab), 1);
    assert_eq!(shard_count(128, 2, lab), 2);
    assert_eq!(shard_count(128, 16, lab), 128 / MIN_ROWS_PER_SHARD);
    assert_eq!(shard_count(2 * MIN_ROWS_PER_SHARD - 1, 2, lab), 1);
    assert_eq!(shard_count(1, 8, lab), 1);
    assert_eq!(shard_count(0, 2, lab), 1);
    // A wide network keeps one block, whose products use the threads.
    assert_eq!(shard_count(128, 2, MAX_SHARDED_WEIGHTS), 2);
    assert_eq!(shard_count(128, 2, 1024 * 1024), 1);
}

proptest! {
    #[test]
    fn shard_ranges_cover_the_batch_in_order(rows in 1usize..2000, shards in 1usize..9) {
        let ranges = shard_ranges(rows, shards);
        prop_assert_eq!(ranges.len(), shards.min(rows));
        prop_assert_eq!(ranges.first().unwrap().start, 0);
        prop_assert_eq!(ranges.last().unwrap().end, rows);
        for pair in ranges.windows(2) {
            prop_assert_eq!(pair[0].end, pair[1].start);
        }
        let sizes: Vec<usize> = ranges.iter().map(|r| r.len()).collect();
        prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
        prop_assert!(sizes.iter().all(|&s| s > 0));
    }
}
