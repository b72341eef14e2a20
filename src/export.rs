//! Weights in the lab's layout, as safetensors: `W1` `[132, 784]`, `b1` `[132, 1]`, `W2`
//! `[10, 132]`, `b2` `[10, 1]`, then `W3`, `b3`, … for deeper nets (rows = output units,
//! float32). The lab's NumPy code loads them with `safetensors.numpy.load_file` and runs its own
//! `forward` (Z1 = X·W1ᵀ + b1ᵀ, …). Burn stores each `W` transposed and `b` flat; the
//! conversion happens here, in both directions.

use std::collections::HashMap;
use std::path::Path;

use burn::prelude::*;
use safetensors::SafeTensors;
use safetensors::tensor::{Dtype, TensorView};

use crate::error::{Error, Result};
use crate::files::{read_regular, write_atomic};
use crate::limits::MAX_WEIGHTS_FILE;
use crate::model::{Mlp, MlpConfig, parameter_names};

/// Writes the model's weights to `path` in the lab's layout.
pub fn export_lab_weights(model: &Mlp, path: &Path) -> Result<()> {
    write_atomic(path, &lab_weights_bytes(model, path)?)
}

/// The model's weights in the lab's layout, as the bytes of a safetensors file (`path` names
/// the file in an error).
pub fn lab_weights_bytes(model: &Mlp, path: &Path) -> Result<Vec<u8>> {
    let mut tensors: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (l, layer) in model.layers().enumerate() {
        let weight = layer.weight.val().transpose(); // [n_l, n_{l-1}]
        let shape = weight.dims().to_vec();
        tensors.push((format!("W{}", l + 1), shape, f32_bytes(weight.into_data())));
        let bias = layer.bias.as_ref().expect("layers have biases").val();
        let n = bias.dims()[0];
        tensors.push((
            format!("b{}", l + 1),
            vec![n, 1],
            f32_bytes(bias.into_data()),
        ));
    }
    let views = tensors
        .iter()
        .map(|(name, shape, bytes)| {
            let view =
                TensorView::new(Dtype::F32, shape.clone(), bytes).expect("shape matches bytes");
            (name.clone(), view)
        })
        .collect::<Vec<_>>();
    let metadata = HashMap::from([(
        "layout".to_string(),
        "lab: W_l [n_l, n_(l-1)], b_l [n_l, 1], float32".to_string(),
    )]);
    safetensors::serialize(views, Some(metadata)).map_err(|e| Error::Artifact {
        path: path.to_path_buf(),
        reason: format!("cannot encode safetensors ({e})"),
    })
}

/// Builds `config`'s model on `device` with the weights of the lab-layout file at `path`,
/// checking that every `W_l` and `b_l` is there with the shape the config implies.
pub fn import_lab_weights(config: &MlpConfig, path: &Path, device: &Device) -> Result<Mlp> {
    let bytes = read_regular(path, MAX_WEIGHTS_FILE).map_err(|e| Error::io(path, e))?;
    let file = SafeTensors::deserialize(&bytes).map_err(|e| Error::Artifact {
        path: path.to_path_buf(),
        reason: format!("not a safetensors file ({e})"),
    })?;
    let widths = config.widths();
    let layers = widths.len() - 1;
    let mismatch = |reason: String| Error::Artifact {
        path: path.to_path_buf(),
        reason,
    };
    let expected = parameter_names(layers);
    let mut extra: Vec<&str> = file
        .names()
        .into_iter()
        .filter(|n| !expected.iter().any(|e| e == *n))
        .collect();
    if !extra.is_empty() {
        extra.sort_unstable();
        return Err(mismatch(format!(
            "holds tensor(s) {}, but the architecture {} has only W1..W{layers}, b1..b{layers}",
            extra.join(", "),
            widths_text(&widths)
        )));
    }

    let mut model = config.init(device);
    let targets = model
        .hidden
        .iter_mut()
        .chain(std::iter::once(&mut model.output));
    for (l, layer) in targets.enumerate() {
        let (n_in, n_out) = (widths[l], widths[l + 1]);
        let weight = read_tensor(&file, &format!("W{}", l + 1), &[n_out, n_in], &mismatch)?;
        let bias = read_tensor(&file, &format!("b{}", l + 1), &[n_out, 1], &mismatch)?;
        let weight =
            Tensor::<2>::from_data(TensorData::new(weight, [n_out, n_in]), device).transpose(); // Burn layout [n_in, n_out]
        let bias = Tensor::<1>::from_data(TensorData::new(bias, [n_out]), device);
        layer.weight = layer.weight.clone().map(|_| weight);
        layer.bias = layer.bias.take().map(|b| b.map(|_| bias));
    }
    Ok(model)
}

/// Reads tensor `name` as f32, accepting `expected` or, for a bias `[n, 1]`, also `[n]`.
fn read_tensor(
    file: &SafeTensors,
    name: &str,
    expected: &[usize],
    mismatch: &dyn Fn(String) -> Error,
) -> Result<Vec<f32>> {
    let view = file.tensor(name).map_err(|_| {
        mismatch(format!(
            "has no tensor '{name}' (expected shape {expected:?})"
        ))
    })?;
    let shape = view.shape();
    let flat_bias = expected.len() == 2 && expected[1] == 1 && shape == [expected[0]];
    if shape != expected && !flat_bias {
        return Err(mismatch(format!(
            "tensor '{name}' has shape {shape:?}, the config needs {expected:?}"
        )));
    }
    let data = view.data();
    let values: Vec<f32> = match view.dtype() {
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        Dtype::F64 => data
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")) as f32)
            .collect(),
        other => {
            return Err(mismatch(format!(
                "tensor '{name}' is {other:?}, expected float32 or float64"
            )));
        }
    };
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(values),
        Some(index) => Err(mismatch(format!(
            "tensor '{name}' holds a non-finite value at flat index {index} (as float32), expected finite weights"
        ))),
    }
}

fn f32_bytes(data: TensorData) -> Vec<u8> {
    let values: Vec<f32> = data
        .convert::<f32>()
        .try_to_vec()
        .expect("converted to f32");
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn widths_text(widths: &[usize]) -> String {
    widths
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("-")
}
