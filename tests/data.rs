//! The IDX reader, the dataset and the batcher, on the real MNIST files and on corrupt copies.

mod common;

use backprop::Error;
use backprop::data::{MnistBatcher, MnistDataset, MnistSplit, Split};
use burn::data::dataloader::batcher::Batcher;
use burn::data::dataset::Dataset;
use burn::prelude::*;
use common::{idx_bytes, mnist, tiny_dataset, write_file};

fn label_counts(split: &MnistSplit) -> [usize; 10] {
    let mut counts = [0; 10];
    split.labels.iter().for_each(|&l| counts[l as usize] += 1);
    counts
}

#[test]
fn real_mnist_has_the_published_sizes_and_label_counts() {
    let data = mnist();
    assert_eq!((data.train.len(), data.test.len()), (60_000, 10_000));
    assert_eq!((data.train.images.rows, data.train.images.cols), (28, 28));
    assert_eq!(
        label_counts(&data.train),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    assert_eq!(
        label_counts(&data.test),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    // The first digits of each file, as every MNIST user knows them.
    assert_eq!(&data.train.labels[..5], &[5, 0, 4, 1, 9]);
    assert_eq!(&data.test.labels[..5], &[7, 2, 1, 0, 4]);
}

#[test]
fn pixels_are_divided_by_255_once() {
    let data = mnist();
    let pixels = &data.train.images.pixels;
    assert_eq!(pixels.len(), 60_000 * 784);
    let max = pixels.iter().cloned().fold(f32::MIN, f32::max);
    let min = pixels.iter().cloned().fold(f32::MAX, f32::min);
    assert_eq!((min, max), (0.0, 1.0));
    // Every value is k/255 for an integer k.
    assert!(pixels.iter().take(10_000).all(|&p| {
        let k = p * 255.0;
        (k - k.round()).abs() < 1e-4
    }));
}

#[test]
fn raw_and_gzip_files_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = idx_bytes(&[3, 2, 2], &(0..12).collect::<Vec<u8>>());
    let raw = write_file(dir.path(), "raw-idx3-ubyte", &bytes);
    let gz = write_file(dir.path(), "gz-idx3-ubyte.gz", &bytes);
    let a = backprop::data::idx::read_idx(&raw, 3).unwrap();
    let b = backprop::data::idx::read_idx(&gz, 3).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.dims, vec![3, 2, 2]);
}

#[test]
fn batcher_builds_flat_batches_from_the_shared_buffer() {
    let data = mnist();
    let dataset = MnistDataset::new(data.test.clone());
    assert_eq!(dataset.len(), 10_000);
    let items: Vec<_> = (0..5).map(|i| dataset.get(i).unwrap()).collect();
    let device = Device::default();
    let batch = MnistBatcher.batch(items, &device);
    assert_eq!(batch.images.dims(), [5, 784]);
    assert_eq!(batch.targets.dims(), [5]);
    let targets: Vec<i64> = batch
        .targets
        .into_data()
        .convert::<i64>()
        .try_to_vec()
        .unwrap();
    assert_eq!(targets, vec![7, 2, 1, 0, 4]);
    let images: Vec<f32> = batch.images.into_data().try_to_vec().unwrap();
    assert_eq!(&images[784..2 * 784], data.test.images.image(1));
    assert!(dataset.get(10_000).is_err());
}

/// Loads a directory whose train split is `images` and `labels` (raw files).
fn load_error(images: &[u8], labels: &[u8]) -> Error {
    let dir = tiny_dataset(4, 2, 2);
    write_file(dir.path(), "train-images-idx3-ubyte", images);
    write_file(dir.path(), "train-labels-idx1-ubyte", labels);
    MnistSplit::load(dir.path(), Split::Train).unwrap_err()
}

fn assert_error(error: &Error, file: &str, words: &str) {
    let text = error.to_string();
    assert!(text.contains(file), "'{text}' should name {file}");
    assert!(text.contains(words), "'{text}' should say '{words}'");
    assert!(!text.contains('\n'), "'{text}' should be one line");
}

#[test]
fn each_kind_of_corruption_names_the_file_and_the_problem() {
    let images = idx_bytes(&[4, 2, 2], &[0; 16]);
    let labels = idx_bytes(&[4], &[1, 2, 3, 4]);
    let mut bad_type = images.clone();
    bad_type[2] = 9;
    let images_file = "train-images-idx3-ubyte";
    let labels_file = "train-labels-idx1-ubyte";

    let cases = [
        (
            vec![],
            labels.clone(),
            images_file,
            "ends inside the header",
        ),
        (
            bad_type,
            labels.clone(),
            images_file,
            "wrong magic number 0x00000903",
        ),
        (
            idx_bytes(&[4, 2, 2], &[0; 10]),
            labels.clone(),
            images_file,
            "truncated",
        ),
        (
            idx_bytes(&[4, 2, 2], &[0; 20]),
            labels.clone(),
            images_file,
            "more data",
        ),
        (
            images.clone(),
            idx_bytes(&[3], &[1, 2, 3]),
            labels_file,
            "3 labels, but",
        ),
        (
            images.clone(),
            idx_bytes(&[4], &[1, 2, 12, 4]),
            labels_file,
            "label 12 at index 2 is outside 0-9",
        ),
        (
            images.clone(),
            idx_bytes(&[4, 1], &[1, 2, 3, 4]),
            labels_file,
            "wrong magic number",
        ),
    ];
    for (images, labels, file, words) in cases {
        assert_error(&load_error(&images, &labels), file, words);
    }
}

#[test]
fn corrupt_gzip_is_reported() {
    let dir = tiny_dataset(4, 2, 2);
    std::fs::remove_file(dir.path().join("train-labels-idx1-ubyte")).unwrap();
    let mut bytes = Vec::new();
    {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(&mut bytes, flate2::Compression::fast());
        encoder.write_all(&idx_bytes(&[4], &[1, 2, 3, 4])).unwrap();
        encoder.finish().unwrap();
    }
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    bytes.truncate(bytes.len() - 4);
    std::fs::write(dir.path().join("train-labels-idx1-ubyte.gz"), &bytes).unwrap();
    let error = MnistSplit::load(dir.path(), Split::Train).unwrap_err();
    assert_error(&error, "train-labels-idx1-ubyte.gz", "gzip");
}

#[test]
fn missing_directory_file_and_directory_in_place_of_a_file() {
    let missing = MnistSplit::load(std::path::Path::new("/no/such/dir"), Split::Test).unwrap_err();
    assert_error(&missing, "/no/such/dir", "directory not found");

    let dir = tiny_dataset(4, 2, 2);
    std::fs::remove_file(dir.path().join("t10k-labels-idx1-ubyte")).unwrap();
    let error = MnistSplit::load(dir.path(), Split::Test).unwrap_err();
    assert_error(&error, "t10k-labels-idx1-ubyte", "file not found");

    std::fs::create_dir(dir.path().join("t10k-labels-idx1-ubyte")).unwrap();
    let error = MnistSplit::load(dir.path(), Split::Test).unwrap_err();
    assert_error(&error, "t10k-labels-idx1-ubyte", "is a directory");
}

#[test]
fn another_mnist_format_directory_loads() {
    let dir = tiny_dataset(6, 3, 5);
    let split = MnistSplit::load(dir.path(), Split::Train).unwrap();
    assert_eq!(split.len(), 6);
    assert_eq!(split.images.pixels_per_image(), 15);
    assert_eq!(split.images.image(0)[1], 1.0 / 255.0);
}

/// MNIST digits already went through MNIST's preprocessing: doing it again moves little.
#[test]
fn centering_an_mnist_digit_again_changes_little() {
    let data = mnist();
    for index in [0, 1, 2, 42, 9999] {
        let original = data.test.images.image(index);
        let again = backprop::data::mnist_centered(original, 28, 28).unwrap();
        let mean_change: f32 = original
            .iter()
            .zip(&again)
            .map(|(a, b)| (a - b).abs())
            .sum::<f32>()
            / 784.0;
        assert!(
            mean_change < 0.08,
            "image {index}: mean change {mean_change}"
        );
    }
}
