//! A model's parameters as a Burn burnpack record: encoded to bytes, and loaded into the
//! architecture a configuration describes.

use std::path::Path;

use burn::module::Module;
use burn::prelude::*;
use burn::store::ModuleRecord;

use super::mlp::{Mlp, MlpConfig};
use super::names::parameter_names;
use crate::error::{Error, Result};
use crate::files::{missing_or_io, read_regular};
use crate::limits::MAX_WEIGHTS_FILE;

/// The burnpack bytes of `module`'s parameters (`path` is named in the error).
pub fn record_bytes<M: Module>(module: &M, path: &Path) -> Result<burn::tensor::Bytes> {
    module
        .clone()
        .into_record()
        .into_bytes()
        .map_err(|e| Error::Artifact {
            path: path.to_path_buf(),
            reason: format!("cannot encode the model ({e})"),
        })
}

/// Builds `model`'s architecture on `device` and loads the burnpack record at `path` into it;
/// the error names the file and says whether it is missing, not a record, or another shape.
/// A record whose weights are not all finite is refused (evaluating it would print NaN).
pub fn load_record(model: &MlpConfig, path: &Path, device: &Device) -> Result<Mlp> {
    let model = load_into(model.init(device), path)?;
    match first_non_finite(&model) {
        None => Ok(model),
        Some(name) => Err(Error::Artifact {
            path: path.to_path_buf(),
            reason: format!("parameter {name} holds NaN or infinite values"),
        }),
    }
}

/// The name (`W1`, `b1`, …) of the first parameter of `model` with a non-finite entry. A sum is
/// finite exactly when its entries are (short of an overflow near 3.4e38, unusable anyway);
/// the sums are read from the device in one transfer.
pub fn first_non_finite(model: &Mlp) -> Option<String> {
    let sums: Vec<Tensor<1>> = model
        .layers()
        .flat_map(|layer| {
            let bias = layer.bias.as_ref().map(|b| b.val().sum());
            std::iter::once(layer.weight.val().sum()).chain(bias)
        })
        .collect();
    let values = Tensor::cat(sums, 0)
        .into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .unwrap_or_default();
    let index = values.iter().position(|v| !v.is_finite())?;
    parameter_names(values.len() / 2).get(index).cloned()
}

/// Loads the burnpack record at `path` into `module` (any module whose parameters it holds).
pub fn load_into<M: Module>(module: M, path: &Path) -> Result<M> {
    let bytes = read_regular(path, MAX_WEIGHTS_FILE).map_err(|e| missing_or_io(path, e))?;
    let unfit = |reason: String| Error::Artifact {
        path: path.to_path_buf(),
        reason,
    };
    let record = ModuleRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes))
        .map_err(|e| unfit(format!("not a burnpack model record ({e})")))?;
    module.try_load_record(record).map_err(|e| {
        unfit(format!(
            "does not fit the architecture in config.json ({e})"
        ))
    })
}
