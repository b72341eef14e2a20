//! Hostile datasets, over the real binary: IDX files that are empty, truncated, of the wrong
//! rank or type, that claim more than their bytes hold, gzip garbage and bombs, devices and
//! directories in place of files; each given to every command that reads a dataset. The
//! invariants are in `common/hostile.rs`; the model in the artifact directory must survive.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::fixture::{Fixture, symlink_to_dev_zero, unique};
use common::hostile::{Case, args, assert_none, check_all};
use common::idx_bytes;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A copy of the fixture's dataset with each named file replaced by its bytes (removed when
/// `None`).
fn dataset_with(fixture: &Fixture, case: &str, files: Vec<(&str, Option<Vec<u8>>)>) -> PathBuf {
    let dir = fixture.scratch(case).join("data");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&fixture.data).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    for (name, bytes) in files {
        std::fs::remove_file(dir.join(name.trim_end_matches(".gz"))).unwrap();
        if let Some(bytes) = bytes {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    }
    dir
}

/// Every command that reads a dataset, on `data`; each writes into a directory of its own that
/// already holds a model, which must survive a failure.
fn dataset_cases(fixture: &Fixture, data: &Path, culprit: &str) -> Vec<Case> {
    let data = data.display().to_string();
    let commands: [&[&str]; 6] = [
        &["train", "--epochs", "1"],
        &["eval"],
        &["predict"],
        &[
            "gradcheck",
            "--batch-size",
            "4",
            "--samples",
            "2",
            "--activation",
            "relu",
            "--head",
            "sigmoid-bce",
        ],
        &[
            "study",
            "--depth",
            "2",
            "--width",
            "8",
            "--activations",
            "tanh",
            "--inits",
            "he",
            "--batch-size",
            "16",
            "--probe-batches",
            "1",
            "--steps",
            "2",
        ],
        &["train", "--epochs", "1", "--engine", "manual"],
    ];
    commands
        .iter()
        .map(|words| {
            let model = fixture.scratch(&format!("run-{}", unique())).join("model");
            fixture.copy_model_to(&model);
            let mut words = args(words);
            if words[0] != "gradcheck" {
                words.extend(args(&["--artifact-dir", model.to_str().unwrap()]));
            }
            words.extend(args(&["--data-dir", &data]));
            Case::new(words, vec![culprit.to_string()])
                .guarding(&model)
                .bad_input()
        })
        .collect()
}

#[test]
fn hostile_datasets() {
    let fixture = Fixture::new();
    let images = std::fs::read(fixture.data.join("train-images-idx3-ubyte")).unwrap();
    let labels_of = |n: u32, value: u8| idx_bytes(&[n], &vec![value; n as usize]);
    let body = &images[16..];
    let mut header_wrong_type = images.clone();
    header_wrong_type[2] = 0x0D; // float32 elements
    let bomb = {
        // A header claiming 2³²−1 images, then 64 MiB of zeros: 64 KiB compressed.
        let mut raw = idx_bytes(&[u32::MAX, 28, 28], &[]);
        raw.resize(raw.len() + (64 << 20), 0);
        gzip(&raw)
    };
    let valid_gz = gzip(&images);
    let variants: Vec<(&str, &str, Option<Vec<u8>>)> = vec![
        (
            "zero-train",
            "train-images-idx3-ubyte",
            Some(idx_bytes(&[0, 28, 28], &[])),
        ),
        (
            "zero-test",
            "t10k-images-idx3-ubyte",
            Some(idx_bytes(&[0, 28, 28], &[])),
        ),
        (
            "rank-2",
            "train-images-idx3-ubyte",
            Some(idx_bytes(&[256, 784], body)),
        ),
        (
            "type-float",
            "train-images-idx3-ubyte",
            Some(header_wrong_type),
        ),
        (
            "truncated",
            "train-images-idx3-ubyte",
            Some(images[..1000].to_vec()),
        ),
        (
            "claims-more",
            "train-images-idx3-ubyte",
            Some(idx_bytes(&[u32::MAX, 28, 28], &body[..4096])),
        ),
        (
            "dims-overflow",
            "train-images-idx3-ubyte",
            Some(idx_bytes(&[u32::MAX, u32::MAX, u32::MAX], &body[..64])),
        ),
        (
            "labels-out-of-range",
            "train-labels-idx1-ubyte",
            Some(labels_of(256, 200)),
        ),
        (
            "labels-count",
            "train-labels-idx1-ubyte",
            Some(labels_of(255, 1)),
        ),
        (
            "other-size",
            "t10k-images-idx3-ubyte",
            Some(idx_bytes(&[128, 16, 16], &body[..128 * 256])),
        ),
        ("empty-file", "train-labels-idx1-ubyte", Some(Vec::new())),
        (
            "gzip-garbage",
            "train-images-idx3-ubyte.gz",
            Some([&[0x1f, 0x8b, 8, 0][..], &[0x5a; 200]].concat()),
        ),
        (
            "gzip-truncated",
            "train-images-idx3-ubyte.gz",
            Some(valid_gz[..valid_gz.len() / 2].to_vec()),
        ),
        ("gzip-bomb", "train-images-idx3-ubyte.gz", Some(bomb)),
        ("missing", "t10k-labels-idx1-ubyte", None),
    ];
    let mut cases = Vec::new();
    for (case, name, bytes) in variants {
        let dir = dataset_with(&fixture, case, vec![(name, bytes)]);
        cases.extend(dataset_cases(&fixture, &dir, name.trim_end_matches(".gz")));
    }
    // Splits of zero images (and zero labels).
    for prefix in ["train", "t10k"] {
        let images = format!("{prefix}-images-idx3-ubyte");
        let labels = format!("{prefix}-labels-idx1-ubyte");
        let files = vec![
            (images.as_str(), Some(idx_bytes(&[0, 28, 28], &[]))),
            (labels.as_str(), Some(idx_bytes(&[0], &[]))),
        ];
        let dir = dataset_with(&fixture, &format!("zero-{prefix}"), files);
        cases.extend(dataset_cases(&fixture, &dir, &images));
    }
    // A file that is a directory, or a device that never ends.
    let dir = dataset_with(&fixture, "is-dir", vec![("train-labels-idx1-ubyte", None)]);
    std::fs::create_dir(dir.join("train-labels-idx1-ubyte")).unwrap();
    cases.extend(dataset_cases(&fixture, &dir, "train-labels-idx1-ubyte"));
    let dir = dataset_with(
        &fixture,
        "dev-zero",
        vec![("train-images-idx3-ubyte", None)],
    );
    symlink_to_dev_zero(&dir.join("train-images-idx3-ubyte"));
    cases.extend(dataset_cases(&fixture, &dir, "train-images-idx3-ubyte"));
    let a_file = fixture.data.join("train-labels-idx1-ubyte");
    cases.extend(dataset_cases(&fixture, &a_file, "train-labels-idx1-ubyte"));
    let failures = check_all(&cases);
    assert_none("hostile datasets", cases.len(), &failures);
}
