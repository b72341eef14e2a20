//! The numbers a student's functions are given, and the right answers: the lab's forward pass
//! on a batch of real MNIST images with fixed weights, and every gradient from Burn's autodiff,
//! all in f64 (the device must be set to f64 before the first tensor).
//!
//! Per-example quantities are kept with rows as examples (`[m, n]`, the notebook's layout);
//! parameters and their gradients in the lab's orientation (`W` `[n_out, n_in]`, `b`
//! `[n_out, 1]`), which both conventions share.

use burn::prelude::*;
use burn::tensor::activation;

use super::array::Array;
use crate::data::MnistSplit;
use crate::loss::{lab_loss, objective};
use crate::model::{Activation, Head};
use crate::rng::SplitMix64;

/// The inputs of every check: a batch, its labels and fixed weights.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// X, `[m, 784]`: the first m images of the split, pixels / 255.
    pub x: Array,
    /// The m labels.
    pub labels: Vec<usize>,
    /// Y, `[m, 10]`: one-hot labels.
    pub y: Array,
    /// W1 `[n_h, 784]`, b1 `[n_h, 1]`, W2 `[10, n_h]`, b2 `[10, 1]`.
    pub parameters: [Array; 4],
}

/// The lab's parameter names, in the order of [`Inputs::parameters`].
pub const PARAMETERS: [&str; 4] = ["W1", "b1", "W2", "b2"];

impl Inputs {
    /// The first `m` images of `split`, and weights drawn from `seed`: W ~ U(±√(1/n_in)) (the
    /// lab's Xavier) and b ~ U(±0.1), not zero, so that a forgotten bias shows.
    pub fn new(split: &MnistSplit, m: usize, hidden: usize, seed: u64) -> Self {
        let inputs = split.images.pixels_per_image();
        let x: Vec<f64> = split.images.pixels[..m * inputs]
            .iter()
            .map(|&p| f64::from(p))
            .collect();
        let labels: Vec<usize> = split.labels[..m].iter().map(|&l| usize::from(l)).collect();
        let mut y = vec![0.0; m * 10];
        for (i, &l) in labels.iter().enumerate() {
            y[i * 10 + l] = 1.0;
        }
        let mut rng = SplitMix64::new(seed);
        let mut uniform = |count: usize, bound: f64| -> Vec<f64> {
            (0..count)
                .map(|_| {
                    let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                    (2.0 * u - 1.0) * bound
                })
                .collect()
        };
        let w1 = uniform(hidden * inputs, (1.0 / inputs as f64).sqrt());
        let b1 = uniform(hidden, 0.1);
        let w2 = uniform(10 * hidden, (1.0 / hidden as f64).sqrt());
        let b2 = uniform(10, 0.1);
        Self {
            x: Array::matrix(m, inputs, x),
            labels,
            y: Array::matrix(m, 10, y),
            parameters: [
                Array::matrix(hidden, inputs, w1),
                Array::matrix(hidden, 1, b1),
                Array::matrix(10, hidden, w2),
                Array::matrix(10, 1, b2),
            ],
        }
    }

    /// m, the batch size.
    pub fn m(&self) -> usize {
        self.labels.len()
    }
}

/// The right answers for one hidden activation and head.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The hidden layer's activation.
    pub activation: Activation,
    /// The output head.
    pub head: Head,
    /// Z1, A1 `[m, n_h]`; Z2, A2 `[m, 10]`.
    pub z1: Array,
    pub a1: Array,
    pub z2: Array,
    pub a2: Array,
    /// dZ2 = m·∂J/∂Z2 (= A2 − Y), dA1 = m·∂J/∂A1, dZ1 = m·∂J/∂Z1, rows as examples: the lab
    /// writes them without the 1/m, which comes in dW and db.
    pub dz2: Array,
    pub da1: Array,
    pub dz1: Array,
    /// ∂J/∂W1, ∂J/∂b1, ∂J/∂W2, ∂J/∂b2 in the lab's orientation.
    pub gradients: [Array; 4],
    /// The lab's loss (with ε = 1e-8 in the logarithms).
    pub loss: f64,
    /// The fraction of the batch whose argmax of A2 is the label.
    pub accuracy: f64,
}

fn tensor(array: &Array, device: &Device) -> Tensor<2> {
    let (r, c) = array.dims2();
    Tensor::from_data(TensorData::new(array.data.clone(), [r, c]), device)
}

fn array<const D: usize>(tensor: Tensor<D>) -> Array {
    let data = tensor.into_data().convert::<f64>();
    let shape = data.shape().to_vec();
    Array::new(shape, data.try_to_vec::<f64>().expect("f64 values"))
}

fn targets(labels: &[usize], device: &Device) -> Tensor<1, Int> {
    let labels: Vec<i64> = labels.iter().map(|&l| l as i64).collect();
    let m = labels.len();
    Tensor::from_data(TensorData::new(labels, [m]), device)
}

/// Z2 and J from the hidden layer's output `a1` `[m, n_h]`.
fn output_layer(
    a1: Tensor<2>,
    w2: &Tensor<2>,
    b2: &Tensor<2>,
    head: Head,
    labels: &Tensor<1, Int>,
) -> (Tensor<2>, Tensor<1>) {
    let z2 = a1.matmul(w2.clone().transpose()) + b2.clone().transpose();
    let j = objective(head, z2.clone(), labels.clone());
    (z2, j)
}

/// The forward pass and every gradient, by Burn's autodiff on `device` (plain, set to f64):
/// one backward pass for the parameters, and one from each of Z2, A1 and Z1 taken as leaves.
pub fn reference(
    inputs: &Inputs,
    activation: Activation,
    head: Head,
    device: &Device,
) -> Reference {
    let ad = device.clone().autodiff();
    let m = inputs.m() as f64;
    let labels = targets(&inputs.labels, &ad);
    let x = tensor(&inputs.x, &ad);
    let [w1, b1, w2, b2] = inputs
        .parameters
        .clone()
        .map(|p| tensor(&p, &ad).require_grad());

    // The parameters' gradients.
    let z1 = x.clone().matmul(w1.clone().transpose()) + b1.clone().transpose();
    let a1 = activation.apply(z1.clone());
    let (z2, j) = output_layer(a1.clone(), &w2, &b2, head, &labels);
    let grads = j.backward();
    let gradient = |p: &Tensor<2>| array(p.grad(&grads).expect("a parameter of J"));
    let gradients = [gradient(&w1), gradient(&b1), gradient(&w2), gradient(&b2)];
    let a2 = head.probabilities(z2.clone().inner());
    let loss = lab_loss(head, z2.clone().inner(), labels.clone().inner()).into_scalar::<f64>();
    let predicted = a2.clone().argmax(1).reshape([inputs.m()]);
    let correct = predicted
        .equal(labels.clone().inner())
        .int()
        .sum()
        .into_scalar::<i64>();

    let (w2c, b2c) = (w2.clone().detach(), b2.clone().detach());
    // ∂J/∂Z2, Z2 as a leaf.
    let z2_leaf = z2.clone().detach().require_grad();
    let j2 = objective(head, z2_leaf.clone(), labels.clone());
    let dz2 = array(z2_leaf.grad(&j2.backward()).expect("Z2 is a leaf of J"));
    // ∂J/∂A1, A1 as a leaf.
    let a1_leaf = a1.clone().detach().require_grad();
    let (_, j1) = output_layer(a1_leaf.clone(), &w2c, &b2c, head, &labels);
    let da1 = array(a1_leaf.grad(&j1.backward()).expect("A1 is a leaf of J"));
    // ∂J/∂Z1, Z1 as a leaf.
    let z1_leaf = z1.clone().detach().require_grad();
    let (_, j0) = output_layer(activation.apply(z1_leaf.clone()), &w2c, &b2c, head, &labels);
    let dz1 = array(z1_leaf.grad(&j0.backward()).expect("Z1 is a leaf of J"));

    Reference {
        activation,
        head,
        z1: array(z1.inner()),
        a1: array(a1.inner()),
        z2: array(z2.inner()),
        a2: array(a2),
        dz2: dz2.scaled(m),
        da1: da1.scaled(m),
        dz1: dz1.scaled(m),
        gradients,
        loss,
        accuracy: correct as f64 / m,
    }
}

/// The values the element-wise functions are given: ordinary values and large |Z| (where
/// `np.exp` overflows), never exactly 0 (where ReLU's derivative is a convention).
pub fn elementwise_inputs() -> Array {
    Array::matrix(
        2,
        8,
        vec![
            -1000.0, -40.0, -5.0, -1.0, -0.5, 0.1, 0.5, 2.0, //
            3.0, 5.0, 10.0, 20.0, 40.0, 100.0, 710.0, 1000.0,
        ],
    )
}

/// The values softmax is given, one example per row `[4, 10]`: ordinary values, a ramp, large
/// logits (1000 and near it: `np.exp` overflows unless the maximum is subtracted), and a tie.
pub fn softmax_inputs() -> Array {
    let mut data = Vec::with_capacity(40);
    data.extend((0..10).map(|k| (k as f64 * 0.37).sin()));
    data.extend((0..10).map(|k| k as f64 - 4.5));
    data.extend((0..10).map(|k| 990.0 + k as f64));
    data.extend((0..10).map(|_| 2.0));
    Array::matrix(4, 10, data)
}

/// The right values of each element-wise function on `z`, by Burn: sigmoid, ReLU, ReLU's
/// derivative 1[Z > 0], tanh; and softmax over each row of `rows`.
pub fn elementwise(z: &Array, rows: &Array, device: &Device) -> ElementWise {
    let t = tensor(z, device);
    ElementWise {
        sigmoid: array(activation::sigmoid(t.clone())),
        relu: array(activation::relu(t.clone())),
        relu_derivative: array(t.clone().greater_elem(0.0).float()),
        tanh: array(t.tanh()),
        softmax: array(activation::softmax(tensor(rows, device), 1)),
    }
}

/// See [`elementwise`].
#[derive(Debug, Clone)]
pub struct ElementWise {
    pub sigmoid: Array,
    pub relu: Array,
    pub relu_derivative: Array,
    pub tanh: Array,
    /// Rows as examples, `[4, 10]`.
    pub softmax: Array,
}
