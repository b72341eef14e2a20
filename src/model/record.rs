//! A model's parameters as a Burn burnpack record: encoded to bytes, and loaded into the
//! architecture a configuration describes.

use std::path::Path;

use burn::module::Module;
use burn::prelude::*;
use burn::store::ModuleRecord;

use super::mlp::{Mlp, MlpConfig};
use crate::error::{Error, Result};
use crate::files::missing_or_io;

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
pub fn load_record(model: &MlpConfig, path: &Path, device: &Device) -> Result<Mlp> {
    load_into(model.init(device), path)
}

/// Loads the burnpack record at `path` into `module` (any module whose parameters it holds).
pub fn load_into<M: Module>(module: M, path: &Path) -> Result<M> {
    let bytes = std::fs::read(path).map_err(|e| missing_or_io(path, e))?;
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
