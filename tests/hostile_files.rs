//! Hostile files, over the real binary: datasets, weights, pictures and artifact directories
//! that are empty, truncated, of the wrong kind or shape, non-finite, or that claim sizes
//! their bytes do not hold; each given to every command that reads it. The invariants are in
//! `common/hostile.rs`; besides them, the model in the artifact directory must survive.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::hostile::{Case, Fixture, args, assert_none, check_all};
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

fn symlink_to_dev_zero(path: &Path) {
    std::os::unix::fs::symlink("/dev/zero", path).unwrap();
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
            let model = fixture
                .scratch(&format!("run-{}", rand_suffix()))
                .join("model");
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

fn rand_suffix() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
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

/// A safetensors file from (name, dtype, shape, bytes) entries; `header_len` overrides the
/// length prefix.
fn safetensors(tensors: &[(&str, &str, Vec<usize>, Vec<u8>)], header_len: Option<u64>) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    let mut data: Vec<u8> = Vec::new();
    for (name, dtype, shape, bytes) in tensors {
        let entry = serde_json::json!({
            "dtype": dtype, "shape": shape, "data_offsets": [data.len(), data.len() + bytes.len()]
        });
        header.insert(name.to_string(), entry);
        data.extend(bytes);
    }
    let header = serde_json::to_vec(&header).unwrap();
    let mut out = header_len
        .unwrap_or(header.len() as u64)
        .to_le_bytes()
        .to_vec();
    out.extend(header);
    out.extend(data);
    out
}

fn f32s(n: usize, value: f32) -> Vec<u8> {
    (0..n).flat_map(|_| value.to_le_bytes()).collect()
}

#[test]
fn hostile_weights_files() {
    let fixture = Fixture::new();
    let lab = |w1: Vec<u8>, b2: (&'static str, Vec<u8>)| {
        vec![
            ("W1", "F32", vec![132, 784], w1),
            ("b1", "F32", vec![132, 1], f32s(132, 0.0)),
            ("W2", "F32", vec![10, 132], f32s(1320, 0.01)),
            ("b2", b2.0, vec![10, 1], b2.1),
        ]
    };
    let w1 = || f32s(132 * 784, 0.01);
    let good = lab(w1(), ("F32", f32s(10, 0.0)));
    let mut missing = good.clone();
    missing.remove(2);
    let mut transposed = good.clone();
    transposed[0].2 = vec![784, 132];
    let mut extra = good.clone();
    extra.push(("W9", "F32", vec![1], f32s(1, 0.0)));
    let mut short = good.clone();
    short[3].3.truncate(12);
    let big_f64: Vec<u8> = (0..10).flat_map(|_| 1e300f64.to_le_bytes()).collect();
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("missing-tensor", safetensors(&missing, None)),
        ("wrong-shape", safetensors(&transposed, None)),
        (
            "nan",
            safetensors(
                &lab(f32s(132 * 784, f32::NAN), ("F32", f32s(10, 0.0))),
                None,
            ),
        ),
        (
            "inf",
            safetensors(&lab(w1(), ("F32", f32s(10, f32::INFINITY))), None),
        ),
        (
            "f64-beyond-f32",
            safetensors(&lab(w1(), ("F64", big_f64)), None),
        ),
        ("int32", safetensors(&lab(w1(), ("I32", vec![0; 40])), None)),
        (
            "float16",
            safetensors(&lab(w1(), ("F16", vec![0; 20])), None),
        ),
        ("huge-header", safetensors(&good, Some(1 << 62))),
        ("header-past-end", safetensors(&good, Some(90_000_000))),
        (
            "header-garbage",
            [&8u64.to_le_bytes()[..], b"{garbage"].concat(),
        ),
        ("extra-tensor", safetensors(&extra, None)),
        ("data-short", safetensors(&short, None)),
        ("empty", Vec::new()),
    ];
    let scratch = fixture.scratch("weights");
    let mut cases = Vec::new();
    for (name, bytes) in variants {
        let path = scratch.join(format!("{name}.safetensors"));
        std::fs::write(&path, bytes).unwrap();
        cases.extend(init_from_cases(&fixture, &path));
    }
    let zero = scratch.join("zero.safetensors");
    symlink_to_dev_zero(&zero);
    cases.extend(init_from_cases(&fixture, &zero));
    cases.extend(init_from_cases(&fixture, &scratch));
    let failures = check_all(&cases);
    assert_none("hostile weights files", cases.len(), &failures);
}

/// `train --init-from path` on both engines, into a directory already holding a model.
fn init_from_cases(fixture: &Fixture, path: &Path) -> Vec<Case> {
    ["learner", "manual"]
        .into_iter()
        .map(|engine| {
            let run = fixture.scratch(&format!("init-from-{}", rand_suffix()));
            fixture.copy_model_to(&run);
            let words = args(&[
                "train",
                "--epochs",
                "1",
                "--engine",
                engine,
                "--data-dir",
                fixture.data.to_str().unwrap(),
                "--artifact-dir",
                run.to_str().unwrap(),
                "--init-from",
                path.to_str().unwrap(),
            ]);
            Case::new(words, vec![path.display().to_string()])
                .guarding(&run)
                .bad_input()
        })
        .collect()
}

/// A PNG of `width`×`height` grey pixels from rows of zeros (`rows` of them actually encoded).
fn png(width: u32, height: u32, rows: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend(kind);
        out.extend(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(crc.sum().to_be_bytes());
        out
    };
    let mut header = width.to_be_bytes().to_vec();
    header.extend(height.to_be_bytes());
    header.extend([8, 0, 0, 0, 0]);
    let raw = vec![0u8; (rows as usize) * (width as usize + 1)];
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    zlib.write_all(&raw).unwrap();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &header));
    out.extend(chunk(b"IDAT", &zlib.finish().unwrap()));
    out.extend(chunk(b"IEND", &[]));
    out
}

#[test]
fn hostile_pictures() {
    let fixture = Fixture::new();
    let scratch = fixture.scratch("pictures");
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("text.png", b"plain text, not a picture".to_vec()),
        ("empty.png", Vec::new()),
        ("zero-size.png", png(0, 0, 0)),
        ("one-pixel.png", png(1, 1, 1)),
        ("huge-header.png", png(100_000, 100_000, 1)),
        ("bomb.png", png(9_000, 9_000, 9_000)),
        ("truncated.png", png(28, 28, 28)[..60].to_vec()),
        (
            "jpeg-header.jpg",
            [&[0xff, 0xd8, 0xff, 0xe0][..], &[0; 64]].concat(),
        ),
        ("gif.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()),
    ];
    let mut cases = Vec::new();
    let mut add = |path: &Path| {
        let png_out = scratch.join(format!("out-{}.png", rand_suffix()));
        let words = args(&[
            "predict",
            "--artifact-dir",
            fixture.model.to_str().unwrap(),
            "--image",
            path.to_str().unwrap(),
            "--png",
            png_out.to_str().unwrap(),
        ]);
        cases.push(
            Case::new(words, vec![path.display().to_string()])
                .guarding(&fixture.model)
                .bad_input(),
        );
    };
    for (name, bytes) in variants {
        let path = scratch.join(name);
        std::fs::write(&path, bytes).unwrap();
        add(&path);
    }
    let zero = scratch.join("zero.png");
    symlink_to_dev_zero(&zero);
    add(&zero);
    add(&scratch);
    let failures = check_all(&cases);
    assert_none("hostile pictures", cases.len(), &failures);
}
