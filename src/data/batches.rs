//! The one way every loop walks a split in batches: the SGD steps of both engines, the test
//! pass, the confusion matrix and the study. The split is staged on the device once; in file
//! order (the lab's) a batch is a view of a contiguous slice of it; shuffled, Burn's data
//! loader draws the order (one gather per batch), so that Burn's `Learner` and the manual
//! engine see the same batches from the same seed.

use std::sync::Arc;

use burn::data::dataloader::{DataLoader, DataLoaderBuilder};
use burn::prelude::*;

use super::batcher::MnistBatch;
use super::mnist::MnistSplit;
use super::staged::{IndexDataset, StagedBatcher, StagedSplit};
use crate::error::{Error, Result};

/// The order of the examples within an epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// File order, every epoch the same (the lab's).
    File,
    /// A new permutation each epoch, drawn from this seed.
    Shuffled(u64),
}

/// A shuffling data loader as built (for Burn's `Learner`, which moves it to its own device)
/// and one from the same seed on the device of the manual engine.
type Shuffled = (Loader, Loader);
type Loader = Arc<dyn DataLoader<MnistBatch>>;

/// The batches of one split: `batch_size` examples each (the last one may be smaller), over
/// the first `limit` examples when a limit is given.
#[derive(Clone)]
pub struct Batches {
    staged: StagedSplit,
    batch_size: usize,
    shuffled: Option<Shuffled>,
}

impl Batches {
    /// Batches of `batch_size` (≥ 1) over the first `limit` examples of `split` (all when
    /// `None`), in `order`, built on `device`.
    pub fn new(
        split: &MnistSplit,
        batch_size: usize,
        limit: Option<usize>,
        order: Order,
        device: &Device,
    ) -> Self {
        let split = match limit {
            Some(limit) => split.take(limit),
            None => split.clone(),
        };
        Self::from_staged(StagedSplit::new(&split, device), batch_size, order, device)
    }

    /// Batches of `batch_size` (≥ 1) over `staged` (already on `device`), in `order`.
    pub fn from_staged(
        staged: StagedSplit,
        batch_size: usize,
        order: Order,
        device: &Device,
    ) -> Self {
        let shuffled = match order {
            Order::File => None,
            Order::Shuffled(seed) => {
                // Two loaders from the same seed: moving one to a device draws from its
                // generator, which would change the order the other one gives.
                let build = || {
                    DataLoaderBuilder::new(StagedBatcher::new(staged.clone()))
                        .batch_size(batch_size)
                        .shuffle(seed)
                        .build(IndexDataset::new(staged.len()))
                };
                Some((build(), build().to_device(device)))
            }
        };
        Self {
            staged,
            batch_size: batch_size.max(1),
            shuffled,
        }
    }

    /// All of `split` in file order.
    pub fn in_order(split: &MnistSplit, batch_size: usize, device: &Device) -> Self {
        Self::new(split, batch_size, None, Order::File, device)
    }

    /// Examples per pass.
    pub fn images(&self) -> usize {
        self.staged.len()
    }

    /// Batches per pass.
    pub fn steps(&self) -> usize {
        self.images().div_ceil(self.batch_size)
    }

    /// One pass over the examples (an epoch); shuffled, each call draws a new order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = Result<MnistBatch>> + '_> {
        match &self.shuffled {
            Some((_, on_device)) => {
                Box::new(on_device.iter().map(|batch| {
                    batch.map_err(|e| Error::Training(format!("loading a batch: {e}")))
                }))
            }
            None => {
                let (size, total) = (self.batch_size, self.images());
                Box::new(
                    (0..total)
                        .step_by(size)
                        .map(move |start| Ok(self.staged.range(start..(start + size).min(total)))),
                )
            }
        }
    }

    /// The same batches as a Burn data loader, for Burn's `Learner` (which puts them on its
    /// own device).
    pub fn loader(&self) -> Loader {
        match &self.shuffled {
            Some((loader, _)) => Arc::clone(loader),
            None => DataLoaderBuilder::new(StagedBatcher::new(self.staged.clone()))
                .batch_size(self.batch_size)
                .build(IndexDataset::new(self.staged.len())),
        }
    }
}
