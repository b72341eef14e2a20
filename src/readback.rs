//! Reading tensor values back to the host, counted.
//!
//! On a GPU a read waits until the device has run everything queued before it, so a training
//! loop that reads once per step runs at the speed of the round trip, not of the arithmetic.
//! Training reads only through [`read_values`]: a fixed number of times per pass, whatever the
//! number of steps (see [`crate::train::watch`]); [`host_reads`] lets a test count them.

use std::sync::atomic::{AtomicU64, Ordering};

use burn::prelude::*;

static READS: AtomicU64 = AtomicU64::new(0);

/// The values of `parts`, concatenated, read from the device in one transfer (one counted read).
/// Empty `parts` read nothing.
///
/// # Shapes
/// - each of `parts`: `[n_i]`; returns `Σ n_i` values
pub fn read_values(parts: Vec<Tensor<1>>) -> Vec<f64> {
    if parts.is_empty() {
        return Vec::new();
    }
    READS.fetch_add(1, Ordering::Relaxed);
    Tensor::cat(parts, 0)
        .into_data()
        .convert::<f64>()
        .try_into_vec::<f64>()
        .expect("converted to f64")
}

/// Reads made through [`read_values`] by this process so far.
pub fn host_reads() -> u64 {
    READS.load(Ordering::Relaxed)
}
