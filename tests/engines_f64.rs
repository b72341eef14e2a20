//! In f64 (own process), the manual engine and Burn's Learner end 50 SGD steps with
//! parameters equal to a relative 1e-9.

mod common;

use backprop::artifacts::ArtifactDir;
use backprop::gradients::Precision;
use backprop::model::{Activation, MlpConfig};
use backprop::run::train;
use backprop::train::{Engine, Silent, TrainingConfig, shared};
use burn::prelude::*;
use burn::tensor::FloatDType;

#[test]
fn fifty_steps_of_both_engines_agree_in_f64() {
    let mut device = Device::default();
    let _ = device.configure(FloatDType::F64);
    let data = common::mnist();
    let config = TrainingConfig::new(MlpConfig::new().with_activation(Activation::Relu))
        .with_epochs(1)
        .with_train_limit(Some(50 * 128));
    let weights = |engine: Engine| {
        let dir = tempfile::tempdir().unwrap();
        let config = config.clone().with_engine(engine);
        let outcome = train(
            &config,
            &data,
            &device,
            &ArtifactDir::new(dir.path()),
            shared(Silent),
        )
        .unwrap();
        common::parameters(&outcome.model)
    };
    let learner = weights(Engine::Learner);
    let manual = weights(Engine::Manual);
    let failures = common::mismatches(&manual, &learner, Precision::F64);
    assert!(failures.is_empty(), "{failures:?}");
}
