//! Fused operations against their composed forms, on real MNIST batches: shared by
//! `tests/fused.rs` (f32) and `tests/fused_f64.rs` (f64, its own process).

use backprop::fused::cross_entropy::{composed_softmax_cross_entropy, softmax_cross_entropy};
use backprop::fused::linear::{linear, matmul};
use backprop::fused::tanh::{composed_tanh, tanh};
use backprop::gradients::equations::output_delta;
use backprop::gradients::{Precision, difference};
use backprop::loss::{objective, one_hot};
use backprop::model::{Activation, Head, Mlp, MlpConfig};
use burn::nn::LinearConfig;
use burn::prelude::*;
use burn::tensor::{Distribution, activation};

/// Every value of a tensor, in f64.
pub fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f64> {
    tensor
        .into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .unwrap()
}

/// The network's objective with every operation composed from Burn's (no fused operation).
///
/// # Shapes
/// - `images`: `[m, inputs]`, `targets`: `[m]` → `[1]`
fn composed_objective(model: &Mlp, images: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    let mut a = images;
    for layer in &model.hidden {
        let z = layer.forward(a);
        a = match model.activation {
            Activation::Tanh => composed_tanh(z),
            other => other.apply(z),
        };
    }
    let logits = model.output.forward(a);
    match model.head {
        Head::SoftmaxCe => composed_softmax_cross_entropy(logits, targets),
        Head::SigmoidBce => objective(Head::SigmoidBce, logits, targets),
    }
}

/// Each parameter's gradient of `objective`, `W1, b1, W2, b2, …`, flattened.
fn parameter_gradients(model: &Mlp, objective: Tensor<1>) -> Vec<Vec<f64>> {
    let grads = objective.backward();
    model
        .layers()
        .flat_map(|layer| {
            let weight = layer.weight.grad(&grads).map(values).unwrap_or_default();
            let bias = layer.bias.as_ref().and_then(|b| b.grad(&grads));
            [weight, bias.map(values).unwrap_or_default()]
        })
        .collect()
}

/// For every activation and head and three depths: the network's objective and every
/// parameter gradient, with the fused operations and with the composed ones, agree within
/// `precision` (the tolerances of manual against autodiff gradients). Returns one line per
/// failure.
pub fn networks_agree(device: &Device, precision: Precision) -> Vec<String> {
    let data = crate::common::mnist();
    let mut failures = Vec::new();
    for activation in [Activation::Tanh, Activation::Sigmoid, Activation::Relu] {
        for head in [Head::SoftmaxCe, Head::SigmoidBce] {
            for (hidden, m) in [(vec![132], 128), (vec![48, 24], 7), (vec![24, 16, 12], 1)] {
                let autodiff = device.clone().autodiff();
                autodiff.seed(m as u64);
                let config = MlpConfig::new()
                    .with_hidden(hidden.clone())
                    .with_activation(activation)
                    .with_head(head);
                let model = config.init(&autodiff);
                let batch = crate::common::mnist_batch(&data.train, 300 + m, m, device);
                let images = batch.images.autodiff();
                let fused = objective(head, model.forward(images.clone()), batch.targets.clone());
                let composed = composed_objective(&model, images, batch.targets);
                let case = format!("{activation:?} {head:?} {hidden:?} m={m}");
                let loss = difference(&values(fused.clone()), &values(composed.clone()), precision);
                if !loss.within_tolerance {
                    failures.push(format!("{case}: objective differs by {:e}", loss.max_abs));
                }
                let fused = parameter_gradients(&model, fused);
                let composed = parameter_gradients(&model, composed);
                for (i, (a, b)) in fused.iter().zip(&composed).enumerate() {
                    let gap = difference(a, b, precision);
                    if a.is_empty() || a.len() != b.len() || !gap.within_tolerance {
                        failures.push(format!(
                            "{case}: gradient {i} differs by {:e} (relative {:e})",
                            gap.max_abs, gap.max_rel
                        ));
                    }
                }
            }
        }
    }
    failures
}

/// The fused softmax cross-entropy's gradient at the logits is the manual engine's output error
/// (Ŷ − Y)/m bit for bit, and its loss is the composed one within `precision`.
pub fn cross_entropy_gradient_is_the_output_delta(device: &Device, precision: Precision) {
    let data = crate::common::mnist();
    let batch = crate::common::mnist_batch(&data.train, 1000, 128, device);
    let weights = Tensor::<2>::random([784, 10], burn::tensor::Distribution::Default, device);
    let logits = batch.images.matmul(weights).mul_scalar(4.0); // [m, 10]
    let tracked = logits.clone().autodiff().require_grad();
    let loss = softmax_cross_entropy(tracked.clone(), batch.targets.clone());
    let gradient = tracked.grad(&loss.clone().backward()).unwrap();
    let delta = output_delta(
        activation::softmax(logits.clone(), 1),
        one_hot(batch.targets.clone(), 10),
    );
    assert_eq!(
        values(gradient),
        values(delta),
        "fused δ_L is not (Ŷ − Y)/m"
    );
    let composed = composed_softmax_cross_entropy(logits, batch.targets);
    let gap = difference(&values(loss.inner()), &values(composed), precision);
    assert!(gap.within_tolerance, "loss differs by {:e}", gap.max_abs);
}

/// The fused tanh's forward values are the composed form's (in f32 within 2.4e-7: it has its
/// own e^x; in f64 bit for bit), and its gradient is g ⊙ (1 − a²) bit for bit, within
/// `precision` of the composed form's autodiff gradient.
pub fn tanh_matches_the_composed_form(device: &Device, precision: Precision) {
    let z = Tensor::<2>::random(
        [64, 132],
        burn::tensor::Distribution::Normal(0.0, 3.0),
        device,
    );
    let edges = Tensor::<2>::from_floats([[0.0, -0.0, 1e-9, -0.003, 0.004, 15.0, -40.0]], device);
    for z in [z, edges] {
        let (fused, composed) = (values(tanh(z.clone())), values(composed_tanh(z.clone())));
        let gap = fused
            .iter()
            .zip(&composed)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        match precision {
            Precision::F32 => assert!(gap <= 2.4e-7, "tanh differs by {gap:e}"),
            Precision::F64 => assert_eq!(fused, composed),
        }
        let g = z.clone().cos(); // an upstream gradient that is not all ones
        let fused_in = z.clone().autodiff().require_grad();
        let a = tanh(fused_in.clone());
        let fused = fused_in
            .grad(&a.clone().mul(g.clone().autodiff()).sum().backward())
            .unwrap();
        let composed_in = z.clone().autodiff().require_grad();
        let b = composed_tanh(composed_in.clone())
            .mul(g.clone().autodiff())
            .sum();
        let composed = composed_in.grad(&b.backward()).unwrap();
        let a = a.inner();
        let expected = g.mul(a.clone().mul(a).neg().add_scalar(1.0));
        assert_eq!(values(fused.clone()), values(expected), "not g ⊙ (1 − a²)");
        let gap = difference(&values(fused), &values(composed), precision);
        assert!(
            gap.within_tolerance,
            "tanh gradient differs by {:e}",
            gap.max_abs
        );
    }
    // Far in saturation the gradient is 0; the composed f32 formula's is NaN there (its exp
    // overflows, and the backward step of exp multiplies 0 by ∞).
    let far = Tensor::<2>::from_floats([[1e4, -1e4]], device)
        .autodiff()
        .require_grad();
    let gradient = values(far.grad(&tanh(far.clone()).sum().backward()).unwrap());
    assert_eq!(gradient, vec![0.0, 0.0]);
}

/// A target that is not a class gives a NaN loss, which the step's check reports.
pub fn an_out_of_range_target_gives_nan(device: &Device) {
    let logits = Tensor::<2>::zeros([2, 10], device);
    let targets = Tensor::<1, Int>::from_ints([3, 12], device);
    let loss = values(softmax_cross_entropy(logits, targets));
    assert!(loss[0].is_nan(), "{loss:?}");
}

/// The fused linear layer is Burn's `Linear` bit for bit (its values, and its gradients at the
/// input, the weight and the bias), and the fused product Burn's `matmul`, on the lab's shapes
/// (batches of 128, the blocks' 64, the last batch's 96, one image) and on shapes around the
/// limits of the split of a product's last columns (`src/fused/products.rs`).
pub fn linear_is_burn_linear_bit_for_bit(device: &Device) {
    let autodiff = device.clone().autodiff();
    let shapes = [
        (128, 784, 132),
        (64, 784, 132),
        (96, 784, 132),
        (1, 784, 132),
        (128, 132, 10),
        (64, 10, 132),
        (65, 600, 130),
        (128, 784, 131),
        (100, 300, 131),
        (64, 600, 130),
        (48, 1100, 131),
        (17, 20, 131),
        (300, 48, 24),
        (7, 3, 2),
    ];
    for (m, inputs, outputs) in shapes {
        let case = format!("m={m} {inputs}→{outputs}");
        autodiff.seed(m as u64);
        let layer = LinearConfig::new(inputs, outputs).init(&autodiff);
        let x = Tensor::<2>::random([m, inputs], Distribution::Normal(0.0, 1.0), device);
        let g = Tensor::<2>::random([m, outputs], Distribution::Normal(0.0, 1.0), device);
        let [fused, composed] = [true, false].map(|fused| {
            let x = x.clone().autodiff().require_grad();
            let z = if fused {
                linear(&layer, x.clone())
            } else {
                layer.forward(x.clone())
            };
            let grads = z.clone().mul(g.clone().autodiff()).sum().backward();
            let bias = layer.bias.as_ref().unwrap();
            [
                values(z.inner()),
                values(x.grad(&grads).unwrap()),
                values(layer.weight.grad(&grads).unwrap()),
                values(bias.grad(&grads).unwrap()),
            ]
        });
        for (i, name) in ["Z", "dX", "dW", "db"].iter().enumerate() {
            assert!(
                fused[i] == composed[i],
                "{case}: fused {name} is not Burn's"
            );
        }
        let w = layer.weight.val().inner();
        let products = [
            (x.clone(), w.clone()),
            (x.clone().transpose(), g.clone()),
            (g.clone(), w.clone().transpose()),
        ];
        for (a, b) in products {
            let shape = (a.dims(), b.dims());
            let fused = values(matmul(a.clone(), b.clone()));
            assert!(
                fused == values(a.matmul(b)),
                "{case}: product {shape:?} is not Burn's"
            );
        }
    }
}
