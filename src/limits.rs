//! Upper bounds on what a flag, a saved config or an input file may ask for.
//!
//! Each bound is far above any honest use (the lab's run: 784-132-10, batch 128, 10 epochs)
//! and below what would exhaust memory or run for years. Settings are checked against them
//! before anything is allocated from them; the error names the flag and the bound, and
//! `--help` shows them.

/// Most passes over the training set (`--epochs`).
pub const MAX_EPOCHS: usize = 100_000;

/// Most examples per SGD step (`--batch-size`): 65,536, above MNIST's 60,000 (full batch).
pub const MAX_BATCH_SIZE: usize = 65_536;

/// Most units in one hidden layer (`--hidden`, `--width`).
pub const MAX_WIDTH: usize = 16_384;

/// Most hidden layers (`--hidden`, `--depth`).
pub const MAX_HIDDEN_LAYERS: usize = 256;

/// Most weights and biases in one network: 100 million (400 MB in f32; the lab's has 103,510).
pub const MAX_PARAMETERS: usize = 100_000_000;

/// Most hidden activations in one batch, batch size × the sum of hidden widths
/// (2³⁰ values, 4 GiB in f32; the lab's batch holds 16,896).
pub const MAX_BATCH_ACTIVATIONS: usize = 1 << 30;

/// Largest σ of the normal initialisation (`--init-std`): beyond it every unit saturates.
pub const MAX_INIT_STD: f64 = 100.0;

/// Most entries per parameter checked by finite differences (`gradcheck --samples`); each
/// costs two forward passes.
pub const MAX_FD_SAMPLES: usize = 1_000;

/// Largest picture `predict --image` decodes, per side in pixels.
pub const MAX_IMAGE_SIDE: u32 = 8_192;

/// Largest `config.json` or `metrics.csv` read back (64 MiB).
pub const MAX_TEXT_FILE: u64 = 64 << 20;

/// Largest weights file read (`model.bpk`, `--init-from`): 1 GiB, above [`MAX_PARAMETERS`] in f64.
pub const MAX_WEIGHTS_FILE: u64 = 1 << 30;

/// Formats a count with thousands separators, e.g. `100,000,000`, for the error messages.
pub fn thousands(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(MAX_PARAMETERS), "100,000,000");
    }
}
