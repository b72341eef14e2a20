//! Model shapes per configuration, initialisations, the losses on hand-computable cases, and
//! one SGD step through Burn's optimizer.

mod common;

use backprop::data::{MnistBatcher, MnistDataset};
use backprop::loss::{lab_loss, objective};
use backprop::model::{Activation, Head, MlpConfig, WeightInit};
use backprop::train::learner::GuardedMlp;
use burn::data::dataloader::batcher::Batcher;
use burn::data::dataset::Dataset;
use burn::module::Module;
use burn::optim::SgdConfig;
use burn::prelude::*;
use burn::train::TrainStep;

const ACTIVATIONS: [Activation; 3] = [Activation::Tanh, Activation::Sigmoid, Activation::Relu];
const HEADS: [Head; 2] = [Head::SoftmaxCe, Head::SigmoidBce];

fn values(tensor: Tensor<2>) -> Vec<f32> {
    tensor.into_data().try_to_vec().unwrap()
}

#[test]
fn every_configuration_maps_m_by_784_to_m_by_10() {
    let device = Device::default();
    let images = Tensor::<2>::random([3, 784], burn::tensor::Distribution::Default, &device);
    for activation in ACTIVATIONS {
        for head in HEADS {
            for hidden in [vec![132], vec![64, 32], vec![16, 16, 16, 16]] {
                let config = MlpConfig::new()
                    .with_hidden(hidden.clone())
                    .with_activation(activation)
                    .with_head(head);
                let model = config.init(&device);
                assert_eq!(model.hidden.len(), hidden.len());
                assert_eq!(model.forward(images.clone()).dims(), [3, 10]);
                let p = values(model.probabilities(images.clone()));
                assert!(p.iter().all(|&x| (0.0..=1.0).contains(&x)));
                if head == Head::SoftmaxCe {
                    for row in p.chunks(10) {
                        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
                    }
                }
            }
        }
    }
}

#[test]
fn layers_use_burns_layout_and_biases_start_at_zero() {
    let device = Device::default();
    let model = MlpConfig::new().with_hidden(vec![132, 64]).init(&device);
    let shapes: Vec<[usize; 2]> = model.layers().map(|l| l.weight.val().dims()).collect();
    assert_eq!(shapes, vec![[784, 132], [132, 64], [64, 10]]);
    for layer in model.layers() {
        let bias: Vec<f32> = layer
            .bias
            .as_ref()
            .unwrap()
            .val()
            .into_data()
            .try_to_vec()
            .unwrap();
        assert!(bias.iter().all(|&b| b == 0.0));
    }
    assert_eq!(
        model.num_params(),
        784 * 132 + 132 + 132 * 64 + 64 + 64 * 10 + 10
    );
}

/// Sample mean, standard deviation and largest magnitude of the first layer's weights.
fn first_layer_stats(init: WeightInit, std: f64) -> (f64, f64, f64) {
    let device = Device::default();
    let model = MlpConfig::new()
        .with_init(init)
        .with_init_std(std)
        .init(&device);
    let w: Vec<f32> = model.hidden[0]
        .weight
        .val()
        .into_data()
        .try_to_vec()
        .unwrap();
    let n = w.len() as f64;
    let mean = w.iter().map(|&x| x as f64).sum::<f64>() / n;
    let var = w.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n;
    let max = w.iter().map(|&x| (x as f64).abs()).fold(0.0, f64::max);
    (mean, var.sqrt(), max)
}

#[test]
fn initialisations_follow_their_formulas() {
    // 784 × 132 = 103,488 draws: the sample σ is within 1 % of the true one.
    let (mean, std, _) = first_layer_stats(WeightInit::Normal, 0.3);
    assert!(
        mean.abs() < 0.005 && (std / 0.3 - 1.0).abs() < 0.01,
        "{mean} {std}"
    );

    let bound = (1.0f64 / 784.0).sqrt();
    let (_, std, max) = first_layer_stats(WeightInit::Xavier, 0.3);
    assert!(max <= bound + 1e-7, "xavier {max} > {bound}");
    assert!((std / (bound / 3f64.sqrt()) - 1.0).abs() < 0.01);

    let bound = (6.0f64 / (784.0 + 132.0)).sqrt();
    let (_, std, max) = first_layer_stats(WeightInit::Glorot, 0.3);
    assert!(max <= bound + 1e-7, "glorot {max} > {bound}");
    assert!((std / (bound / 3f64.sqrt()) - 1.0).abs() < 0.01);

    let (_, std, _) = first_layer_stats(WeightInit::He, 0.3);
    assert!(
        (std / (2.0f64 / 784.0).sqrt() - 1.0).abs() < 0.01,
        "he {std}"
    );
}

fn scalar(tensor: Tensor<1>) -> f64 {
    tensor.into_scalar::<f64>()
}

#[test]
fn losses_match_hand_computed_values() {
    let device = Device::default();
    // Two classes, logits (0, ln 3): softmax = (1/4, 3/4); target class 1.
    let logits = Tensor::<2>::from_floats([[0.0, 3f32.ln()]], &device);
    let targets = Tensor::<1, Int>::from_ints([1], &device);
    let expected = -(0.75f64 + 1e-8).ln();
    let lab = scalar(lab_loss(Head::SoftmaxCe, logits.clone(), targets.clone()));
    let exact = scalar(objective(Head::SoftmaxCe, logits.clone(), targets.clone()));
    assert!((lab - expected).abs() < 1e-6, "{lab} vs {expected}");
    assert!((exact - 0.75f64.ln().abs()).abs() < 1e-6);

    // Sigmoid: σ(0) = 1/2, σ(ln 3) = 3/4; targets (0, 1) → −[ln(1/2) + ln(3/4)].
    let expected = -((0.5f64 + 1e-8).ln() + (0.75f64 + 1e-8).ln());
    let lab = scalar(lab_loss(Head::SigmoidBce, logits.clone(), targets.clone()));
    let exact = scalar(objective(Head::SigmoidBce, logits, targets));
    assert!((lab - expected).abs() < 1e-6, "{lab} vs {expected}");
    assert!((exact - expected).abs() < 1e-6, "{exact} vs {expected}");

    // Ten classes, zero logits, batch of 4: −ln(0.1 + ε) and 10·ln 2 per example.
    let zeros = Tensor::<2>::zeros([4, 10], &device);
    let targets = Tensor::<1, Int>::from_ints([0, 3, 7, 9], &device);
    let softmax = scalar(lab_loss(Head::SoftmaxCe, zeros.clone(), targets.clone()));
    let sigmoid = scalar(lab_loss(Head::SigmoidBce, zeros, targets));
    assert!((softmax - -(0.1f64 + 1e-8).ln()).abs() < 1e-6);
    assert!((sigmoid - 10.0 * -(0.5f64 + 1e-8).ln()).abs() < 1e-5);
}

#[test]
fn objective_stays_finite_for_huge_logits() {
    let device = Device::default();
    let logits = Tensor::<2>::from_floats([[1000.0, -1000.0, 0.0]], &device);
    let targets = Tensor::<1, Int>::from_ints([1], &device);
    for head in HEADS {
        let value = scalar(objective(head, logits.clone(), targets.clone()));
        assert!(
            value.is_finite() && value > 1000.0 - 1e-3,
            "{head:?}: {value}"
        );
    }
}

#[test]
fn one_sgd_step_moves_every_parameter_by_minus_lr_times_its_gradient() {
    let device = Device::default().autodiff();
    let data = common::mnist();
    let dataset = MnistDataset::new(data.train.take(128));
    let items = (0..128).map(|i| dataset.get(i).unwrap()).collect();
    let batch = MnistBatcher.batch(items, &device);
    let lr = 0.05;

    for head in HEADS {
        // What Burn's Learner trains: the model in its training wrapper.
        let model = GuardedMlp::new(MlpConfig::new().with_head(head).init(&device), None);
        let before: Vec<Vec<f32>> = model
            .mlp
            .layers()
            .flat_map(|l| {
                [
                    l.weight.val().into_data(),
                    l.bias.as_ref().unwrap().val().into_data(),
                ]
            })
            .map(|d| d.try_to_vec().unwrap())
            .collect();
        let output = TrainStep::step(&model, batch.clone());
        let grads = output.grads;
        let expected_grads: Vec<Vec<f32>> = model
            .mlp
            .layers()
            .flat_map(|l| {
                [
                    grads.get::<2>(l.weight.id).unwrap().into_data(),
                    grads
                        .get::<1>(l.bias.as_ref().unwrap().id)
                        .unwrap()
                        .into_data(),
                ]
            })
            .map(|d| d.try_to_vec().unwrap())
            .collect();
        let mut optimizer = SgdConfig::new().init();
        let updated = optimizer.step(lr, model, grads);
        let after: Vec<Vec<f32>> = updated
            .mlp
            .layers()
            .flat_map(|l| {
                [
                    l.weight.val().into_data(),
                    l.bias.as_ref().unwrap().val().into_data(),
                ]
            })
            .map(|d| d.try_to_vec().unwrap())
            .collect();
        for ((b, a), g) in before.iter().zip(&after).zip(&expected_grads) {
            assert_ne!(b, a, "{head:?}: a parameter did not change");
            for ((&b, &a), &g) in b.iter().zip(a).zip(g) {
                let expected = b - lr as f32 * g;
                assert!((a - expected).abs() <= 1e-6 + 1e-5 * expected.abs());
            }
        }
    }
}

#[test]
fn objective_gradient_is_probabilities_minus_targets_over_m_even_at_zero() {
    let device = Device::default().autodiff();
    // Logits at 0 (where a max(z, 0)-based softplus would differentiate to 0), small and large.
    let rows = [[0.0f32, 0.0, 0.0], [-3.0, 0.5, 2.0], [20.0, -20.0, 0.0]];
    let targets = Tensor::<1, Int>::from_ints([0, 2, 1], &device);
    for head in HEADS {
        let logits = Tensor::<2>::from_floats(rows, &device).require_grad();
        let loss = objective(head, logits.clone(), targets.clone());
        let grad: Vec<f32> = logits
            .grad(&loss.backward())
            .unwrap()
            .into_data()
            .try_to_vec()
            .unwrap();
        let probabilities: Vec<f32> = head
            .probabilities(Tensor::<2>::from_floats(rows, &device))
            .into_data()
            .try_to_vec()
            .unwrap();
        let y = [1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0];
        for i in 0..9 {
            let expected = (probabilities[i] - y[i]) / 3.0;
            assert!(
                (grad[i] - expected).abs() < 1e-6,
                "{head:?} entry {i}: {} vs {expected}",
                grad[i]
            );
        }
    }
}
