//! Hostile weights for `train --init-from`, over the real binary: safetensors files with a
//! missing tensor, a wrong shape, NaN or infinite values, values beyond f32, other dtypes, huge
//! or garbled headers, short data; empty, a device, a directory. The invariants are in
//! `common/hostile.rs`; the model already in the artifact directory must survive.

mod common;

use std::path::Path;

use common::fixture::{Fixture, symlink_to_dev_zero, unique};
use common::hostile::{Case, args, assert_none, check_all};

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
            let run = fixture.scratch(&format!("init-from-{}", unique()));
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
