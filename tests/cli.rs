//! The `backprop` binary: exit codes and one-line messages.

mod common;

use common::run_backprop;

#[test]
fn gradcheck_with_no_flags_checks_every_activation_and_head() {
    let (code, stdout, stderr) = run_backprop(&["gradcheck"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout.matches(" OK\n").count(), 24, "{stdout}");
    assert!(stdout.contains("All 24 rows OK."));
    assert!(!stdout.contains("FAIL"));
}

#[test]
fn gradcheck_of_a_deep_relu_net_on_one_image() {
    let (code, stdout, _) = run_backprop(&[
        "gradcheck",
        "--activation",
        "relu",
        "--head",
        "sigmoid-bce",
        "--hidden",
        "32,16,8",
        "--batch-size",
        "1",
    ]);
    assert_eq!(code, 0, "{stdout}");
    for name in ["W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(name) && l.ends_with("OK")),
            "{name}: {stdout}"
        );
    }
}

#[test]
fn bad_flags_exit_2_with_one_line_naming_the_flag() {
    for (args, words) in [
        (vec!["train", "--epochs", "0"], "--epochs"),
        (vec!["train", "--lr", "-1"], "--lr"),
        (vec!["train", "--lr", "NaN"], "--lr"),
        (vec!["train", "--batch-size", "0"], "--batch-size"),
        (vec!["train", "--hidden", "132,0"], "--hidden"),
        (vec!["train", "--stop-above", "120"], "--stop-above"),
        (vec!["train", "--data-dir", "/no/such/dir"], "/no/such/dir"),
        (vec!["train", "--stop-above", "0"], "--stop-above"),
        (vec!["train", "--init-std", "0"], "--init-std"),
        (vec!["train", "--train-limit", "0"], "--train-limit"),
        (vec!["gradcheck", "--batch-size", "0"], "--batch-size"),
        (vec!["gradcheck", "--batch-size", "70000"], "--batch-size"),
    ] {
        let (code, stdout, stderr) = run_backprop(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn train_prints_the_labs_lines_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let artifact_dir = dir.path().join("run");
    let (code, stdout, stderr) = run_backprop(&[
        "train",
        "--epochs",
        "2",
        "--train-limit",
        "2000",
        "--engine",
        "manual",
        "--artifact-dir",
        artifact_dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert!(lines[0].starts_with("Training 784-132-10 MLP (tanh, softmax-ce, init normal σ=0.3) with the manual engine on flex"));
    assert!(lines[1].starts_with("Epoch 1/2 - Loss: "));
    assert!(lines[2].starts_with("Epoch 2/2 - Loss: ") && lines[2].contains("% - Test Loss: "));
    assert!(lines[3].starts_with("Test Loss: ") && lines[3].ends_with('%'));
    assert!(lines[4].starts_with("Wall time: "));
    assert!(stderr.is_empty(), "{stderr}");
    let mut files: Vec<String> = std::fs::read_dir(&artifact_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["config.json", "curves.png", "metrics.csv", "model.bpk"]
    );
}

#[test]
fn unknown_values_and_conflicting_flags_get_clap_messages_and_exit_2() {
    for (args, words) in [
        (
            vec!["train", "--activation", "softsign"],
            "invalid value 'softsign' for '--activation",
        ),
        (
            vec!["train", "--head", "mse"],
            "invalid value 'mse' for '--head",
        ),
        (
            vec!["train", "--epochs", "ten"],
            "invalid value 'ten' for '--epochs",
        ),
        (
            vec!["train", "--hidden", "132,x"],
            "invalid value 'x' for '--hidden",
        ),
        (
            vec!["train", "--resume", "--init-from", "w.safetensors"],
            "cannot be used with",
        ),
        (
            vec!["predict", "--index", "3", "--image", "x.png"],
            "cannot be used with",
        ),
        (vec!["predict", "--invert"], "--image"),
        (
            vec!["train", "--no-such-flag"],
            "unexpected argument '--no-such-flag'",
        ),
    ] {
        let (code, stdout, stderr) = run_backprop(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[cfg(not(feature = "wgpu"))]
#[test]
fn a_backend_not_compiled_in_names_its_feature() {
    let (code, stdout, stderr) = run_backprop(&["train", "--backend", "wgpu"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("--features wgpu"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

/// The default of each flag as `backprop <command> --help` shows it (`[default: …]`), or
/// `None` when it shows none.
fn help_defaults(command: &str) -> Vec<(String, Option<String>)> {
    let (code, help, stderr) = run_backprop(&[command, "--help"]);
    assert_eq!(code, 0, "{stderr}");
    let mut flags: Vec<(String, Option<String>)> = Vec::new();
    for line in help.lines() {
        let trimmed = line.trim_start();
        if line.starts_with("  ") && trimmed.starts_with("--") || trimmed.starts_with("-h, --") {
            let flag = trimmed
                .trim_start_matches("-h, ")
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            flags.push((flag, None));
        } else if let (Some(start), Some((_, default))) =
            (line.find("[default: "), flags.last_mut())
        {
            let text = &line[start + "[default: ".len()..];
            let end = text.find([']', ';']).unwrap_or(text.len());
            *default = Some(text[..end].to_string());
        }
    }
    flags
}

/// docs/reference.md's table of `train`'s options names every flag of `train --help`, with the
/// same defaults.
#[test]
fn reference_options_table_and_help_give_the_same_defaults() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/reference.md");
    let reference = std::fs::read_to_string(path).unwrap();
    let table = reference
        .split("## Options of `train`")
        .nth(1)
        .expect("docs/reference.md has the train options table");
    let help = help_defaults("train");
    let mut rows = 0;
    for row in table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
    {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let Some(flag) = cells[1].trim_matches('`').split_whitespace().next() else {
            continue;
        };
        if !flag.starts_with("--") || flag.starts_with("---") {
            continue; // the header and its rule
        }
        rows += 1;
        let documented = cells[2].trim_matches('`');
        let shown = help
            .iter()
            .find(|(name, _)| name == flag)
            .unwrap_or_else(|| panic!("docs/reference.md's {flag} is not a flag of `train`"))
            .1
            .clone();
        match documented {
            // No value unless given: --help shows no default.
            "off" | "—" | "all" => assert_eq!(shown, None, "{flag}"),
            value => {
                let shown = shown.unwrap_or_else(|| panic!("{flag}: --help shows no default"));
                assert!(
                    shown == value || shown.ends_with(&format!(" {value}")),
                    "{flag}: docs/reference.md says {value}, --help says {shown}"
                );
            }
        }
    }
    // Every flag of `train` is in the table (but --help itself).
    let flags = help.iter().filter(|(name, _)| name != "--help").count();
    assert_eq!(
        rows, flags,
        "docs/reference.md table rows against `train --help` flags: {help:?}"
    );
}
