//! The lab's backward pass on one example, every intermediate kept for a student to read: each
//! layer's Z_l, A_l, f'(Z_l), δ_l, W_l, dW_l and db_l from the manual equations
//! ([`crate::gradients::manual`]), Burn's autodiff gradients beside them with the largest
//! difference, and the loss before and after one SGD step on the example alone.
//!
//! m = 1 here, so δ_L = Ŷ − Y and dW_l = δ_lᵀ·A_{l−1} with no division. Matrices come in the
//! lab's orientation (rows are a layer's units: W_l and dW_l are `[n_l, n_{l−1}]`, row-major),
//! as `export` writes them.

use burn::prelude::*;

use crate::gradients::equations::activation_derivative;
use crate::gradients::manual::{backward_with_deltas, forward, sgd_step};
use crate::gradients::{Difference, Precision, autodiff_gradients, difference};
use crate::loss::{lab_loss, one_hot};
use crate::model::Mlp;

/// A matrix in the lab's orientation: `rows` × `columns` values, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// n_l: one row per unit of the layer.
    pub rows: usize,
    /// n_{l−1}: one column per input of the layer.
    pub columns: usize,
    /// `rows × columns` values, row by row.
    pub values: Vec<f32>,
}

impl Matrix {
    /// The matrix as a list of rows (one slice per unit).
    pub fn by_row(&self) -> Vec<&[f32]> {
        self.values.chunks(self.columns.max(1)).collect()
    }

    /// `self − start`, entry by entry (the same shape).
    pub fn minus(&self, start: &Matrix) -> Matrix {
        assert_eq!(
            (self.rows, self.columns),
            (start.rows, start.columns),
            "one shape"
        );
        Matrix {
            rows: self.rows,
            columns: self.columns,
            values: self
                .values
                .iter()
                .zip(&start.values)
                .map(|(a, b)| a - b)
                .collect(),
        }
    }

    /// A Burn-layout weight or gradient `[n_{l−1}, n_l]`, transposed to the lab's `[n_l, n_{l−1}]`.
    fn from_burn_layout(tensor: Tensor<2>) -> Self {
        let lab = tensor.transpose(); // [n_l, n_{l−1}]
        let [rows, columns] = lab.dims();
        Self {
            rows,
            columns,
            values: values(lab),
        }
    }
}

/// One weight layer of the pass, forward and backward (vectors have the layer's n_l values).
#[derive(Debug, Clone)]
pub struct LayerPass {
    /// Z_l = A_{l−1}·W_lᵀ + b_l.
    pub z: Vec<f32>,
    /// A_l = f(Z_l) for a hidden layer; Ŷ = head(Z_L) for the output layer.
    pub a: Vec<f32>,
    /// f'(Z_l) for a hidden layer (tanh' = 1 − A², sigmoid' = A(1 − A), relu' = 1[Z > 0]);
    /// none for the output layer, whose δ comes from the head.
    pub derivative: Option<Vec<f32>>,
    /// δ_l = ∂J/∂Z_l: Ŷ − Y for the output layer, (δ_{l+1}·W_{l+1}) ⊙ f'(Z_l) below it.
    pub delta: Vec<f32>,
    /// W_l, `[n_l, n_{l−1}]`.
    pub weight: Matrix,
    /// b_l.
    pub bias: Vec<f32>,
    /// dW_l = δ_lᵀ·A_{l−1}, `[n_l, n_{l−1}]`, by the manual equations.
    pub weight_grad: Matrix,
    /// db_l = δ_l, by the manual equations.
    pub bias_grad: Vec<f32>,
    /// dW_l from Burn's autodiff of the exact objective.
    pub autodiff_weight_grad: Matrix,
    /// db_l from Burn's autodiff.
    pub autodiff_bias_grad: Vec<f32>,
    /// Largest |manual − autodiff| over this layer's dW and db.
    pub autodiff_max_abs_diff: f64,
    /// Every entry of dW and db within the f32 criterion |a − b| ≤ 1e-5 + 1e-4·|b|.
    pub within_tolerance: bool,
}

/// The whole pass on one example.
#[derive(Debug, Clone)]
pub struct BackwardPass {
    /// X, the example's pixels, `[inputs]`.
    pub input: Vec<f32>,
    /// Its class.
    pub label: usize,
    /// Y, one-hot, `[outputs]`.
    pub target: Vec<f32>,
    /// The lab's reported loss (with its ε inside the logarithms).
    pub loss: f64,
    /// The same loss after one SGD step of `lr` on this example alone.
    pub loss_after_step: f64,
    /// η of that step.
    pub lr: f64,
    /// One entry per weight layer, input side first.
    pub layers: Vec<LayerPass>,
}

/// Runs the lab's forward and backward passes on one example, with Burn's autodiff beside
/// them and one SGD step of `lr` (the model itself is not changed).
///
/// # Shapes
/// - `pixels`: `[inputs]`; `label` < outputs
pub fn backward_pass(
    model: &Mlp,
    pixels: &[f32],
    label: usize,
    lr: f64,
    device: &Device,
) -> BackwardPass {
    let images =
        Tensor::<2>::from_data(TensorData::new(pixels.to_vec(), [1, pixels.len()]), device);
    let targets = Tensor::<1, Int>::from_data(TensorData::new(vec![label as i64], [1]), device);
    let cache = forward(model, images.clone());
    let (gradients, deltas) = backward_with_deltas(model, &cache, targets.clone());
    let reference = autodiff_gradients(
        &model.clone().train(),
        images.clone().autodiff(),
        targets.clone(),
    );
    let [_, classes] = cache.probabilities().dims();
    let loss_of = |model: &Mlp| {
        let logits = model.forward(images.clone());
        f64::from(lab_loss(model.head, logits, targets.clone()).into_scalar::<f32>())
    };
    let loss = loss_of(model);
    let loss_after_step = loss_of(&sgd_step(model.clone(), gradients.clone(), lr));

    let depth = gradients.len();
    let layers = model
        .layers()
        .zip(gradients.iter().zip(&reference))
        .zip(deltas)
        .enumerate()
        .map(|(l, ((layer, (manual, autodiff)), delta))| {
            let a = cache.activations[l + 1].clone();
            let derivative = (l + 1 < depth).then(|| {
                values(activation_derivative(
                    model.activation,
                    cache.pre_activations[l].clone(),
                    a.clone(),
                ))
            });
            let weight_grad = Matrix::from_burn_layout(manual.weight.clone());
            let bias_grad = values(manual.bias.clone().unsqueeze::<2>());
            let autodiff_weight_grad = Matrix::from_burn_layout(autodiff.weight.clone());
            let autodiff_bias_grad = values(autodiff.bias.clone().unsqueeze::<2>());
            let weights_apart = compare(&weight_grad.values, &autodiff_weight_grad.values);
            let biases_apart = compare(&bias_grad, &autodiff_bias_grad);
            LayerPass {
                z: values(cache.pre_activations[l].clone()),
                a: values(a),
                derivative,
                delta: values(delta),
                weight: Matrix::from_burn_layout(layer.weight.val()),
                bias: values(
                    layer
                        .bias
                        .as_ref()
                        .expect("layers have biases")
                        .val()
                        .unsqueeze::<2>(),
                ),
                weight_grad,
                bias_grad,
                autodiff_weight_grad,
                autodiff_bias_grad,
                autodiff_max_abs_diff: weights_apart.max_abs.max(biases_apart.max_abs),
                within_tolerance: weights_apart.within_tolerance && biases_apart.within_tolerance,
            }
        })
        .collect();
    BackwardPass {
        input: pixels.to_vec(),
        label,
        target: values(one_hot(targets, classes)),
        loss,
        loss_after_step,
        lr,
        layers,
    }
}

/// Manual (`a`) against autodiff (`b`), entry by entry, with the f32 criterion.
fn compare(a: &[f32], b: &[f32]) -> Difference {
    let wide = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<f64>>();
    difference(&wide(a), &wide(b), Precision::F32)
}

/// The first layer's weights in the lab's orientation, its first `max_units` rows only: row j
/// is what unit j responds to (28×28 for MNIST).
///
/// # Shapes
/// - returns `[min(n_1, max_units), inputs]`
pub fn first_layer_units(model: &Mlp, max_units: usize) -> Matrix {
    let weight = model
        .layers()
        .next()
        .expect("at least one layer")
        .weight
        .val(); // [inputs, n_1]
    let [inputs, units] = weight.dims();
    Matrix::from_burn_layout(weight.slice([0..inputs, 0..units.min(max_units)]))
}

/// A tensor's values as f32, row-major.
fn values(tensor: Tensor<2>) -> Vec<f32> {
    tensor
        .into_data()
        .convert::<f32>()
        .try_to_vec()
        .expect("converted to f32")
}
