//! The lab's network written out in plain f64 Rust, independent of the library: its weights
//! read from the lab-layout safetensors that `backprop export` writes, and its forward pass,
//! reported loss (with ε) and backward pass for one example (m = 1), as the lab derives them.

use std::path::Path;

/// One layer of the lab's network: W `[n, n_prev]` row-major, b `[n]`.
pub struct Layer {
    pub n: usize,
    pub n_prev: usize,
    pub w: Vec<f64>,
    pub b: Vec<f64>,
}

/// The lab-layout weights `export` wrote, read with the safetensors crate.
pub fn exported(dir: &Path) -> Vec<Layer> {
    let file = dir.join("lab.safetensors");
    super::ok(&[
        "export",
        "--artifact-dir",
        dir.to_str().unwrap(),
        "--output",
        file.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&file).unwrap();
    let tensors = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let floats = |name: &str| -> (Vec<usize>, Vec<f64>) {
        let view = tensors.tensor(name).unwrap();
        let values = view
            .data()
            .chunks_exact(4)
            .map(|b| f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            .collect();
        (view.shape().to_vec(), values)
    };
    (1..)
        .take_while(|l| tensors.tensor(&format!("W{l}")).is_ok())
        .map(|l| {
            let (shape, w) = floats(&format!("W{l}"));
            let (_, b) = floats(&format!("b{l}"));
            Layer {
                n: shape[0],
                n_prev: shape[1],
                w,
                b,
            }
        })
        .collect()
}

/// What the lab's equations give for one example (m = 1), every layer in forward order.
pub struct Expected {
    pub z: Vec<Vec<f64>>,
    pub a: Vec<Vec<f64>>,
    pub delta: Vec<Vec<f64>>,
    pub dw: Vec<Vec<f64>>,
    pub loss: f64,
}

/// The lab's forward pass, loss (with its ε) and backward pass, written out in f64.
pub fn lab_equations(
    layers: &[Layer],
    x: &[f64],
    label: usize,
    activation: &str,
    head: &str,
) -> Expected {
    let f = |z: f64| match activation {
        "tanh" => z.tanh(),
        "sigmoid" => 1.0 / (1.0 + (-z).exp()),
        _ => z.max(0.0),
    };
    let f_prime = |z: f64, a: f64| match activation {
        "tanh" => 1.0 - a * a,
        "sigmoid" => a * (1.0 - a),
        _ => f64::from(u8::from(z > 0.0)),
    };
    let depth = layers.len();
    let mut activations = vec![x.to_vec()];
    let mut pre = Vec::new();
    for (l, layer) in layers.iter().enumerate() {
        let input = activations.last().unwrap();
        let z: Vec<f64> = (0..layer.n)
            .map(|j| {
                layer.b[j]
                    + (0..layer.n_prev)
                        .map(|i| layer.w[j * layer.n_prev + i] * input[i])
                        .sum::<f64>()
            })
            .collect();
        let a = if l + 1 < depth {
            z.iter().map(|&v| f(v)).collect()
        } else if head == "softmax-ce" {
            let top = z.iter().cloned().fold(f64::MIN, f64::max);
            let e: Vec<f64> = z.iter().map(|v| (v - top).exp()).collect();
            let sum: f64 = e.iter().sum();
            e.iter().map(|v| v / sum).collect()
        } else {
            z.iter().map(|v| 1.0 / (1.0 + (-v).exp())).collect()
        };
        pre.push(z);
        activations.push(a);
    }
    let y_hat = activations.last().unwrap();
    let y: Vec<f64> = (0..y_hat.len())
        .map(|k| f64::from(u8::from(k == label)))
        .collect();
    let loss = -(0..y.len())
        .map(|k| {
            let positive = y[k] * (y_hat[k] + 1e-8).ln();
            if head == "softmax-ce" {
                positive
            } else {
                positive + (1.0 - y[k]) * (1.0 - y_hat[k] + 1e-8).ln()
            }
        })
        .sum::<f64>();
    // δ_L = Ŷ − Y; dW_l = δ_lᵀ·A_{l−1}; δ_{l−1} = (δ_l·W_l) ⊙ f'(Z_{l−1}).
    let mut delta: Vec<f64> = y_hat.iter().zip(&y).map(|(p, t)| p - t).collect();
    let mut deltas = vec![Vec::new(); depth];
    let mut dws = vec![Vec::new(); depth];
    for l in (0..depth).rev() {
        let layer = &layers[l];
        let input = &activations[l];
        dws[l] = (0..layer.n)
            .flat_map(|j| input.iter().map(move |&a| (j, a)))
            .map(|(j, a)| delta[j] * a)
            .collect();
        deltas[l] = delta.clone();
        if l > 0 {
            delta = (0..layer.n_prev)
                .map(|i| {
                    let back: f64 = (0..layer.n)
                        .map(|j| delta[j] * layer.w[j * layer.n_prev + i])
                        .sum();
                    back * f_prime(pre[l - 1][i], activations[l][i])
                })
                .collect();
        }
    }
    Expected {
        z: pre,
        a: activations[1..].to_vec(),
        delta: deltas,
        dw: dws,
        loss,
    }
}
