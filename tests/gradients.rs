//! Manual backpropagation equals Burn's autodiff, in f32, for every activation × head × depth
//! and several batch sizes, on real MNIST batches and random inputs; and the check can fail.
//! Criterion (f32): |manual − autodiff| ≤ 1e-5 + 1e-4·|autodiff| for every entry.

mod common;

use backprop::gradients::manual;
use backprop::gradients::{Precision, autodiff_gradients, difference, flatten};
use backprop::model::parameter_names;
use backprop::model::{Activation, Head, MlpConfig};
use burn::prelude::*;
use proptest::prelude::*;

const ACTIVATIONS: [Activation; 3] = [Activation::Tanh, Activation::Sigmoid, Activation::Relu];
const HEADS: [Head; 2] = [Head::SoftmaxCe, Head::SigmoidBce];
const DEPTHS: [&[usize]; 3] = [&[132], &[64, 32], &[32, 24, 16, 8]];

/// Compares manual and autodiff gradients of `config` (seeded) on a batch; returns the failures.
fn mismatches(
    config: &MlpConfig,
    seed: u64,
    images: Tensor<2>,
    targets: Tensor<1, Int>,
) -> Vec<String> {
    let device = Device::default().autodiff();
    device.seed(seed);
    let model = config.init(&device);
    let reference = flatten(&autodiff_gradients(
        &model,
        images.clone().autodiff(),
        targets.clone(),
    ));
    let plain = model.valid();
    let computed = flatten(&manual::gradients(&plain, images, targets));
    let names = parameter_names(config.hidden.len() + 1);
    let mut failures = Vec::new();
    for ((name, a), b) in names.iter().zip(&computed).zip(&reference) {
        assert_eq!(a.shape, b.shape, "{name}");
        let d = difference(&a.values, &b.values, Precision::F32);
        if !d.within_tolerance {
            failures.push(format!("{config:?} {name}: {d:?}"));
        }
    }
    failures
}

#[test]
fn manual_equals_autodiff_on_real_batches_for_every_configuration() {
    let data = common::mnist();
    let device = Device::default();
    let mut failures = Vec::new();
    let mut checked = 0;
    for activation in ACTIVATIONS {
        for head in HEADS {
            for hidden in DEPTHS {
                for (offset, m) in [(0, 1), (1000, 7), (5000, 128)] {
                    let batch = common::mnist_batch(&data.train, offset, m, &device);
                    let config = MlpConfig::new()
                        .with_hidden(hidden.to_vec())
                        .with_activation(activation)
                        .with_head(head);
                    failures.extend(mismatches(
                        &config,
                        11 + m as u64,
                        batch.images,
                        batch.targets,
                    ));
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 3 * 2 * 3 * 3);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn manual_equals_autodiff_for_every_initialisation() {
    use backprop::model::WeightInit;
    let data = common::mnist();
    let device = Device::default();
    let batch = common::mnist_batch(&data.test, 0, 33, &device);
    for init in [
        WeightInit::Normal,
        WeightInit::Xavier,
        WeightInit::Glorot,
        WeightInit::He,
    ] {
        for activation in ACTIVATIONS {
            let config = MlpConfig::new()
                .with_hidden(vec![40, 20])
                .with_init(init)
                .with_activation(activation);
            let failures = mismatches(&config, 3, batch.images.clone(), batch.targets.clone());
            assert!(failures.is_empty(), "{failures:#?}");
        }
    }
}

#[test]
fn a_wrong_derivative_or_a_missing_one_over_m_is_caught() {
    let data = common::mnist();
    let device = Device::default().autodiff();
    device.seed(5);
    let batch = common::mnist_batch(&data.train, 0, 64, &device.clone().inner());
    let model = MlpConfig::new().init(&device);
    let reference = flatten(&autodiff_gradients(
        &model,
        batch.images.clone().autodiff(),
        batch.targets.clone(),
    ));
    let plain = model.valid();
    let cache = manual::forward(&plain, batch.images.clone());

    // tanh network differentiated with sigmoid's derivative A(1 − A): W1 and b1 go wrong.
    let mut wrong = plain.clone();
    wrong.activation = Activation::Sigmoid;
    let computed = flatten(&manual::backward(&wrong, &cache, batch.targets.clone()));
    let ok: Vec<bool> = computed
        .iter()
        .zip(&reference)
        .map(|(a, b)| difference(&a.values, &b.values, Precision::F32).within_tolerance)
        .collect();
    assert_eq!(ok, vec![false, false, true, true], "W1 b1 W2 b2");

    // Gradients of the summed loss (δ_L = Ŷ − Y without the 1/m) are m times too large.
    let right = flatten(&manual::backward(&plain, &cache, batch.targets));
    for (a, b) in right.iter().zip(&reference) {
        let summed: Vec<f64> = a.values.iter().map(|v| v * 64.0).collect();
        assert!(difference(&a.values, &b.values, Precision::F32).within_tolerance);
        assert!(!difference(&summed, &b.values, Precision::F32).within_tolerance);
    }
}

fn activation_strategy() -> impl Strategy<Value = Activation> {
    prop_oneof![
        Just(Activation::Tanh),
        Just(Activation::Sigmoid),
        Just(Activation::Relu)
    ]
}

fn head_strategy() -> impl Strategy<Value = Head> {
    prop_oneof![Just(Head::SoftmaxCe), Just(Head::SigmoidBce)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random widths, depths, batch sizes, seeds and inputs (in [0, 1], like pixels).
    #[test]
    fn manual_equals_autodiff_on_random_shapes(
        inputs in 1usize..40,
        hidden in prop::collection::vec(1usize..24, 1..5),
        classes in 2usize..12,
        m in 1usize..20,
        seed in any::<u64>(),
        activation in activation_strategy(),
        head in head_strategy(),
    ) {
        let device = Device::default();
        device.seed(seed);
        let images = Tensor::<2>::random([m, inputs], burn::tensor::Distribution::Default, &device);
        let targets = Tensor::<1, Int>::random(
            [m],
            burn::tensor::Distribution::Uniform(0.0, classes as f64),
            &device,
        );
        let config = MlpConfig::new()
            .with_inputs(inputs)
            .with_hidden(hidden)
            .with_outputs(classes)
            .with_activation(activation)
            .with_head(head);
        let failures = mismatches(&config, seed, images, targets);
        prop_assert!(failures.is_empty(), "{:#?}", failures);
    }
}
