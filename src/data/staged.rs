//! A split staged on a device once: all its pixels in one tensor and its labels in another, so
//! that a batch in file order is a slice of them (no copy, no allocation per batch), and a
//! shuffled batch one gather. Burn's data loader walks it through [`IndexDataset`] (items are
//! example indices) and [`StagedBatcher`].

use burn::data::dataloader::batcher::Batcher;
use burn::data::dataset::{Dataset, DatasetError};
use burn::prelude::*;

use super::batcher::MnistBatch;
use super::mnist::{Mnist, MnistSplit};

/// A split's examples as tensors on one device.
#[derive(Debug, Clone)]
pub struct StagedSplit {
    /// `[n, rows * cols]` pixels in `[0, 1]`.
    images: Tensor<2>,
    /// `[n]` digits 0–9.
    targets: Tensor<1, Int>,
}

impl StagedSplit {
    /// Copies `split` to `device` (one copy of its pixels, once).
    pub fn new(split: &MnistSplit, device: &Device) -> Self {
        let (n, width) = (split.len(), split.images.pixels_per_image());
        let pixels = split.images.pixels[..n * width].to_vec();
        let labels: Vec<i64> = split.labels.iter().map(|&l| i64::from(l)).collect();
        Self {
            images: Tensor::from_data(TensorData::new(pixels, [n, width]), device),
            targets: Tensor::from_data(TensorData::new(labels, [n]), device),
        }
    }

    /// Its first `count` examples (all when there are fewer): views, no copy.
    pub fn first(&self, count: usize) -> Self {
        let first = self.range(0..count.min(self.len()));
        Self {
            images: first.images,
            targets: first.targets,
        }
    }

    /// Examples in the split.
    pub fn len(&self) -> usize {
        self.targets.dims()[0]
    }

    /// Whether the split has no example.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Examples `range`, in file order: views of the staged tensors.
    ///
    /// # Shapes
    /// - images: `[range.len(), rows * cols]`, targets: `[range.len()]`
    pub fn range(&self, range: std::ops::Range<usize>) -> MnistBatch {
        MnistBatch {
            images: self.images.clone().slice([range.clone()]),
            targets: self.targets.clone().slice([range]),
        }
    }

    /// Examples `indices`, in that order: a run of consecutive indices is a view, any other
    /// order one gather.
    ///
    /// # Shapes
    /// - images: `[indices.len(), rows * cols]`, targets: `[indices.len()]`
    pub fn select(&self, indices: &[usize]) -> MnistBatch {
        let first = indices.first().copied().unwrap_or(0);
        let consecutive = indices
            .iter()
            .enumerate()
            .all(|(i, &index)| index == first + i);
        if consecutive {
            return self.range(first..first + indices.len());
        }
        let device = self.images.device();
        let picked: Vec<i64> = indices.iter().map(|&i| i as i64).collect();
        let picked = Tensor::<1, Int>::from_data(TensorData::new(picked, [indices.len()]), &device);
        MnistBatch {
            images: self.images.clone().select(0, picked.clone()),
            targets: self.targets.clone().select(0, picked),
        }
    }
}

/// Both splits of MNIST staged on one device, once for every run that shares them (a server
/// training several runs at once holds one copy, not one per run).
#[derive(Debug, Clone)]
pub struct StagedMnist {
    /// `[60000, 784]` images and `[60000]` labels for MNIST.
    pub train: StagedSplit,
    /// `[10000, 784]` images and `[10000]` labels for MNIST.
    pub test: StagedSplit,
}

impl StagedMnist {
    /// Copies both splits of `data` to `device`.
    pub fn new(data: &Mnist, device: &Device) -> Self {
        Self {
            train: StagedSplit::new(&data.train, device),
            test: StagedSplit::new(&data.test, device),
        }
    }
}

/// The indices `0..len` as a Burn dataset: what the data loader draws (and shuffles).
#[derive(Debug, Clone, Copy)]
pub struct IndexDataset {
    len: usize,
}

impl IndexDataset {
    /// The indices of a split of `len` examples.
    pub fn new(len: usize) -> Self {
        Self { len }
    }
}

impl Dataset<usize> for IndexDataset {
    fn get(&self, index: usize) -> Result<usize, DatasetError> {
        if index < self.len {
            Ok(index)
        } else {
            Err(DatasetError::new(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("index {index} out of bounds for {} items", self.len),
            )))
        }
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// Batches of a [`StagedSplit`] from the indices the data loader draws.
#[derive(Debug, Clone)]
pub struct StagedBatcher {
    staged: StagedSplit,
}

impl StagedBatcher {
    /// Batches of `staged`.
    pub fn new(staged: StagedSplit) -> Self {
        Self { staged }
    }
}

impl Batcher<usize, MnistBatch> for StagedBatcher {
    /// The examples `indices`, moved to `device` when the split is staged elsewhere.
    fn batch(&self, indices: Vec<usize>, device: &Device) -> MnistBatch {
        let batch = self.staged.select(&indices);
        if batch.images.device() == *device {
            batch
        } else {
            MnistBatch {
                images: batch.images.to_device(device),
                targets: batch.targets.to_device(device),
            }
        }
    }
}
