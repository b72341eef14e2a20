//! Using a trained model from the command line: eval, predict, plot, export, train --init-from
//! (the errors for missing or mismatched files are in tests/use_model_errors.rs).

mod common;

use std::path::Path;

use backprop::export::{export_lab_weights, import_lab_weights};
use backprop::model::MlpConfig;
use burn::prelude::*;
use common::{ok, train_into};

fn png_size(path: &Path) -> (u32, u32) {
    let image = image::open(path).unwrap();
    (image.width(), image.height())
}

#[test]
fn train_then_eval_predict_plot_export_and_init_from() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    let run_arg = run.to_str().unwrap();
    let trained = train_into(&run);

    // curves.png is written by train, and plot redraws it from metrics.csv.
    assert_eq!(png_size(&run.join("curves.png")), (1200, 450));
    let redrawn = tmp.path().join("redrawn.png");
    let stdout = ok(&[
        "plot",
        "--artifact-dir",
        run_arg,
        "--output",
        redrawn.to_str().unwrap(),
    ]);
    assert!(stdout.contains("2 epoch(s) plotted"));
    assert_eq!(
        std::fs::read(&redrawn).unwrap(),
        std::fs::read(run.join("curves.png")).unwrap()
    );

    // eval reproduces the accuracy train printed, and lists 10 classes and the matrix.
    let eval = ok(&["eval", "--artifact-dir", run_arg]);
    let line = eval.lines().find(|l| l.starts_with("Test Loss:")).unwrap();
    assert!(line.starts_with(&trained), "train: {trained}\neval: {line}");
    assert!(eval.contains("Per-class accuracy:") && eval.contains("Confusion matrix"));
    assert_eq!(
        eval.lines()
            .filter(|l| l.starts_with("  ") && l.contains("% ("))
            .count(),
        10
    );

    // predict --index is deterministic; test image 0 is a 7; --png writes the picture.
    let png = tmp.path().join("digit.png");
    let first = ok(&[
        "predict",
        "--artifact-dir",
        run_arg,
        "--index",
        "0",
        "--png",
        png.to_str().unwrap(),
    ]);
    let second = ok(&[
        "predict",
        "--artifact-dir",
        run_arg,
        "--index",
        "0",
        "--png",
        png.to_str().unwrap(),
    ]);
    assert_eq!(first, second);
    assert!(first.contains("True: 7 | Predicted: "), "{first}");
    assert_eq!(
        first.lines().filter(|l| l.chars().count() == 56).count(),
        28,
        "28 rows of art"
    );
    assert_eq!(png_size(&png), (280, 324));
    let random = ok(&["predict", "--artifact-dir", run_arg]);
    assert_eq!(
        random,
        ok(&["predict", "--artifact-dir", run_arg, "--seed", "42"])
    );

    // The same digit saved as a PNG file is classified the same way through --image.
    let data = common::mnist();
    let bytes: Vec<u8> = data
        .test
        .images
        .image(0)
        .iter()
        .map(|p| (p * 255.0).round() as u8)
        .collect();
    let own = tmp.path().join("seven.png");
    image::GrayImage::from_raw(28, 28, bytes)
        .unwrap()
        .save(&own)
        .unwrap();
    let from_file = ok(&[
        "predict",
        "--artifact-dir",
        run_arg,
        "--image",
        own.to_str().unwrap(),
    ]);
    // --image preprocesses as MNIST was made (bounding box to 20×20, centred by mass): an MNIST
    // digit passes through nearly unchanged, and gets the same answer.
    let predicted = |s: &str| {
        s.lines()
            .find(|l| l.ends_with('<'))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
    };
    assert_eq!(
        predicted(&from_file),
        predicted(&first),
        "{from_file}\n{first}"
    );

    // export, then train --init-from the exported file: config.json records it.
    let weights = tmp.path().join("weights.safetensors");
    let stdout = ok(&[
        "export",
        "--artifact-dir",
        run_arg,
        "--output",
        weights.to_str().unwrap(),
    ]);
    assert!(
        stdout.contains("W1 [132, 784], b1 [132, 1], W2 [10, 132], b2 [10, 1]"),
        "{stdout}"
    );
    let next = tmp.path().join("next");
    ok(&[
        "train",
        "--epochs",
        "1",
        "--train-limit",
        "1000",
        "--init-from",
        weights.to_str().unwrap(),
        "--artifact-dir",
        next.to_str().unwrap(),
    ]);
    let config = std::fs::read_to_string(next.join("config.json")).unwrap();
    assert!(config.contains("weights.safetensors"), "{config}");
}

#[test]
fn export_then_import_round_trips_exactly() {
    let device = Device::default();
    device.seed(3);
    let config = MlpConfig::new().with_hidden(vec![40, 20]);
    let model = config.init(&device);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.safetensors");
    export_lab_weights(&model, &path).unwrap();
    let back = import_lab_weights(&config, &path, &device).unwrap();
    for (a, b) in model.layers().zip(back.layers()) {
        assert_eq!(a.weight.val().into_data(), b.weight.val().into_data());
        assert_eq!(
            a.bias.as_ref().unwrap().val().into_data(),
            b.bias.as_ref().unwrap().val().into_data()
        );
    }
    // The file is in the lab's orientation.
    let bytes = std::fs::read(&path).unwrap();
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    assert_eq!(file.tensor("W1").unwrap().shape(), [40, 784]);
    assert_eq!(file.tensor("b3").unwrap().shape(), [10, 1]);

    // Another architecture is refused with the tensor and shapes named.
    let error = import_lab_weights(&MlpConfig::new(), &path, &device)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("holds tensor(s) W3, b3, but the architecture 784-132-10"),
        "{error}"
    );
    let error = import_lab_weights(&MlpConfig::new().with_hidden(vec![40, 21]), &path, &device)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("'W2' has shape [20, 40], the config needs [21, 40]"),
        "{error}"
    );
}
