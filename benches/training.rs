//! Criterion benchmarks, for every compiled-in CPU backend: one SGD step at batch 128 on each
//! path (Burn's autodiff + optimizer as the Learner runs it; the manual equations), a full
//! epoch of each engine, loading the data files, evaluating the test set, and the two large
//! matrix products of a step (throughput in FLOP/s: criterion's "elem/s").
//! Run with `cargo bench` (one thread unless RAYON_NUM_THREADS is set, as the command line);
//! `benches/compare.sh` prints seconds per epoch per engine × backend.

use std::hint::black_box;
use std::time::Instant;

use backprop::artifacts::ArtifactDir;
use backprop::backend::Backend;
use backprop::data::{Mnist, MnistBatch, default_data_dir};
use backprop::evaluate::evaluate;
use backprop::gradients::manual;
use backprop::model::MlpConfig;
use backprop::run::train;
use backprop::train::learner::GuardedMlp;
use backprop::train::{Engine, PassWatch, Silent, TrainingConfig, shared, train_step};
use burn::module::Module;
use burn::optim::SgdConfig;
use burn::prelude::*;
use burn::tensor::Distribution;
use burn::train::TrainStep;
use criterion::{BatchSize, Criterion, Throughput, criterion_group};

/// The compiled-in CPU backends, on the thread count the command line uses.
fn cpu_backends() -> Vec<Backend> {
    backprop::backend::size_global_pool();
    Backend::compiled()
        .into_iter()
        .filter(|b| *b != Backend::Wgpu)
        .collect()
}

fn sgd_step(c: &mut Criterion) {
    let data = Mnist::load(&default_data_dir()).expect("shipped data");
    for backend in cpu_backends() {
        let device = backend.device().unwrap();
        let batch = MnistBatch::from_range(&data.train, 0..128, &device);
        let model = MlpConfig::new().init(&device);
        c.bench_function(&format!("sgd_step_128/manual/{backend}"), |b| {
            b.iter_batched(
                || model.clone(),
                |m| {
                    let cache = manual::forward(&m, batch.images.clone());
                    let gradients = manual::backward(&m, &cache, batch.targets.clone());
                    let m = manual::sgd_step(m, gradients, 0.05);
                    device.sync().unwrap();
                    black_box(m)
                },
                BatchSize::SmallInput,
            )
        });

        // The engine's whole step (with the device-side finiteness check and its reads, ten per
        // run of steps), in two row blocks on a pool of
        // two threads, as RAYON_NUM_THREADS=2 runs it (src/manual/shards.rs); the loop runs
        // on that pool, so that no step pays a hand-over between pools.
        let two_threads = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        c.bench_function(&format!("sgd_step_128/manual_2_threads/{backend}"), |b| {
            b.iter_custom(|iterations| {
                two_threads.install(|| {
                    let started = Instant::now();
                    let mut watch = PassWatch::training(model.head, iterations as usize);
                    for _ in 0..iterations {
                        let images = batch.images.clone();
                        let targets = batch.targets.clone();
                        let step =
                            train_step(model.clone(), images, targets, 0.05, None, &mut watch);
                        black_box(step);
                        black_box(watch.batch_done());
                    }
                    started.elapsed()
                })
            })
        });

        let autodiff = device.clone().autodiff();
        let ad_batch = MnistBatch::from_range(&data.train, 0..128, &autodiff);
        let ad_model = GuardedMlp::new(model.clone(), None).train();
        let mut optimizer = SgdConfig::new().init();
        c.bench_function(&format!("sgd_step_128/autodiff/{backend}"), |b| {
            b.iter_batched(
                || ad_model.clone(),
                |m| {
                    let output = TrainStep::step(&m, ad_batch.clone());
                    let m = optimizer.step(0.05, m, output.grads);
                    autodiff.sync().unwrap();
                    black_box(m)
                },
                BatchSize::SmallInput,
            )
        });
    }
}

fn epoch(c: &mut Criterion) {
    let data = Mnist::load(&default_data_dir()).expect("shipped data");
    let dir = tempfile::tempdir().unwrap();
    let artifacts = ArtifactDir::new(dir.path());
    let mut group = c.benchmark_group("epoch_60000");
    group.sample_size(10);
    for backend in cpu_backends() {
        let device = backend.device().unwrap();
        for engine in [Engine::Learner, Engine::Manual] {
            let config = TrainingConfig::new(MlpConfig::new())
                .with_epochs(1)
                .with_engine(engine);
            group.bench_function(format!("{engine:?}/{backend}").to_lowercase(), |b| {
                b.iter(|| {
                    black_box(
                        train(&config, &data, &device, &artifacts, shared(Silent))
                            .unwrap()
                            .seconds,
                    )
                })
            });
        }
    }
    group.finish();
}

fn data_and_evaluation(c: &mut Criterion) {
    let mut group = c.benchmark_group("data");
    group.sample_size(10);
    group.bench_function("load_mnist_files", |b| {
        b.iter(|| black_box(Mnist::load(&default_data_dir()).unwrap()))
    });
    group.finish();

    let data = Mnist::load(&default_data_dir()).expect("shipped data");
    for backend in cpu_backends() {
        let device = backend.device().unwrap();
        let model = MlpConfig::new().init(&device);
        c.bench_function(&format!("evaluate_test_10000/{backend}"), |b| {
            b.iter(|| black_box(evaluate(&model, &data.test, &device).unwrap()))
        });
    }
}

/// The two products that hold nearly all of a step's arithmetic, at the lab's sizes:
/// Z1 = X·W1 (`[128, 784]·[784, 132]`) and dW1 = Xᵀ·δ1 (`[784, 128]·[128, 132]`), each
/// 2·128·784·132 = 26.5 MFLOP; one epoch makes 469 of each.
fn matmul(c: &mut Criterion) {
    let mut group = c.benchmark_group("matmul");
    group.throughput(Throughput::Elements(2 * 128 * 784 * 132));
    for backend in cpu_backends() {
        let device = backend.device().unwrap();
        let x = Tensor::<2>::random([128, 784], Distribution::Default, &device);
        let w1 = Tensor::<2>::random([784, 132], Distribution::Default, &device);
        let delta = Tensor::<2>::random([128, 132], Distribution::Default, &device);
        group.bench_function(format!("forward_x_w1/{backend}"), |b| {
            b.iter(|| black_box(x.clone().matmul(w1.clone()).into_data()))
        });
        group.bench_function(format!("weight_grad_xt_delta/{backend}"), |b| {
            b.iter(|| black_box(x.clone().transpose().matmul(delta.clone()).into_data()))
        });
    }
    group.finish();
}

criterion_group!(benches, sgd_step, epoch, data_and_evaluation, matmul);

/// As `criterion_main!`, but on the compute pool's own thread, as the command line runs.
fn main() {
    backprop::backend::on_compute_pool(|| {
        benches();
        Criterion::default().configure_from_args().final_summary();
    });
}
