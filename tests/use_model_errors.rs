//! Commands that use a trained model, given missing or mismatched files: one clear line on
//! stderr naming the file and what was expected, exit 2, never a panic.

mod common;

use backprop::artifacts::ArtifactDir;
use backprop::model::MlpConfig;
use burn::prelude::*;
use common::{fails, train_into};

#[test]
fn missing_or_mismatched_files_give_one_clear_line() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let empty_arg = empty.to_str().unwrap();
    fails(
        &["eval", "--artifact-dir", empty_arg],
        "config.json: not found; run `backprop train` first",
    );
    fails(
        &["predict", "--artifact-dir", empty_arg],
        "config.json: not found",
    );
    fails(
        &["plot", "--artifact-dir", empty_arg],
        "metrics.csv: not found",
    );
    fails(
        &[
            "export",
            "--artifact-dir",
            empty_arg,
            "--output",
            "x.safetensors",
        ],
        "config.json",
    );

    // A record saved from another architecture.
    let run = tmp.path().join("run");
    let artifacts = ArtifactDir::new(&run);
    artifacts.create().unwrap();
    let config = backprop::train::TrainingConfig::new(MlpConfig::new().with_hidden(vec![64]));
    artifacts.save_config(&config).unwrap();
    artifacts
        .save_model(&MlpConfig::new().init(&Device::default()))
        .unwrap();
    fails(
        &["eval", "--artifact-dir", run.to_str().unwrap()],
        "does not fit the architecture",
    );

    // A file of the wrong format where a record or weights are expected.
    std::fs::write(run.join("model.bpk"), b"not a record").unwrap();
    fails(
        &["eval", "--artifact-dir", run.to_str().unwrap()],
        "model.bpk: not a burnpack model record",
    );
    let junk = tmp.path().join("junk.safetensors");
    std::fs::write(&junk, b"junk").unwrap();
    fails(
        &[
            "train",
            "--init-from",
            junk.to_str().unwrap(),
            "--artifact-dir",
            tmp.path().join("o").to_str().unwrap(),
        ],
        "junk.safetensors: not a safetensors file",
    );

    // An unreadable image and an index out of range.
    let good = tmp.path().join("good");
    train_into(&good);
    let good_arg = good.to_str().unwrap();
    let text = tmp.path().join("image.png");
    std::fs::write(&text, b"plain text").unwrap();
    fails(
        &[
            "predict",
            "--artifact-dir",
            good_arg,
            "--image",
            text.to_str().unwrap(),
        ],
        "not a readable PNG or JPEG image",
    );
    fails(
        &["predict", "--artifact-dir", good_arg, "--index", "10000"],
        "--index: 10000 is out of range",
    );
}
