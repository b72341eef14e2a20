//! Data: IDX files on disk → normalised buffers → Burn `Dataset` items → `[batch, 784]` tensors.

pub mod batcher;
pub mod idx;
pub mod mnist;

pub use batcher::{MnistBatch, MnistBatcher, MnistDataset, MnistItem};
pub use mnist::{Images, Mnist, MnistSplit, Split, default_data_dir};
