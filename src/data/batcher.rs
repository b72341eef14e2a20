//! Burn `Dataset` and `Batcher` over an [`MnistSplit`]: items are cheap handles into the shared
//! pixel buffer, and a batch is one slice copy per image into one tensor.

use std::sync::Arc;

use burn::data::dataloader::batcher::Batcher;
use burn::data::dataset::{Dataset, DatasetError};
use burn::prelude::*;

use super::mnist::{Images, MnistSplit};

/// One example: a handle to its image in the shared buffer, and its label.
#[derive(Debug, Clone)]
pub struct MnistItem {
    images: Arc<Images>,
    index: usize,
    /// The digit, 0–9.
    pub label: u8,
}

impl MnistItem {
    /// The normalised pixels, `[rows * cols]`.
    pub fn pixels(&self) -> &[f32] {
        self.images.image(self.index)
    }
}

/// A Burn dataset over one split.
#[derive(Debug, Clone)]
pub struct MnistDataset {
    split: MnistSplit,
}

impl MnistDataset {
    /// Wraps a loaded split.
    pub fn new(split: MnistSplit) -> Self {
        Self { split }
    }
}

impl Dataset<MnistItem> for MnistDataset {
    fn get(&self, index: usize) -> Result<MnistItem, DatasetError> {
        let label = *self.split.labels.get(index).ok_or_else(|| {
            DatasetError::new(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("index {index} out of bounds for {} items", self.split.len()),
            ))
        })?;
        Ok(MnistItem {
            images: Arc::clone(&self.split.images),
            index,
            label,
        })
    }

    fn len(&self) -> usize {
        self.split.len()
    }
}

/// A batch of examples on a device.
#[derive(Debug, Clone)]
pub struct MnistBatch {
    /// `[batch, rows * cols]` pixels in `[0, 1]`.
    pub images: Tensor<2>,
    /// `[batch]` digits 0–9.
    pub targets: Tensor<1, Int>,
}

/// Builds [`MnistBatch`]es from one flat buffer per batch.
#[derive(Debug, Clone, Default)]
pub struct MnistBatcher;

impl Batcher<MnistItem, MnistBatch> for MnistBatcher {
    fn batch(&self, items: Vec<MnistItem>, device: &Device) -> MnistBatch {
        let width = items.first().map_or(0, |item| item.pixels().len());
        let mut pixels = Vec::with_capacity(items.len() * width);
        for item in &items {
            pixels.extend_from_slice(item.pixels());
        }
        let labels: Vec<i64> = items.iter().map(|item| i64::from(item.label)).collect();
        MnistBatch {
            images: Tensor::from_data(TensorData::new(pixels, [items.len(), width]), device),
            targets: Tensor::from_data(TensorData::new(labels, [items.len()]), device),
        }
    }
}

impl MnistBatch {
    /// Examples `range` of `split`, in file order, as one batch (a single copy of the pixels).
    ///
    /// # Shapes
    /// - images: `[range.len(), rows * cols]`, targets: `[range.len()]`
    pub fn from_range(split: &MnistSplit, range: std::ops::Range<usize>, device: &Device) -> Self {
        let width = split.images.pixels_per_image();
        let m = range.len();
        let pixels = split.images.pixels[range.start * width..range.end * width].to_vec();
        let labels: Vec<i64> = split.labels[range].iter().map(|&l| i64::from(l)).collect();
        MnistBatch {
            images: Tensor::from_data(TensorData::new(pixels, [m, width]), device),
            targets: Tensor::from_data(TensorData::new(labels, [m]), device),
        }
    }
}
