//! Interrupting and resuming the real binary: Ctrl-C (SIGINT) stops cleanly with exit 130 and a
//! resumable checkpoint; `kill -9` in the middle of an epoch loses at most that epoch; either
//! way `train --resume` ends with exactly the weights of an uninterrupted run.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use backprop::artifacts::ArtifactDir;
use burn::prelude::*;

const SETTINGS: [&str; 6] = ["--epochs", "4", "--train-limit", "20000", "--seed", "9"];

fn train_args(dir: &Path, engine: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["train", "--engine", engine]
        .iter()
        .chain(SETTINGS.iter())
        .chain(extra.iter())
        .map(|s| s.to_string())
        .collect();
    args.push("--artifact-dir".into());
    args.push(dir.display().to_string());
    args
}

/// Runs to the end; returns stdout.
fn run(args: &[String]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_backprop"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{args:?}\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Starts a run, waits for the line starting with `line`, sends `signal`; returns the exit code
/// and stderr.
fn interrupt(args: &[String], line: &str, signal: &str) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backprop"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    while !text.starts_with(line) {
        text.clear();
        assert!(
            stdout.read_line(&mut text).unwrap() > 0,
            "run ended before '{line}'"
        );
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success()
    );
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn weights(dir: &Path) -> Vec<backprop::gradients::FlatTensor> {
    let (_, model) = ArtifactDir::new(dir)
        .load_model(&Device::default())
        .unwrap();
    common::parameters(&model)
}

fn check_engine(engine: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let straight = tmp.path().join("straight");
    let full = run(&train_args(&straight, engine, &[]));
    let final_line = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("Test Loss"))
            .unwrap()
            .to_string()
    };

    // Ctrl-C during epoch 2: exit 130, one clear line, no model written, checkpoint of epoch 1.
    let stopped = tmp.path().join("stopped");
    let (code, stderr) = interrupt(&train_args(&stopped, engine, &[]), "Epoch 1/4", "-INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted; epoch 1 is the last completed"),
        "{stderr}"
    );
    assert!(stderr.contains("backprop train --resume"), "{stderr}");
    assert!(!stopped.join("model.bpk").exists());
    assert!(stopped.join("checkpoint").join("model-1.bpk").exists());
    let resumed = run(&[
        "train".into(),
        "--resume".into(),
        "--artifact-dir".into(),
        stopped.display().to_string(),
    ]);
    assert!(
        resumed.contains("Epoch 2/4") && !resumed.contains("Epoch 1/4"),
        "{resumed}"
    );
    assert_eq!(final_line(&resumed), final_line(&full));
    assert_eq!(
        weights(&stopped),
        weights(&straight),
        "{engine}: Ctrl-C then resume"
    );
    assert!(
        !stopped.join("checkpoint").exists(),
        "checkpoints are removed after success"
    );

    // kill -9 in epoch 3: resume from the last loadable checkpoint, same end.
    let killed = tmp.path().join("killed");
    let (code, _) = interrupt(&train_args(&killed, engine, &[]), "Epoch 2/4", "-KILL");
    assert_eq!(code, None, "killed by a signal");
    let resumed = run(&[
        "train".into(),
        "--resume".into(),
        "--artifact-dir".into(),
        killed.display().to_string(),
    ]);
    assert_eq!(final_line(&resumed), final_line(&full));
    assert_eq!(
        weights(&killed),
        weights(&straight),
        "{engine}: kill -9 then resume"
    );
    let metrics = std::fs::read_to_string(killed.join("metrics.csv")).unwrap();
    assert_eq!(metrics.lines().count(), 5, "{metrics}");
}

#[test]
fn learner_engine_resumes_to_the_same_weights() {
    check_engine("learner");
}

#[test]
fn manual_engine_resumes_to_the_same_weights() {
    check_engine("manual");
}

#[test]
fn resume_with_nothing_to_resume_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_backprop"))
        .args(["train", "--resume", "--artifact-dir"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no interrupted run here; nothing to resume"),
        "{stderr}"
    );
}
