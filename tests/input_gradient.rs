//! The gradient of the loss with respect to the input pixels (the Draw panel's "which pixels
//! push the decision"), carried back by the lab's equations one layer past W1, equals Burn's
//! autodiff of the same objective: every activation × head × depth, on real MNIST batches.
//! Criterion (f32): |manual − autodiff| ≤ 1e-5 + 1e-4·|autodiff| for every entry.

mod common;

use backprop::gradients::{FlatTensor, Precision, input_gradient, manual};
use backprop::loss::objective;
use backprop::model::{Activation, Head, MlpConfig};
use burn::prelude::*;

#[test]
fn the_input_gradient_by_hand_equals_autodiff() {
    let data = common::mnist();
    let device = Device::default();
    let mut checked = 0;
    for activation in [Activation::Tanh, Activation::Sigmoid, Activation::Relu] {
        for head in [Head::SoftmaxCe, Head::SigmoidBce] {
            for hidden in [vec![132], vec![64, 32, 16]] {
                let config = MlpConfig::new()
                    .with_hidden(hidden)
                    .with_activation(activation)
                    .with_head(head);
                let model = config.init_seeded(&device.clone().autodiff(), 7);
                let batch = common::mnist_batch(&data.train, 300, 16, &device);

                let images = batch.images.clone().autodiff().require_grad();
                let loss = objective(head, model.forward(images.clone()), batch.targets.clone());
                let reference = images.grad(&loss.backward()).expect("the input takes part");

                let plain = model.valid();
                let cache = manual::forward(&plain, batch.images.clone());
                let by_hand = input_gradient(&plain, &cache, batch.targets.clone());

                let failures = common::mismatches(
                    &[FlatTensor::from_tensor(by_hand)],
                    &[FlatTensor::from_tensor(reference)],
                    Precision::F32,
                );
                assert!(failures.is_empty(), "{config:?}: {failures:?}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 12);
}
