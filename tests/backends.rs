//! The same proofs on every compiled-in backend (flex, ndarray, and wgpu with `--features
//! wgpu`), in f32 (wgpu has no f64): manual = autodiff for every activation × head, the two
//! engines agree after 50 SGD steps, and a short training run learns.
//!
//! Each test prints one line per backend (`cargo test --test backends -- --nocapture` shows
//! them). When the wgpu backend is compiled in but no GPU adapter exists, its line says so and
//! the check is skipped, unless BACKPROP_REQUIRE_WGPU=1, which makes that a failure (CI sets it,
//! with Mesa's software Vulkan driver installed). BACKPROP_TEST_BACKENDS=wgpu runs one backend.

mod common;

use backprop::artifacts::ArtifactDir;
use backprop::backend::Backend;
use backprop::gradcheck::check;
use backprop::gradients::Precision;
use backprop::model::{Activation, Head, MlpConfig};
use backprop::run::TrainOutcome;
use backprop::run::train;
use backprop::train::{Engine, Silent, TrainingConfig, shared};
use burn::prelude::*;

/// A device's seed is process-wide state: the tests take turns so that one's `seed` cannot
/// change the other's initial weights.
static SEEDED: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Every compiled-in backend that has a device here, with its name; BACKPROP_TEST_BACKENDS
/// (e.g. `wgpu`) narrows the list, naming backends that must then be compiled in.
fn devices() -> Vec<(Backend, Device)> {
    let backends = match std::env::var("BACKPROP_TEST_BACKENDS") {
        Ok(names) => names
            .split(',')
            .map(|name| {
                <Backend as clap::ValueEnum>::from_str(name.trim(), true)
                    .unwrap_or_else(|e| panic!("BACKPROP_TEST_BACKENDS: {e}"))
            })
            .collect(),
        Err(_) => Backend::compiled(),
    };
    let mut devices = Vec::new();
    for backend in backends {
        match backend.device() {
            Ok(device) => devices.push((backend, device)),
            Err(error) => {
                let required = std::env::var("BACKPROP_REQUIRE_WGPU").is_ok_and(|v| v == "1");
                assert!(backend == Backend::Wgpu && !required, "{backend}: {error}");
                println!("{backend}: SKIPPED, {error}");
            }
        }
    }
    devices
}

#[test]
fn manual_gradients_equal_autodiff_on_every_backend() {
    let _turn = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    let data = common::mnist();
    for (backend, device) in devices() {
        let batch = common::mnist_batch(&data.train, 0, 32, &device);
        let mut rows = 0;
        for activation in [Activation::Tanh, Activation::Sigmoid, Activation::Relu] {
            for head in [Head::SoftmaxCe, Head::SigmoidBce] {
                let autodiff = device.clone().autodiff();
                autodiff.seed(7);
                let model = MlpConfig::new()
                    .with_hidden(vec![64, 32])
                    .with_activation(activation)
                    .with_head(head)
                    .init(&autodiff);
                let table = check(
                    &model,
                    batch.images.clone(),
                    batch.targets.clone(),
                    Precision::F32,
                    0,
                    7,
                );
                for row in &table {
                    assert!(row.ok(), "{backend} {activation:?} {head:?}: {row:?}");
                }
                rows += table.len();
            }
        }
        println!("{backend}: {rows} gradient rows, manual = autodiff (f32 criterion)");
    }
}

fn run(config: &TrainingConfig, engine: Engine, device: &Device) -> TrainOutcome {
    let data = common::mnist();
    let dir = tempfile::tempdir().unwrap();
    let config = config.clone().with_engine(engine);
    train(
        &config,
        &data,
        device,
        &ArtifactDir::new(dir.path()),
        shared(Silent),
    )
    .unwrap()
}

#[test]
fn both_engines_agree_and_learn_on_every_backend() {
    let _turn = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    // 50 batches of 128: the first 6,400 images, one epoch, the lab's network.
    let config = TrainingConfig::new(MlpConfig::new())
        .with_epochs(1)
        .with_train_limit(Some(50 * 128));
    for (backend, device) in devices() {
        let learner = run(&config, Engine::Learner, &device);
        let manual = run(&config, Engine::Manual, &device);
        let failures = common::mismatches(
            &common::parameters(&manual.model),
            &common::parameters(&learner.model),
            Precision::F32,
        );
        assert!(failures.is_empty(), "{backend}: {failures:?}");
        let (l, m) = (learner.last(), manual.last());
        assert!(
            (l.test_accuracy - m.test_accuracy).abs() < 0.05,
            "{backend}: {l:?} {m:?}"
        );
        // From 10 % at the start; measured 53.96 % test on flex after these 50 steps.
        assert!(l.test_accuracy > 45.0, "{backend}: {l:?}");
        println!(
            "{backend}: 50 steps, engines agree; test accuracy {:.2}% (learner) / {:.2}% (manual), {:.2} s / {:.2} s",
            l.test_accuracy, m.test_accuracy, learner.seconds, manual.seconds
        );
    }
}
