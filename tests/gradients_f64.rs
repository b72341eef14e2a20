//! In f64 (own process: the float type is set on the device before any tensor exists):
//! manual gradients equal autodiff to a relative 1e-9 on every entry, and both agree with
//! central finite differences (h = 1e-5) to a relative 1e-6.

mod common;

use backprop::gradients::manual;
use backprop::gradients::{
    FD_TOLERANCE, Precision, autodiff_gradients, difference, finite_difference_errors, flatten,
};
use backprop::model::parameter_names;
use backprop::model::{Activation, Head, MlpConfig};
use burn::prelude::*;
use burn::tensor::{DType, FloatDType};

fn f64_device() -> Device {
    let mut device = Device::default();
    // Only the first configure can succeed; later calls in this process find it done.
    let _ = device.configure(FloatDType::F64);
    device
}

#[test]
fn manual_equals_autodiff_and_finite_differences_in_f64() {
    let device = f64_device();
    let data = common::mnist();
    let mut report = Vec::new();
    for activation in [Activation::Tanh, Activation::Sigmoid, Activation::Relu] {
        for head in [Head::SoftmaxCe, Head::SigmoidBce] {
            for (hidden, m) in [(vec![132], 1), (vec![48, 24], 7), (vec![24, 16, 12, 8], 32)] {
                let config = MlpConfig::new()
                    .with_hidden(hidden.clone())
                    .with_activation(activation)
                    .with_head(head);
                let autodiff = device.clone().autodiff();
                autodiff.seed(m as u64);
                let model = config.init(&autodiff);
                let batch = common::mnist_batch(&data.train, 100 * m, m, &device);
                assert_eq!(batch.images.dtype(), DType::F64);
                let reference = flatten(&autodiff_gradients(
                    &model,
                    batch.images.clone().autodiff(),
                    batch.targets.clone(),
                ));
                let plain = model.valid();
                let computed = flatten(&manual::gradients(
                    &plain,
                    batch.images.clone(),
                    batch.targets.clone(),
                ));
                let fd = finite_difference_errors(
                    &plain,
                    batch.images,
                    batch.targets,
                    &computed,
                    4,
                    m as u64,
                );
                let fd_reference = {
                    // Finite differences also against the autodiff gradients.
                    let batch = common::mnist_batch(&data.train, 100 * m, m, &device);
                    finite_difference_errors(&plain, batch.images, batch.targets, &reference, 4, 9)
                };
                let names = parameter_names(hidden.len() + 1);
                for (i, name) in names.iter().enumerate() {
                    let d = difference(&computed[i].values, &reference[i].values, Precision::F64);
                    let ok = d.within_tolerance
                        && fd[i].0 <= FD_TOLERANCE
                        && fd_reference[i].0 <= FD_TOLERANCE
                        && fd[i].1 > 0;
                    if !ok {
                        report.push(format!(
                            "{activation:?} {head:?} {hidden:?} m={m} {name}: {d:?} fd={:?} fd_autodiff={:?}",
                            fd[i], fd_reference[i]
                        ));
                    }
                }
            }
        }
    }
    assert!(report.is_empty(), "{report:#?}");

    // The finite-difference check can fail: a tanh network differentiated with sigmoid's
    // derivative A(1 − A) is caught on W1 and b1.
    let autodiff = device.clone().autodiff();
    autodiff.seed(1);
    let model = MlpConfig::new().init(&autodiff).valid();
    let batch = common::mnist_batch(&data.test, 0, 16, &device);
    let cache = manual::forward(&model, batch.images.clone());
    let mut wrong = model.clone();
    wrong.activation = Activation::Sigmoid;
    let computed = flatten(&manual::backward(&wrong, &cache, batch.targets.clone()));
    let fd = finite_difference_errors(&model, batch.images, batch.targets, &computed, 4, 1);
    assert!(
        fd[0].0 > 1e-2 && fd[1].0 > 1e-2,
        "W1 {:?} b1 {:?}",
        fd[0],
        fd[1]
    );
    assert!(
        fd[2].0 <= FD_TOLERANCE && fd[3].0 <= FD_TOLERANCE,
        "W2 {:?} b2 {:?}",
        fd[2],
        fd[3]
    );
}
