//! The manual engine and Burn's Learner, from the same seed, end 50 SGD steps with the same
//! parameters (f32 criterion |a − b| ≤ 1e-5 + 1e-4·|b|), and report the same metrics.

mod common;

use backprop::artifacts::ArtifactDir;
use backprop::gradients::Precision;
use backprop::model::{Activation, Head, MlpConfig};
use backprop::run::TrainOutcome;
use backprop::run::train;
use backprop::train::{Engine, Silent, TrainingConfig, shared};
use burn::prelude::*;

fn run(config: &TrainingConfig, engine: Engine) -> TrainOutcome {
    let data = common::mnist();
    let dir = tempfile::tempdir().unwrap();
    let config = config.clone().with_engine(engine);
    train(
        &config,
        &data,
        &Device::default(),
        &ArtifactDir::new(dir.path()),
        shared(Silent),
    )
    .unwrap()
}

#[test]
fn fifty_steps_of_both_engines_agree() {
    for (activation, head, hidden) in [
        (Activation::Tanh, Head::SoftmaxCe, vec![132]),
        (Activation::Sigmoid, Head::SigmoidBce, vec![64, 32]),
        (Activation::Relu, Head::SoftmaxCe, vec![32, 32, 32, 32]),
    ] {
        // 50 batches of 128 = the first 6,400 images, one epoch.
        let config = TrainingConfig::new(
            MlpConfig::new()
                .with_hidden(hidden)
                .with_activation(activation)
                .with_head(head),
        )
        .with_epochs(1)
        .with_train_limit(Some(50 * 128));
        let learner = run(&config, Engine::Learner);
        let manual = run(&config, Engine::Manual);
        let failures = common::mismatches(
            &common::parameters(&manual.model),
            &common::parameters(&learner.model),
            Precision::F32,
        );
        assert!(failures.is_empty(), "{activation:?} {head:?}: {failures:?}");
        let (l, m) = (learner.last(), manual.last());
        assert!(
            (l.train_accuracy - m.train_accuracy).abs() < 0.05,
            "{l:?} {m:?}"
        );
        assert!(
            (l.test_accuracy - m.test_accuracy).abs() < 0.05,
            "{l:?} {m:?}"
        );
        assert!((l.train_loss - m.train_loss).abs() < 1e-4, "{l:?} {m:?}");
    }
}
