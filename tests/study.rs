//! The vanishing/exploding-gradient study on real MNIST: what it measures shows what the lab
//! claims, its files are complete, and the binary reports bad flags in one line.

mod common;

use backprop::model::{Activation, WeightInit};
use backprop::study::{self, InitChoice, STUDY_SIZE, SettingResult, StudyConfig};
use burn::prelude::Device;
use common::run_backprop;

/// Deep sigmoid with the lab's σ 0.3, deep relu with He, and deep relu with σ 1.0: 8 hidden
/// layers of 64, one epoch (50 steps) on the first 6400 training images. Run once for the
/// tests of this file: the device's seed is process-wide, so two studies at once would mix
/// their random draws.
fn small_study() -> &'static [SettingResult] {
    static RESULTS: std::sync::OnceLock<Vec<SettingResult>> = std::sync::OnceLock::new();
    RESULTS.get_or_init(run_small_study)
}

fn run_small_study() -> Vec<SettingResult> {
    let data = common::mnist();
    let config = StudyConfig {
        activations: vec![Activation::Sigmoid, Activation::Relu],
        inits: vec![
            InitChoice::normal(0.3),
            InitChoice::scheme(WeightInit::He),
            InitChoice::normal(1.0),
        ],
        probe_batches: 2,
        steps: 8,
        train_limit: Some(6400),
        ..StudyConfig::default()
    };
    study::run(&config, &data.train, &data.test, &Device::default(), |_| {}).unwrap()
}

fn find(results: &[SettingResult], activation: Activation, init: InitChoice) -> &SettingResult {
    results
        .iter()
        .find(|r| r.activation == activation && r.init == init)
        .expect("setting was run")
}

#[test]
fn deep_sigmoid_vanishes_relu_with_he_does_not_and_relu_with_sigma_1_explodes() {
    let results = small_study();
    assert_eq!(results.len(), 6);
    for result in results {
        assert_eq!(result.at_init.len(), 9, "8 hidden layers + output");
        assert!(
            result.agreement.ok(),
            "{:?} {}: manual vs autodiff {}",
            result.activation,
            result.init,
            result.agreement.max_relative
        );
    }

    // Vanishing: the first layer's gradient is orders of magnitude below the last one's.
    let sigmoid = find(results, Activation::Sigmoid, InitChoice::normal(0.3));
    let ratio = SettingResult::first_to_last(&sigmoid.at_init);
    assert!(ratio < 1e-2, "sigmoid σ 0.3: ‖dW1‖/‖dW9‖ = {ratio:e}");
    let norms: Vec<f64> = sigmoid.at_init.iter().map(|s| s.grad_norm).collect();
    assert!(
        norms.windows(2).filter(|w| w[0] < w[1]).count() >= 6,
        "sigmoid: norms should mostly grow towards the output: {norms:?}"
    );

    // Healthy: ReLU with He keeps every layer within a factor 10 of the last.
    let relu_he = find(
        results,
        Activation::Relu,
        InitChoice::scheme(WeightInit::He),
    );
    for stat in &relu_he.at_init {
        let ratio = stat.grad_norm / relu_he.at_init.last().unwrap().grad_norm;
        assert!((0.1..10.0).contains(&ratio), "relu he: {ratio}");
    }
    assert!(relu_he.diverged.is_none());
    let learned = relu_he.test_accuracy.unwrap();
    assert!(learned > 40.0, "relu he learns: {learned}");
    let stalled = sigmoid.test_accuracy.unwrap();
    assert!(stalled < 20.0, "deep sigmoid stalls: {stalled}");

    // Exploding: ReLU with σ 1.0 starts with huge gradients and diverges, which is reported.
    let relu_big = find(results, Activation::Relu, InitChoice::normal(1.0));
    assert!(relu_big.at_init.iter().all(|s| s.grad_norm > 1e3));
    let divergence = relu_big.diverged.as_ref().expect("relu σ 1.0 diverges");
    assert_eq!(divergence.epoch, 1);
    assert!(divergence.detail.contains("not finite") || divergence.detail.contains("NaN"));
    assert!(relu_big.test_accuracy.is_none() && relu_big.after.is_none());
}

#[test]
fn csv_files_and_figure_hold_every_setting() {
    let results = small_study();
    let layers = study::layers_csv(results);
    let rows: Vec<&str> = layers.lines().collect();
    let measured = results
        .iter()
        .map(|r| r.at_init.len() + r.after.as_ref().map_or(0, Vec::len))
        .sum::<usize>();
    assert_eq!(rows.len(), 1 + measured);
    assert!(
        rows[1].starts_with("sigmoid,normal,0.3,init,0,1,"),
        "{}",
        rows[1]
    );
    for row in &rows[1..] {
        assert_eq!(row.split(',').count(), 9, "{row}");
    }

    let summary = study::summary_csv(results);
    assert_eq!(summary.lines().count(), 1 + results.len());
    assert!(summary.contains("relu,normal,1,"), "{summary}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("study.png");
    study::draw_study(results, &path).unwrap();
    let picture = image::open(&path).unwrap();
    assert_eq!((picture.width(), picture.height()), STUDY_SIZE);

    let tables = study::print_tables(results, &StudyConfig::default());
    assert!(tables.contains("diverged before this step"), "{tables}");
    assert_eq!(tables.matches(" OK ").count(), results.len(), "{tables}");
}

#[test]
fn study_command_writes_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let (code, stdout, stderr) = run_backprop(&[
        "study",
        "--depth",
        "3",
        "--width",
        "16",
        "--activations",
        "tanh,relu",
        "--inits",
        "xavier,normal:0.3",
        "--train-limit",
        "1024",
        "--steps",
        "4",
        "--artifact-dir",
        out,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout.matches("/4] ").count(), 4, "{stdout}");
    for file in [
        "study.txt",
        "study-layers.csv",
        "study-summary.csv",
        "study.png",
    ] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
    let text = std::fs::read_to_string(dir.path().join("study.txt")).unwrap();
    assert!(stdout.contains(&text), "the file holds the printed tables");
}

#[test]
fn study_rejects_bad_flags_in_one_line() {
    for (args, words) in [
        (vec!["study", "--inits", "normal"], "normal:0.3"),
        (vec!["study", "--inits", "uniform"], "uniform"),
        (vec!["study", "--depth", "0"], "--depth"),
        (vec!["study", "--lr", "0"], "--lr"),
        (vec!["study", "--clip-grad-norm", "-1"], "--clip-grad-norm"),
        (
            vec!["study", "--train-limit", "256", "--probe-batches", "4"],
            "--probe-batches",
        ),
    ] {
        let (code, stdout, stderr) = run_backprop(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        // Our own messages are one line; clap adds its "For more information" hint.
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("error: ") && first.contains(words),
            "{args:?}: {stderr}"
        );
    }
}
