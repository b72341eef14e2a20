//! Data: IDX files on disk → normalised buffers → Burn `Dataset` items → `[batch, 784]` tensors
//! (a split staged on the device once, batches its slices), walked in [`Batches`].

pub mod batcher;
pub mod batches;
pub mod centering;
pub mod idx;
pub mod mnist;
pub mod staged;

pub use batcher::{MnistBatch, MnistBatcher, MnistDataset, MnistItem};
pub use batches::{Batches, Order};
pub use centering::mnist_centered;
pub use mnist::{Images, Mnist, MnistSplit, Split, default_data_dir};
pub use staged::{IndexDataset, StagedBatcher, StagedMnist, StagedSplit};
