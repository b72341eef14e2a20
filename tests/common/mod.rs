//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod class;
pub mod fixture;
pub mod hostile;
pub mod lab;
pub mod server;

use std::io::Write;
use std::path::{Path, PathBuf};

use backprop::data::{Mnist, default_data_dir};

/// The real MNIST files shipped in `data/mnist`.
pub fn mnist() -> Mnist {
    Mnist::load(&default_data_dir()).expect("the shipped MNIST files load")
}

/// Trains `config` on `data` on the default device, silently, into a temporary directory
/// removed afterwards.
pub fn train_silently(
    config: &backprop::train::TrainingConfig,
    data: &Mnist,
) -> backprop::Result<backprop::run::TrainOutcome> {
    let dir = tempfile::tempdir().unwrap();
    backprop::run::train(
        config,
        data,
        &burn::prelude::Device::default(),
        &backprop::artifacts::ArtifactDir::new(dir.path()),
        backprop::train::shared(backprop::train::Silent),
    )
}

/// Bytes of an IDX file of unsigned bytes with the given dimensions.
pub fn idx_bytes(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 0x08, dims.len() as u8];
    for d in dims {
        bytes.extend_from_slice(&d.to_be_bytes());
    }
    bytes.extend_from_slice(data);
    bytes
}

/// Writes `bytes` to `dir/name`, gzip-compressing when the name ends in `.gz`.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if name.ends_with(".gz") {
        let file = std::fs::File::create(&path).unwrap();
        let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap();
    } else {
        std::fs::write(&path, bytes).unwrap();
    }
    path
}

/// A directory holding a small valid MNIST-format dataset (`n` train and `n` test images of
/// `rows`×`cols`), uncompressed.
pub fn tiny_dataset(n: u32, rows: u32, cols: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pixels: Vec<u8> = (0..n * rows * cols).map(|i| (i % 256) as u8).collect();
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    for prefix in ["train", "t10k"] {
        write_file(
            dir.path(),
            &format!("{prefix}-images-idx3-ubyte"),
            &idx_bytes(&[n, rows, cols], &pixels),
        );
        write_file(
            dir.path(),
            &format!("{prefix}-labels-idx1-ubyte"),
            &idx_bytes(&[n], &labels),
        );
    }
    dir
}

/// The first `m` images (from `offset`) of a split as a batch on `device`.
pub fn mnist_batch(
    split: &backprop::data::MnistSplit,
    offset: usize,
    m: usize,
    device: &burn::prelude::Device,
) -> backprop::data::MnistBatch {
    use backprop::data::{MnistBatcher, MnistDataset};
    use burn::data::dataloader::batcher::Batcher;
    use burn::data::dataset::Dataset;
    let dataset = MnistDataset::new(split.clone());
    let items = (offset..offset + m)
        .map(|i| dataset.get(i).unwrap())
        .collect();
    MnistBatcher.batch(items, device)
}

/// Runs the `backprop` binary; returns (exit code, stdout, stderr).
pub fn run_backprop(args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_backprop"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs `backprop` with `args`, asserts it succeeded, and returns its stdout.
pub fn ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = run_backprop(args);
    assert_eq!(code, 0, "{args:?}\n{stdout}\n{stderr}");
    stdout
}

/// Runs `backprop` with `args` and asserts a usage/input error: exit 2 and one stderr line
/// containing `words`, no panic.
pub fn fails(args: &[&str], words: &str) {
    let (code, stdout, stderr) = run_backprop(args);
    assert_eq!(code, 2, "{args:?}\n{stdout}\n{stderr}");
    assert!(
        stderr.contains(words),
        "{args:?}: '{stderr}' should say '{words}'"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Trains 2 quick epochs (6,000 images) into `dir`; returns the printed test line.
pub fn train_into(dir: &Path) -> String {
    let stdout = ok(&[
        "train",
        "--epochs",
        "2",
        "--train-limit",
        "6000",
        "--artifact-dir",
        dir.to_str().unwrap(),
    ]);
    stdout
        .lines()
        .find(|l| l.starts_with("Test Loss:"))
        .expect("final line")
        .to_string()
}

/// Every parameter of `model` as f64, in `W1, b1, W2, b2, …` order (biases as `[1, n]`).
pub fn parameters(model: &backprop::model::Mlp) -> Vec<backprop::gradients::FlatTensor> {
    use burn::prelude::Tensor;
    model
        .layers()
        .flat_map(|l| [l.weight.val(), l.bias.as_ref().unwrap().val().unsqueeze()])
        .map(|t: Tensor<2>| backprop::gradients::FlatTensor::from_tensor(t))
        .collect()
}

/// The tensors of `a` whose entries are not within `precision`'s criterion of `b`'s (the
/// same shapes, in the same order), each as "tensor i: <difference>"; empty when all agree.
pub fn mismatches(
    a: &[backprop::gradients::FlatTensor],
    b: &[backprop::gradients::FlatTensor],
    precision: backprop::gradients::Precision,
) -> Vec<String> {
    assert_eq!(a.len(), b.len(), "as many tensors");
    a.iter()
        .zip(b)
        .enumerate()
        .filter_map(|(i, (a, b))| {
            assert_eq!(a.shape, b.shape, "tensor {i}");
            let d = backprop::gradients::difference(&a.values, &b.values, precision);
            (!d.within_tolerance).then(|| format!("tensor {i}: {d:?}"))
        })
        .collect()
}
