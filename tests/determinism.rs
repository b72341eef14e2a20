//! The same seed gives the same run on the same backend (own process: the seed is global).

mod common;

use backprop::artifacts::ArtifactDir;
use backprop::model::MlpConfig;
use backprop::run::train;
use backprop::train::{Silent, TrainingConfig, shared};
use burn::prelude::*;

fn weights(config: &TrainingConfig) -> (Vec<f32>, f64) {
    let data = common::mnist();
    let dir = tempfile::tempdir().unwrap();
    let outcome = train(
        config,
        &data,
        &Device::default(),
        &ArtifactDir::new(dir.path()),
        shared(Silent),
    )
    .unwrap();
    let w = outcome.model.hidden[0]
        .weight
        .val()
        .into_data()
        .try_to_vec()
        .unwrap();
    (w, outcome.last().test_accuracy)
}

#[test]
fn same_seed_same_weights_other_seed_other_weights() {
    let config = TrainingConfig::new(MlpConfig::new())
        .with_epochs(1)
        .with_train_limit(Some(3_000))
        .with_shuffle(true);
    let (a, accuracy_a) = weights(&config);
    let (b, accuracy_b) = weights(&config);
    assert_eq!(a, b);
    assert_eq!(accuracy_a, accuracy_b);
    let (c, _) = weights(&config.clone().with_seed(7));
    assert_ne!(a, c);
}
