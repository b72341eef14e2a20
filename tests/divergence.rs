//! Exploding gradients in `train`: a diverging run stops at the first non-finite step with one
//! clear line, never printing a NaN epoch or writing a model; `--clip-grad-norm` fixes it.

mod common;

use backprop::gradients::manual::{LayerGradient, clip_by_norm};
use backprop::train::non_finite;
use burn::prelude::*;
use common::run_backprop;

/// Three ReLU layers with the lab's σ 0.3 and η 1: the loss is NaN at step 7.
const DIVERGING: [&str; 12] = [
    "train",
    "--activation",
    "relu",
    "--hidden",
    "132,132,132",
    "--lr",
    "1",
    "--epochs",
    "1",
    "--train-limit",
    "6400",
    "--artifact-dir",
];

#[test]
fn a_diverging_run_stops_with_one_line_on_both_engines() {
    for engine in ["learner", "manual"] {
        let dir = tempfile::tempdir().unwrap();
        let mut args = DIVERGING.to_vec();
        args.extend([dir.path().to_str().unwrap(), "--engine", engine]);
        let (code, stdout, stderr) = run_backprop(&args);
        assert_eq!(code, 1, "{engine}: {stdout}{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{engine}: {stderr}");
        assert!(
            stderr.contains("training diverged at epoch 1, step 7: the loss is NaN"),
            "{engine}: {stderr}"
        );
        assert!(stderr.contains("--clip-grad-norm"), "{engine}: {stderr}");
        assert!(
            !stdout.contains("NaN") && !stdout.contains("Epoch 1/1"),
            "{stdout}"
        );
        assert!(!dir.path().join("model.bpk").exists(), "{engine}");
    }
}

#[test]
fn clipping_the_gradient_norm_lets_the_same_run_train() {
    for engine in ["learner", "manual"] {
        let dir = tempfile::tempdir().unwrap();
        let mut args = DIVERGING.to_vec();
        args.extend([dir.path().to_str().unwrap(), "--engine", engine]);
        args.extend(["--clip-grad-norm", "1"]);
        let (code, stdout, stderr) = run_backprop(&args);
        assert_eq!(code, 0, "{engine}: {stdout}{stderr}");
        let accuracy: f64 = stdout
            .split("Test Accuracy: ")
            .last()
            .and_then(|s| s.split('%').next())
            .and_then(|s| s.parse().ok())
            .expect("a test accuracy");
        assert!(accuracy > 50.0, "{engine}: {accuracy}");
        let config = std::fs::read_to_string(dir.path().join("config.json")).unwrap();
        assert!(config.contains("\"clip_grad_norm\": 1.0"), "{config}");
    }
}

#[test]
fn a_bad_clip_norm_is_a_flag_error() {
    for value in ["0", "-1", "inf"] {
        let (code, _, stderr) = run_backprop(&["train", "--clip-grad-norm", value]);
        assert_eq!(code, 2, "{value}: {stderr}");
        assert!(stderr.contains("--clip-grad-norm"), "{stderr}");
    }
}

#[test]
fn non_finite_names_the_loss_and_the_parameters() {
    let device = Device::default();
    let scalar = |v: f32| Tensor::<1>::from_floats([v], &device);
    let finite = || vec![scalar(1.0), scalar(-2.0), scalar(0.5), scalar(3.0)];
    assert_eq!(non_finite(scalar(0.7), finite()), None);

    let mut sums = finite();
    sums[3] = scalar(f32::NAN);
    assert_eq!(
        non_finite(scalar(0.7), sums).as_deref(),
        Some("non-finite gradients: b2")
    );
    assert_eq!(
        non_finite(scalar(f32::INFINITY), finite()).as_deref(),
        Some("the loss is infinite")
    );
    let mut sums = finite();
    sums[0] = scalar(f32::NEG_INFINITY);
    assert_eq!(
        non_finite(scalar(f32::NAN), sums).as_deref(),
        Some("the loss is NaN; non-finite gradients: W1")
    );
}

#[test]
fn clipping_bounds_each_tensor_norm_and_leaves_small_ones_alone() {
    let device = Device::default();
    let norm = |t: Tensor<2>| t.square().sum().sqrt().into_scalar::<f32>();
    let big = Tensor::<2>::from_floats([[30.0, 40.0]], &device); // norm 50
    let small = Tensor::<1>::from_floats([0.3, 0.4], &device); // norm 0.5
    let clipped = clip_by_norm(
        vec![LayerGradient {
            weight: big,
            bias: small.clone(),
        }],
        1.0,
    );
    assert!((norm(clipped[0].weight.clone()) - 1.0).abs() < 1e-5);
    let values = clipped[0]
        .weight
        .clone()
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
    assert!(
        (values[0] / values[1] - 0.75).abs() < 1e-6,
        "direction kept"
    );
    clipped[0]
        .bias
        .clone()
        .into_data()
        .assert_eq(&small.into_data(), true);
}
