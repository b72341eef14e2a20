//! The right value of every quantity the lab asks for, in the student's convention, with the
//! known wrong values beside it: each mistake is recognised by computing what it gives.
//!
//! The handout puts examples in columns (X is `[784, m]`, Z1 = W1·X + b1); the notebook in rows
//! (X is `[m, 784]`, Z1 = X·W1ᵀ + b1ᵀ). Parameters and their gradients have the same shapes in
//! both: W `[n_out, n_in]`, b `[n_out, 1]`.

use super::array::Array;
use super::mistakes::Mistake;
use super::reference::{Inputs, Reference};
use super::verdict::Variant;
use crate::model::{Activation, Head};

/// Where a student's lab puts the examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    /// TP 3's handout: examples are columns.
    Handout,
    /// The notebook: examples are rows.
    Notebook,
}

impl Convention {
    /// `handout` or `notebook`, as the harness names them.
    pub fn name(self) -> &'static str {
        match self {
            Convention::Handout => "handout",
            Convention::Notebook => "notebook",
        }
    }

    /// The convention named `name` by the harness.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "handout" => Some(Convention::Handout),
            "notebook" => Some(Convention::Notebook),
            _ => None,
        }
    }

    /// The activation and head each convention's lab prescribes.
    pub fn prescribed(self) -> (Activation, Head) {
        match self {
            Convention::Handout => (Activation::Sigmoid, Head::SigmoidBce),
            Convention::Notebook => (Activation::Tanh, Head::SoftmaxCe),
        }
    }
}

/// The right values and their wrong variants for one student's convention.
pub struct Lab<'a> {
    pub inputs: &'a Inputs,
    pub reference: &'a Reference,
    pub convention: Convention,
}

impl Lab<'_> {
    fn m(&self) -> f64 {
        self.inputs.m() as f64
    }

    /// A per-example quantity (rows are examples) in the student's layout.
    pub fn lay(&self, rows: &Array) -> Array {
        match self.convention {
            Convention::Handout => rows.t(),
            Convention::Notebook => rows.clone(),
        }
    }

    /// f'(Z1) as the lab writes it, from A1 (tanh: 1 − A1², sigmoid: A1(1 − A1)) or Z1 (ReLU).
    fn derivative(&self) -> Array {
        let r = self.reference;
        match r.activation {
            Activation::Tanh => r.a1.map(|a| 1.0 - a * a),
            Activation::Sigmoid => r.a1.map(|a| a * (1.0 - a)),
            Activation::Relu => r.z1.map(|z| if z > 0.0 { 1.0 } else { 0.0 }),
        }
    }

    /// dW2 = dZ2ᵀ·A1 / m from `dz2` (rows).
    fn dw2_from(&self, dz2: &Array) -> Array {
        dz2.t().matmul(&self.reference.a1).scaled(1.0 / self.m())
    }

    /// db2 = Σ_examples dZ2 / m, `[10, 1]`.
    fn db_from(&self, dz: &Array) -> Array {
        dz.sum_axis(0).t().scaled(1.0 / self.m())
    }

    /// dA1 = dZ2·W2 (rows).
    fn da1_from(&self, dz2: &Array) -> Array {
        dz2.matmul(&self.inputs.parameters[2])
    }

    /// dW1 = dZ1ᵀ·X / m.
    fn dw1_from(&self, dz1: &Array) -> Array {
        dz1.t().matmul(&self.inputs.x).scaled(1.0 / self.m())
    }

    /// The wrong dZ2s (rows).
    fn dz2_wrong(&self) -> Vec<Variant> {
        let r = self.reference;
        let mut wrong = vec![
            Variant::new(Mistake::ExtraOneOverM, r.dz2.scaled(1.0 / self.m())),
            Variant::new(Mistake::Sign, r.dz2.scaled(-1.0)),
        ];
        if r.head == Head::SigmoidBce {
            let prime = r.a2.map(|a| a * (1.0 - a));
            wrong.push(Variant::new(
                Mistake::SigmoidPrimeInOutput,
                r.dz2.zip(&prime, |d, p| d * p),
            ));
        }
        wrong
    }

    /// The wrong dA1s (rows): those of dZ2 carried over, and dZ1 in its place.
    fn da1_wrong(&self) -> Vec<Variant> {
        let mut wrong: Vec<Variant> = self
            .dz2_wrong()
            .into_iter()
            .map(|v| Variant::new(v.mistake, self.da1_from(&v.value)).through("dZ2"))
            .collect();
        wrong.push(Variant::new(
            Mistake::DerivativeAlreadyApplied,
            self.reference.dz1.clone(),
        ));
        wrong
    }

    /// The wrong dZ1s (rows): dA1's carried over, and the derivative's own mistakes.
    fn dz1_wrong(&self) -> Vec<Variant> {
        let r = self.reference;
        let derivative = self.derivative();
        let mut wrong: Vec<Variant> = self
            .da1_wrong()
            .into_iter()
            .filter(|v| v.mistake != Mistake::DerivativeAlreadyApplied)
            .map(|v| {
                let value = v.value.zip(&derivative, |d, f| d * f);
                Variant {
                    mistake: v.mistake,
                    value,
                }
            })
            .collect();
        let times = |f: Array| r.da1.zip(&f, |d, f| d * f);
        match r.activation {
            Activation::Tanh => {
                wrong.push(Variant::new(
                    Mistake::SigmoidDerivativeForTanh,
                    times(r.a1.map(|a| a * (1.0 - a))),
                ));
                wrong.push(Variant::new(
                    Mistake::DerivativeOfZ,
                    times(r.z1.map(|z| 1.0 - z * z)),
                ));
            }
            Activation::Sigmoid => {
                wrong.push(Variant::new(
                    Mistake::TanhDerivativeForSigmoid,
                    times(r.a1.map(|a| 1.0 - a * a)),
                ));
                wrong.push(Variant::new(
                    Mistake::DerivativeOfZ,
                    times(r.z1.map(|z| z * (1.0 - z))),
                ));
            }
            Activation::Relu => {}
        }
        wrong.push(Variant::new(Mistake::DerivativeMissing, r.da1.clone()));
        wrong.push(Variant::new(
            Mistake::ExtraOneOverM,
            r.dz1.scaled(1.0 / self.m()),
        ));
        wrong
    }

    /// The wrong shapes of a bias gradient `db` `[n, 1]` computed from `dz` (rows).
    fn db_shapes(&self, db: &Array, dz: &Array) -> Vec<Variant> {
        let n = db.shape[0];
        let m = self.inputs.m();
        // Summed over the units: in the student's layout that is the other axis.
        let over_units = dz.sum_axis(1).scaled(1.0 / self.m()); // [m, 1]
        let laid = match self.convention {
            Convention::Handout => over_units.t(), // [1, m]
            Convention::Notebook => over_units.clone(),
        };
        vec![
            Variant::new(Mistake::KeepdimsMissing, db.reshaped(vec![n])),
            Variant::new(Mistake::Transposed, db.t()),
            Variant::new(Mistake::WrongAxis, laid.clone()),
            Variant::new(Mistake::WrongAxis, laid.reshaped(vec![m])),
            Variant::new(Mistake::NoAxis, Array::scalar(dz.total() / self.m())),
            Variant::new(
                Mistake::MissingOneOverM,
                db.reshaped(vec![n]).scaled(self.m()),
            ),
        ]
    }

    /// dZ2 in the student's layout, with its wrong variants.
    pub fn dz2(&self) -> (Array, Vec<Variant>) {
        self.laid(&self.reference.dz2, self.dz2_wrong())
    }

    /// dA1 in the student's layout, with its wrong variants.
    pub fn da1(&self) -> (Array, Vec<Variant>) {
        self.laid(&self.reference.da1, self.da1_wrong())
    }

    /// dZ1 in the student's layout, with its wrong variants.
    pub fn dz1(&self) -> (Array, Vec<Variant>) {
        self.laid(&self.reference.dz1, self.dz1_wrong())
    }

    fn laid(&self, right: &Array, wrong: Vec<Variant>) -> (Array, Vec<Variant>) {
        let wrong = wrong
            .into_iter()
            .map(|v| Variant {
                mistake: v.mistake,
                value: self.lay(&v.value),
            })
            .collect();
        (self.lay(right), wrong)
    }

    /// dW2, with its wrong variants.
    pub fn dw2(&self) -> (Array, Vec<Variant>) {
        let r = self.reference;
        let right = r.gradients[2].clone();
        let mut wrong: Vec<Variant> = self
            .dz2_wrong()
            .into_iter()
            .map(|v| Variant::new(v.mistake, self.dw2_from(&v.value)).through("dZ2"))
            .collect();
        wrong.push(Variant::new(
            Mistake::Z1ForA1,
            r.dz2.t().matmul(&r.z1).scaled(1.0 / self.m()),
        ));
        wrong.push(Variant::new(Mistake::Transposed, right.t()));
        (right, wrong)
    }

    /// db2, with its wrong variants.
    pub fn db2(&self) -> (Array, Vec<Variant>) {
        let r = self.reference;
        let right = r.gradients[3].clone();
        let mut wrong: Vec<Variant> = self
            .dz2_wrong()
            .into_iter()
            .map(|v| Variant::new(v.mistake, self.db_from(&v.value)).through("dZ2"))
            .collect();
        wrong.extend(self.db_shapes(&right, &r.dz2));
        (right, wrong)
    }

    /// dW1, with its wrong variants.
    pub fn dw1(&self) -> (Array, Vec<Variant>) {
        let right = self.reference.gradients[0].clone();
        let mut wrong: Vec<Variant> = self
            .dz1_wrong()
            .into_iter()
            .map(|v| Variant::new(v.mistake, self.dw1_from(&v.value)).through("dZ1"))
            .collect();
        wrong.push(Variant::new(Mistake::Transposed, right.t()));
        (right, wrong)
    }

    /// db1, with its wrong variants.
    pub fn db1(&self) -> (Array, Vec<Variant>) {
        let r = self.reference;
        let right = r.gradients[1].clone();
        let mut wrong: Vec<Variant> = self
            .dz1_wrong()
            .into_iter()
            .map(|v| Variant::new(v.mistake, self.db_from(&v.value)).through("dZ1"))
            .collect();
        wrong.extend(self.db_shapes(&right, &r.dz1));
        (right, wrong)
    }

    /// A downstream gradient computed from the student's own upstream value `upstream` (in the
    /// student's layout): dW2, db2, dA1 from dZ2; dZ1 from dA1; dW1, db1 from dZ1.
    pub fn from_students(&self, quantity: &str, upstream: &Array) -> Option<Array> {
        let rows = match self.convention {
            Convention::Handout => upstream.t(),
            Convention::Notebook => upstream.clone(),
        };
        let m = self.inputs.m();
        let width = match quantity {
            "dW2" | "db2" | "dA1" => 10,
            _ => self.reference.z1.shape[1],
        };
        if rows.shape != [m, width] {
            return None;
        }
        Some(match quantity {
            "dW2" => self.dw2_from(&rows),
            "db2" | "db1" => self.db_from(&rows),
            "dA1" => self.lay(&self.da1_from(&rows)),
            "dZ1" => self.lay(&rows.zip(&self.derivative(), |d, f| d * f)),
            "dW1" => self.dw1_from(&rows),
            _ => return None,
        })
    }

    /// Z1 in the student's layout, with a forgotten bias beside it.
    pub fn z1(&self) -> (Array, Vec<Variant>) {
        let no_bias = self.inputs.x.matmul(&self.inputs.parameters[0].t());
        let wrong = vec![Variant::new(Mistake::BiasMissing("b1"), no_bias)];
        self.laid(&self.reference.z1, wrong)
    }

    /// A1 in the student's layout.
    pub fn a1(&self) -> (Array, Vec<Variant>) {
        let r = self.reference;
        let no_bias = self
            .inputs
            .x
            .matmul(&self.inputs.parameters[0].t())
            .map(|z| apply(r.activation, z));
        let wrong = vec![Variant::new(Mistake::BiasMissing("b1"), no_bias)];
        self.laid(&r.a1, wrong)
    }

    /// Z2 in the student's layout, with a forgotten bias beside it.
    pub fn z2(&self) -> (Array, Vec<Variant>) {
        let no_bias = self.reference.a1.matmul(&self.inputs.parameters[2].t());
        let wrong = vec![Variant::new(Mistake::BiasMissing("b2"), no_bias)];
        self.laid(&self.reference.z2, wrong)
    }

    /// A2 in the student's layout, with softmax over the wrong axis beside it.
    pub fn a2(&self) -> (Array, Vec<Variant>) {
        let r = self.reference;
        // Through a forgotten b1: A2 of tanh(X·W1ᵀ)·W2ᵀ + b2.
        let a1 = self
            .inputs
            .x
            .matmul(&self.inputs.parameters[0].t())
            .map(|z| apply(r.activation, z));
        let b2 = &self.inputs.parameters[3];
        let z2 = a1.matmul(&self.inputs.parameters[2].t());
        let z2 = Array::matrix(
            z2.shape[0],
            z2.shape[1],
            z2.data
                .iter()
                .enumerate()
                .map(|(i, z)| z + b2.data[i % z2.shape[1]])
                .collect(),
        );
        let a2 = match r.head {
            Head::SoftmaxCe => softmax_rows(&z2),
            Head::SigmoidBce => z2.map(|z| apply(Activation::Sigmoid, z)),
        };
        let mut wrong = vec![Variant::new(Mistake::BiasMissing("b1"), a2)];
        if r.head == Head::SoftmaxCe {
            wrong.push(Variant::new(
                Mistake::SoftmaxWrongAxis,
                softmax_rows(&r.z2.t()).t(),
            ));
        }
        self.laid(&r.a2, wrong)
    }

    /// The lab's loss on the reference A2, with the known wrong losses.
    pub fn loss(&self) -> (Array, Vec<Variant>) {
        let r = self.reference;
        let y = &self.inputs.y;
        let eps = crate::loss::LAB_EPSILON;
        let m = self.m();
        let terms = |log: &dyn Fn(f64) -> f64, both: bool| -> f64 {
            let mut sum = 0.0;
            for (&a, &t) in r.a2.data.iter().zip(&y.data) {
                sum += t * log(a + eps);
                if both && r.head == Head::SigmoidBce {
                    sum += (1.0 - t) * log(1.0 - a + eps);
                }
            }
            -sum
        };
        let sum = terms(&f64::ln, true);
        let mut wrong = vec![
            Variant::new(Mistake::LossMeanAll, Array::scalar(sum / (m * 10.0))),
            Variant::new(Mistake::LossNoMean, Array::scalar(sum)),
            Variant::new(Mistake::Sign, Array::scalar(-r.loss)),
            Variant::new(Mistake::Log10, Array::scalar(terms(&f64::log10, true) / m)),
        ];
        if r.head == Head::SigmoidBce {
            wrong.push(Variant::new(
                Mistake::BceHalf,
                Array::scalar(terms(&f64::ln, false) / m),
            ));
        }
        (Array::scalar(r.loss), wrong)
    }
}

/// The activation of one value.
pub fn apply(activation: Activation, z: f64) -> f64 {
    match activation {
        Activation::Tanh => z.tanh(),
        Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
        Activation::Relu => z.max(0.0),
    }
}

/// Softmax of each row, stabilised.
pub fn softmax_rows(z: &Array) -> Array {
    let (r, c) = z.dims2();
    let mut out = z.data.clone();
    for row in out.chunks_mut(c.max(1)).take(r) {
        let max = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let mut sum = 0.0;
        for x in row.iter_mut() {
            *x = (*x - max).exp();
            sum += *x;
        }
        for x in row.iter_mut() {
            *x /= sum;
        }
    }
    Array::matrix(r, c, out)
}
