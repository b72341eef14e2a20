//! Hostile artifact directories, over the real binary: a trained run's directory with one file
//! truncated, replaced by garbage, by another architecture's, by non-finite numbers, by a
//! directory or by an endless device; given to every command that reads one (`eval`,
//! `predict`, `export`, `plot`, `train --resume`). Invariants: `common/hostile.rs`.

mod common;

use std::path::{Path, PathBuf};

use backprop::artifacts::ArtifactDir;
use backprop::model::MlpConfig;
use burn::module::Param;
use burn::prelude::*;
use common::fixture::Fixture;
use common::hostile::{Case, args, assert_none, check_all};

/// What replaces a file of the artifact directory.
#[derive(Clone)]
enum Content {
    Bytes(Vec<u8>),
    Text(String),
    Directory,
    DevZero,
    Missing,
}

fn put(path: &Path, content: Content) {
    if path.is_dir() {
        std::fs::remove_dir_all(path).unwrap();
    } else if path.exists() || path.is_symlink() {
        std::fs::remove_file(path).unwrap();
    }
    match content {
        Content::Bytes(bytes) => std::fs::write(path, bytes).unwrap(),
        Content::Text(text) => std::fs::write(path, text).unwrap(),
        Content::Directory => std::fs::create_dir(path).unwrap(),
        Content::DevZero => std::os::unix::fs::symlink("/dev/zero", path).unwrap(),
        Content::Missing => {}
    }
}

/// The fixture's `config.json` with `edit` applied to its JSON.
fn config_with(fixture: &Fixture, edit: impl Fn(&mut serde_json::Value)) -> Content {
    let text = std::fs::read_to_string(fixture.model.join("config.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut json);
    Content::Text(json.to_string())
}

/// The burnpack bytes of `model`.
fn record_of(model: &backprop::model::Mlp) -> Content {
    let dir = tempfile::tempdir().unwrap();
    ArtifactDir::new(dir.path()).save_model(model).unwrap();
    Content::Bytes(std::fs::read(dir.path().join("model.bpk")).unwrap())
}

/// Every command that reads an artifact directory, on a copy of the fixture's with `file`
/// (relative to it) replaced by `content`; the model there must survive a failure.
fn cases_for(fixture: &Fixture, name: &str, file: &str, content: &Content) -> Vec<Case> {
    let data = fixture.data.to_str().unwrap();
    let culprit = file.rsplit('/').next().unwrap().to_string();
    let commands: [&[&str]; 5] = [
        &["eval", "--data-dir", data],
        &["predict", "--data-dir", data],
        &["export", "--output", "OUT.safetensors"],
        &["plot", "--output", "OUT.png"],
        &["train", "--resume", "--data-dir", data],
    ];
    commands
        .iter()
        .enumerate()
        .map(|(i, words)| {
            // Each command gets its own copy: a successful resume rewrites the directory.
            let scratch = fixture.scratch(&format!("{name}/{i}"));
            let dir = scratch.join("artifacts");
            fixture.copy_model_to(&dir);
            make_resumable(fixture, &dir);
            put(&dir.join(file), content.clone());
            let out = scratch.join("out").display().to_string();
            let mut words: Vec<String> = words.iter().map(|w| w.replace("OUT", &out)).collect();
            words.extend(args(&["--artifact-dir", dir.to_str().unwrap()]));
            let output = words.iter().find(|w| w.starts_with(&out)).cloned();
            let case = Case::new(words, vec![culprit.clone(), "checkpoint".into()])
                .guarding(&dir)
                .bad_input();
            match output {
                Some(path) => case.writing(Path::new(&path)),
                None => case,
            }
        })
        .collect()
}

/// Gives `dir` the checkpoint of a manual-engine run interrupted after epoch 1 of 2: its
/// settings, its first epoch's metrics and model.
fn make_resumable(fixture: &Fixture, dir: &Path) {
    let checkpoint = dir.join("checkpoint");
    std::fs::create_dir_all(&checkpoint).unwrap();
    let Content::Text(config) = config_with(fixture, |c| {
        c["engine"] = "manual".into();
        c["epochs"] = 2.into();
    }) else {
        unreachable!()
    };
    std::fs::write(checkpoint.join("config.json"), config).unwrap();
    std::fs::copy(dir.join("metrics.csv"), checkpoint.join("metrics.csv")).unwrap();
    std::fs::copy(dir.join("model.bpk"), checkpoint.join("model-1.bpk")).unwrap();
}

#[test]
fn hostile_artifact_directories() {
    let fixture = Fixture::new();
    let device = Device::default();
    let model_bytes = std::fs::read(fixture.model.join("model.bpk")).unwrap();
    let metrics = std::fs::read_to_string(fixture.model.join("metrics.csv")).unwrap();
    let header = metrics.lines().next().unwrap().to_string();
    let row = |cells: &str| Content::Text(format!("{header}\n{cells}\n"));
    let mut model_not_finite = MlpConfig::new().init(&device);
    model_not_finite.output.bias = Some(Param::from_tensor(Tensor::full([10], f32::NAN, &device)));
    let variants: Vec<(&str, &str, Content)> = vec![
        (
            "bpk-truncated",
            "model.bpk",
            Content::Bytes(model_bytes[..1000].to_vec()),
        ),
        ("bpk-garbage", "model.bpk", Content::Bytes(vec![0xAB; 4096])),
        ("bpk-empty", "model.bpk", Content::Bytes(Vec::new())),
        ("bpk-dir", "model.bpk", Content::Directory),
        ("bpk-dev-zero", "model.bpk", Content::DevZero),
        (
            "bpk-other-arch",
            "model.bpk",
            record_of(&MlpConfig::new().with_hidden(vec![64]).init(&device)),
        ),
        ("bpk-not-finite", "model.bpk", record_of(&model_not_finite)),
        ("bpk-missing", "model.bpk", Content::Missing),
        (
            "config-not-json",
            "config.json",
            Content::Text("{\"model\":".into()),
        ),
        ("config-empty", "config.json", Content::Text(String::new())),
        ("config-dir", "config.json", Content::Directory),
        ("config-dev-zero", "config.json", Content::DevZero),
        (
            "config-batch-0",
            "config.json",
            config_with(&fixture, |c| c["batch_size"] = 0.into()),
        ),
        (
            "config-hidden-0",
            "config.json",
            config_with(&fixture, |c| c["model"]["hidden"] = serde_json::json!([0])),
        ),
        (
            "config-hidden-huge",
            "config.json",
            config_with(&fixture, |c| {
                c["model"]["hidden"] = serde_json::json!([100_000_000, 100_000_000])
            }),
        ),
        (
            "config-other-arch",
            "config.json",
            config_with(&fixture, |c| c["model"]["hidden"] = serde_json::json!([64])),
        ),
        (
            "config-inputs-100",
            "config.json",
            config_with(&fixture, |c| c["model"]["inputs"] = 100.into()),
        ),
        (
            "config-outputs-0",
            "config.json",
            config_with(&fixture, |c| c["model"]["outputs"] = 0.into()),
        ),
        (
            "config-epochs-huge",
            "config.json",
            config_with(&fixture, |c| c["epochs"] = u64::MAX.into()),
        ),
        (
            "config-lr-negative",
            "config.json",
            config_with(&fixture, |c| c["lr"] = (-1.0).into()),
        ),
        (
            "config-lr-text",
            "config.json",
            config_with(&fixture, |c| c["lr"] = "fast".into()),
        ),
        (
            "config-activation",
            "config.json",
            config_with(&fixture, |c| c["model"]["activation"] = "swish".into()),
        ),
        (
            "config-unknown-field",
            "config.json",
            config_with(&fixture, |c| c["colour"] = "blue".into()),
        ),
        (
            "metrics-garbage",
            "metrics.csv",
            Content::Text("garbage\n1,2,3\n".into()),
        ),
        (
            "metrics-not-finite",
            "metrics.csv",
            row("1,NaN,NaN,NaN,NaN,0.1"),
        ),
        ("metrics-infinite", "metrics.csv", row("1,inf,50,1,50,0.1")),
        (
            "metrics-huge",
            "metrics.csv",
            row("1,1e308,50,-1e308,50,0.1"),
        ),
        ("metrics-header-only", "metrics.csv", row("")),
        ("metrics-empty", "metrics.csv", Content::Text(String::new())),
        ("metrics-columns", "metrics.csv", row("1,0.5,50")),
        (
            "metrics-epoch-huge",
            "metrics.csv",
            row("18446744073709551615,0.5,50,0.5,50,0.1"),
        ),
        ("metrics-dev-zero", "metrics.csv", Content::DevZero),
        (
            "checkpoint-model-garbage",
            "checkpoint/model-1.bpk",
            Content::Bytes(vec![7; 100]),
        ),
        (
            "checkpoint-model-dev-zero",
            "checkpoint/model-1.bpk",
            Content::DevZero,
        ),
        (
            "checkpoint-model-not-finite",
            "checkpoint/model-1.bpk",
            record_of(&model_not_finite),
        ),
        (
            "checkpoint-config-garbage",
            "checkpoint/config.json",
            Content::Text("[]".into()),
        ),
        (
            "checkpoint-config-dev-zero",
            "checkpoint/config.json",
            Content::DevZero,
        ),
        (
            "checkpoint-metrics-not-finite",
            "checkpoint/metrics.csv",
            row("1,NaN,NaN,NaN,NaN,0.1"),
        ),
    ];
    let mut cases = Vec::new();
    for (name, file, content) in variants {
        cases.extend(cases_for(&fixture, name, file, &content));
    }
    // The directory itself: a file, or missing.
    let a_file: PathBuf = fixture.scratch("not-a-dir").join("file");
    std::fs::write(&a_file, b"x").unwrap();
    for dir in [a_file, fixture.root.path().join("no/such/run")] {
        let d = dir.to_str().unwrap();
        for words in [
            args(&["eval", "--artifact-dir", d]),
            args(&["predict", "--artifact-dir", d]),
            args(&["plot", "--artifact-dir", d]),
            args(&["train", "--resume", "--artifact-dir", d]),
        ] {
            cases.push(Case::new(words, vec![d.to_string()]).bad_input());
        }
    }
    let failures = check_all(&cases);
    assert_none("hostile artifact directories", cases.len(), &failures);
}

/// A read-only artifact directory that holds a model: `train` fails with one line and leaves
/// the model. Root ignores permissions, so as root the case cannot be built.
#[test]
fn read_only_artifact_directory() {
    use std::os::unix::fs::PermissionsExt;
    let fixture = Fixture::new();
    let dir = fixture.scratch("read-only").join("artifacts");
    fixture.copy_model_to(&dir);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(dir.join("probe"), b"x").is_ok() {
        eprintln!(
            "SKIPPED read_only_artifact_directory: running as root, permissions do not apply"
        );
        return;
    }
    let d = dir.to_str().unwrap();
    let data = fixture.data.to_str().unwrap();
    let cases = vec![
        Case::new(
            args(&[
                "train",
                "--epochs",
                "1",
                "--data-dir",
                data,
                "--artifact-dir",
                d,
            ]),
            vec![d.to_string()],
        )
        .guarding(&dir)
        .bad_input(),
    ];
    let failures = check_all(&cases);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_none("read-only artifact directory", cases.len(), &failures);
}
