//! Every class of bad dataset given to the real binary: exit code 2, one line naming the file
//! and the problem, no panic.

mod common;

use std::path::Path;
use std::process::Command;

use common::{idx_bytes, tiny_dataset, write_file};

/// Runs `backprop train --data-dir DIR` and checks the failure.
fn refused(dir: &Path, file: &str, words: &str) {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_backprop"))
        .args(["train", "--epochs", "1", "--data-dir"])
        .arg(dir)
        .arg("--artifact-dir")
        .arg(out.path().join("a"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{file}: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains(file), "'{stderr}' should name {file}");
    assert!(stderr.contains(words), "'{stderr}' should say '{words}'");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    assert!(
        !out.path().join("a").exists(),
        "nothing written for refused data"
    );
}

/// A valid 28×28 dataset of 4 images per split, with the train images file replaced.
fn with_train_images(bytes: &[u8], name: &str) -> tempfile::TempDir {
    let dir = tiny_dataset(4, 28, 28);
    std::fs::remove_file(dir.path().join("train-images-idx3-ubyte")).unwrap();
    write_file(dir.path(), name, bytes);
    dir
}

#[test]
fn missing_directory_file_and_wrong_kinds_of_path() {
    let tmp = tempfile::tempdir().unwrap();
    refused(
        &tmp.path().join("nowhere"),
        "nowhere",
        "directory not found",
    );

    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    refused(&file, "a-file", "is not a directory");

    let dir = tiny_dataset(4, 28, 28);
    std::fs::remove_file(dir.path().join("t10k-labels-idx1-ubyte")).unwrap();
    refused(dir.path(), "t10k-labels-idx1-ubyte", "file not found");

    std::fs::create_dir(dir.path().join("t10k-labels-idx1-ubyte")).unwrap();
    refused(dir.path(), "t10k-labels-idx1-ubyte", "is a directory");
}

#[test]
fn malformed_files() {
    let name = "train-images-idx3-ubyte";
    let good = idx_bytes(&[4, 28, 28], &[0; 4 * 784]);

    refused(
        with_train_images(&[], name).path(),
        name,
        "ends inside the header",
    );
    let mut magic = good.clone();
    magic[3] = 1;
    refused(
        with_train_images(&magic, name).path(),
        name,
        "wrong magic number 0x00000801",
    );
    refused(
        with_train_images(&idx_bytes(&[4, 28, 28], &[0; 1000]), name).path(),
        name,
        "truncated: header [4, 28, 28] needs 3136 data bytes, found 1000",
    );
    let mut long = good.clone();
    long.push(0);
    refused(
        with_train_images(&long, name).path(),
        name,
        "more data than header",
    );
    // A header that claims 4 billion images is refused without allocating them.
    refused(
        with_train_images(&idx_bytes(&[u32::MAX, 28, 28], &[0; 100]), name).path(),
        name,
        "truncated",
    );

    let gz = format!("{name}.gz");
    let dir = with_train_images(&good, &gz);
    let path = dir.path().join(&gz);
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    bytes.truncate(n / 2);
    std::fs::write(&path, &bytes).unwrap();
    refused(dir.path(), &gz, "gzip");
}

#[test]
fn labels_that_do_not_fit_the_images() {
    let labels = "train-labels-idx1-ubyte";
    let dir = tiny_dataset(4, 28, 28);
    write_file(dir.path(), labels, &idx_bytes(&[4], &[1, 2, 10, 3]));
    refused(dir.path(), labels, "label 10 at index 2 is outside 0-9");

    write_file(dir.path(), labels, &idx_bytes(&[5], &[1, 2, 3, 4, 5]));
    refused(dir.path(), labels, "5 labels, but");

    // Images of another size than the model's 784 inputs.
    let small = tiny_dataset(4, 20, 20);
    refused(
        small.path(),
        "train-images-idx3-ubyte",
        "images are 20x20 = 400 pixels, but the model takes 784 inputs",
    );
}
