//! `backprop grade` on real lab files (tests/grade/, described in its MANIFEST.md): the right
//! ones in both conventions score full marks, each wrong one fails exactly the rows its mistake
//! touches with the mistake named, and hostile ones (a syntax error, side effects, an endless
//! loop, a 100 GB allocation, strings, NaN, an exception, an alarm ignored) each give a clear
//! line, in bounded time, with `backprop` alive.
//!
//! The student's code runs in real Python with NumPy: without one, these tests say SKIPPED
//! with the reason, unless BACKPROP_REQUIRE_NUMPY=1 (as in CI), where that is a failure.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{fails, run_backprop};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("grade")
}

/// A Python that imports NumPy, or None (SKIPPED) when there is none and none is required.
fn python(test: &str) -> Option<String> {
    let candidates = std::env::var("BACKPROP_PYTHON")
        .ok()
        .into_iter()
        .chain(["python3".to_string(), "/usr/bin/python3".to_string()]);
    for candidate in candidates {
        let ok = Command::new(&candidate)
            .args(["-c", "import numpy"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if ok {
            return Some(candidate);
        }
    }
    let reason = "no Python with NumPy (python3 -m pip install numpy, or set BACKPROP_PYTHON)";
    if std::env::var("BACKPROP_REQUIRE_NUMPY").is_ok_and(|v| v == "1") {
        panic!("{test}: {reason}, and BACKPROP_REQUIRE_NUMPY=1");
    }
    eprintln!("SKIPPED {test}: {reason}");
    None
}

/// The checks each fixture must fail, with the mistake code its CSV cell must name (`fail:
/// <code>`), or "" where only `fail` is required; every other graded check must pass.
const EXPECTED: &[(&str, &[(&str, &str)])] = &[
    ("right_handout.py", &[]),
    ("right_notebook.py", &[]),
    ("right_notebook.ipynb", &[]),
    ("hostile_os_system.py", &[]),
    // Right work written as students write it: their own structures must be given back.
    ("right_variant_list_dims_renamed.py", &[]),
    ("right_variant_tuple_cache.py", &[]),
    ("right_variant_lowercase_keys.py", &[]),
    ("right_variant_init_tuple_inplace_sgd.py", &[]),
    ("right_variant_float32_tuple4.ipynb", &[]),
    ("right_variant_relu_hidden.py", &[]),
    ("wrong_dW2_no_1_over_m.py", &[("dW2", "missing-1/m")]),
    ("wrong_dW1_transposed.py", &[("dW1", "transposed")]),
    (
        "wrong_dZ1_sigmoid_derivative.ipynb",
        &[
            ("dW1", "dZ1:sigmoid-derivative"),
            ("db1", "dZ1:sigmoid-derivative"),
        ],
    ),
    ("wrong_db2_axis.py", &[("db2", "axis")]),
    ("wrong_db1_no_keepdims.py", &[("db1", "keepdims")]),
    (
        "wrong_dZ2_sign.py",
        &[
            ("dZ2", "sign"),
            ("dW2", "follows:dZ2"),
            ("db2", "follows:dZ2"),
            ("dA1", "follows:dZ2"),
            ("dZ1", "follows:dA1"),
            ("dW1", "follows:dZ1"),
            ("db1", "follows:dZ1"),
        ],
    ),
    ("wrong_sgd_plus.py", &[("sgd", "ascent")]),
    ("wrong_softmax_unstable.py", &[("softmax", "overflow")]),
    ("wrong_loss_mean_all.py", &[("loss", "mean-all")]),
    ("wrong_init_normal.py", &[("init", "distribution")]),
    (
        "wrong_forward_no_bias.py",
        &[
            ("Z1", "bias-missing"),
            ("A1", "bias-missing"),
            ("A2", "bias-missing"),
        ],
    ),
    (
        "wrong_dZ1_missing_derivative.py",
        &[
            ("dZ1", "derivative-missing"),
            ("dW1", "follows:dZ1"),
            ("db1", "follows:dZ1"),
        ],
    ),
    (
        "hostile_returns_strings.py",
        &[
            ("dZ2", ""),
            ("dW2", ""),
            ("db2", ""),
            ("dA1", ""),
            ("dZ1", ""),
            ("dW1", ""),
            ("db1", ""),
        ],
    ),
    (
        "hostile_returns_nan.py",
        &[
            ("dZ2", ""),
            ("dW2", ""),
            ("db2", ""),
            ("dA1", ""),
            ("dZ1", ""),
            ("dW1", ""),
            ("db1", ""),
        ],
    ),
    (
        "hostile_raises.py",
        &[("dW2", ""), ("db2", ""), ("dW1", ""), ("db1", "")],
    ),
    (
        "hostile_infinite_loop.py",
        &[("Z1", ""), ("A1", ""), ("A2", "")],
    ),
    ("hostile_huge_alloc.py", &[("init", "")]),
];

/// The fields of one CSV line (quoted fields may hold commas and doubled quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Parses the grader's CSV: student → column → cell.
fn read_csv(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut lines = text.lines();
    let header = csv_fields(lines.next().unwrap());
    let mut table = BTreeMap::new();
    for line in lines {
        let row: BTreeMap<String, String> = header.iter().cloned().zip(csv_fields(line)).collect();
        table.insert(row["student"].clone(), row);
    }
    table
}

#[test]
fn a_folder_of_labs_is_graded_and_each_mistake_named() {
    let Some(python) = python("a_folder_of_labs_is_graded_and_each_mistake_named") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let started = Instant::now();
    let folder = dir.path().to_str().unwrap();
    let (code, stdout, stderr) = run_backprop(&[
        "grade",
        folder,
        "--python",
        &python,
        "--timeout",
        "9",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let csv = std::fs::read_to_string(dir.path().join("grades.csv")).unwrap();
    let table = read_csv(&csv);
    // Every submission has its row, the unparseable one included.
    assert_eq!(table.len(), EXPECTED.len() + 1, "{csv}");
    let broken = &table["hostile_syntax_error.py"];
    assert!(broken["problems"].contains("line 46"), "{broken:?}");
    assert_eq!(broken["score"], "0");
    let checks: Vec<&str> = backprop::grade::CHECKS.iter().map(|c| c.0).collect();
    for (file, failing) in EXPECTED {
        let row = table
            .get(*file)
            .unwrap_or_else(|| panic!("{file} has no row:\n{csv}"));
        for check in &checks {
            let cell = &row[*check];
            match failing.iter().find(|(c, _)| c == check) {
                Some((_, "")) => assert!(cell.starts_with("fail"), "{file} {check}: {cell}"),
                Some((_, code)) => {
                    assert_eq!(cell, &format!("fail: {code}"), "{file} {check}")
                }
                None => assert!(
                    cell == "pass" || cell.is_empty(),
                    "{file} {check} should pass or be ungraded, got '{cell}'"
                ),
            }
        }
        if failing.is_empty() {
            assert_eq!(row["score"], row["max_score"], "{file}: {row:?}");
        }
    }
    // The right files score full marks...
    // Every submission of a convention is marked out of the same total (the checks it
    // requires; the others are reported and score nothing).
    assert_eq!(table["right_handout.py"]["max_score"], "20");
    assert_eq!(table["wrong_dZ2_sign.py"]["max_score"], "20");
    assert_eq!(table["right_notebook.ipynb"]["max_score"], "17");
    assert_eq!(table["right_notebook.py"]["max_score"], "17");
    // ...and the endless loop cost its per-call limit, not the whole run.
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "{:?}",
        started.elapsed()
    );
    assert!(stdout.contains("right_handout.py: 20/20"), "{stdout}");
}

#[test]
fn one_file_prints_its_table_and_writes_gradescope_json() {
    let Some(python) = python("one_file_prints_its_table_and_writes_gradescope_json") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("results.json");
    let file = fixtures().join("wrong_dW2_no_1_over_m.py");
    let (code, stdout, stderr) = run_backprop(&[
        "grade",
        file.to_str().unwrap(),
        "--python",
        &python,
        "--json",
        json.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "the grading ran: {stdout}\n{stderr}");
    assert!(stdout.contains("handout convention"), "{stdout}");
    assert!(
        stdout.contains("the 1/m is missing (m = 64 times too large)"),
        "{stdout}"
    );
    assert!(stdout.contains("Score: 18/20"), "{stdout}");
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(results["score"], 18);
    assert_eq!(results["max_score"], 20);
    let tests = results["tests"].as_array().unwrap();
    let dw2 = tests.iter().find(|t| t["name"] == "dW2").unwrap();
    assert_eq!(dw2["score"], 0);
    assert_eq!(dw2["max_score"], 2);
    assert_eq!(dw2["tags"][0], "mistake:missing-1/m");
    assert!(
        dw2["output"]
            .as_str()
            .unwrap()
            .starts_with("back_propagation: ")
    );
    let db2 = tests.iter().find(|t| t["name"] == "db2").unwrap();
    assert_eq!(db2["score"], db2["max_score"]);

    // In French, with the notebook.
    let file = fixtures().join("right_notebook.ipynb");
    let (code, stdout, stderr) = run_backprop(&[
        "grade",
        file.to_str().unwrap(),
        "--python",
        &python,
        "--lang",
        "fr",
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("convention du notebook"), "{stdout}");
    assert!(stdout.contains("Note : 17/17"), "{stdout}");
    assert!(
        stdout.contains("cellule 7 ignorée"),
        "the broken cell is reported: {stdout}"
    );
}

/// Runs `grade` on `file` and returns (code, stdout, stderr, seconds).
fn grade(file: &Path, python: &str, extra: &[&str]) -> (i32, String, String, f64) {
    let started = Instant::now();
    let mut args = vec![
        "grade",
        file.to_str().unwrap(),
        "--python",
        python,
        "--lang",
        "en",
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run_backprop(&args);
    (code, stdout, stderr, started.elapsed().as_secs_f64())
}

#[test]
fn hostile_files_end_in_one_clear_line_and_exit_2() {
    let Some(python) = python("hostile_files_end_in_one_clear_line_and_exit_2") else {
        return;
    };
    let one_line = |name: &str, extra: &[&str], words: &[&str], limit: f64| {
        let (code, stdout, stderr, seconds) = grade(&fixtures().join(name), &python, extra);
        assert_eq!(code, 2, "{name}\n{stdout}\n{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{name}: {stderr}");
        for w in words {
            assert!(stderr.contains(w), "{name}: '{stderr}' should say '{w}'");
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(seconds < limit, "{name} took {seconds} s");
    };
    one_line(
        "hostile_syntax_error.py",
        &[],
        &["line 46", "expected ':'"],
        30.0,
    );
    one_line(
        "hostile_infinite_loop.py",
        &["--timeout", "3"],
        &["forward: did not return within 1 s"],
        30.0,
    );
    one_line(
        "hostile_huge_alloc.py",
        &["--memory-mb", "1024"],
        &["init_params: ran out of memory"],
        30.0,
    );
    one_line(
        "hostile_raises.py",
        &[],
        &["back_propagation: ValueError: not implemented yet (cell 1, line"],
        30.0,
    );

    // A function that turns the alarm off and loops: the whole file's limit kills it.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ignores_alarm.py");
    std::fs::write(
        &file,
        "import signal\nimport numpy as np\n\ndef init_params(nx, nh, ny):\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n    while True:\n        pass\n",
    )
    .unwrap();
    let (code, stdout, stderr, seconds) = grade(&file, &python, &["--timeout", "3"]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("init_params: stopped after 3 s (--timeout)"),
        "{stderr}"
    );
    assert!(seconds < 30.0, "{seconds} s");
}

#[test]
fn side_effects_stay_in_the_sandbox() {
    let Some(python) = python("side_effects_stay_in_the_sandbox") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let canary = tempfile::tempdir().unwrap();
    std::fs::write(canary.path().join("keep.txt"), "x").unwrap();
    let submission = work.path().join("lab.py");
    std::fs::copy(fixtures().join("hostile_os_system.py"), &submission).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_backprop"))
        .args(["grade", "lab.py", "--python", &python, "--lang", "en"])
        .current_dir(work.path())
        .env("HOME", home.path())
        .env("BACKPROP_GRADE_CANARY", canary.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("Score: 17/17"), "{stdout}");
    let left: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        vec!["lab.py".to_string()],
        "files written beside the lab"
    );
    assert_eq!(
        std::fs::read_dir(home.path()).unwrap().count(),
        0,
        "files written in HOME"
    );
    assert!(
        canary.path().join("keep.txt").exists(),
        "the environment reached the student's code"
    );
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let lab = fixtures().join("right_handout.py");
    let lab = lab.to_str().unwrap();
    fails(&["grade", "no-such-lab.py"], "not found");
    fails(
        &["grade", "Cargo.toml"],
        "expected a Python file (.py) or a notebook (.ipynb)",
    );
    fails(
        &["grade", lab, "--timeout", "0"],
        "--timeout: expected 1 to 600 seconds",
    );
    fails(
        &["grade", lab, "--memory-mb", "1"],
        "--memory-mb: expected 256 to 65536",
    );
    fails(
        &["grade", lab, "--python", "/no/such/python"],
        "--python /no/such/python: not found",
    );
    fails(
        &["grade", lab, "--python", "/bin/false"],
        "cannot import numpy",
    );
    fails(
        &["grade", lab, "--csv", "x.csv"],
        "--csv: writes a folder's grades",
    );
    let empty = tempfile::tempdir().unwrap();
    fails(
        &["grade", empty.path().to_str().unwrap()],
        "holds no .py or .ipynb file",
    );
    fails(
        &["grade", empty.path().to_str().unwrap(), "--json", "r.json"],
        "--json: writes one file's grade",
    );
    for timeout in ["nan", "inf", "-1", "1e308", "601", "abc"] {
        fails(&["grade", lab, "--timeout", timeout], "--timeout");
    }
    for memory in ["0", "255", "65537", "18446744073709551616", "-5"] {
        fails(&["grade", lab, "--memory-mb", memory], "--memory-mb");
    }
    fails(&["grade", lab, "--lang", "de"], "--lang");
    fails(
        &["grade", lab, "--json", "/proc/no-such-dir/r.json"],
        "--json",
    );
    fails(
        &["grade", lab, "--json", empty.path().to_str().unwrap()],
        "--json",
    );
    fails(&["grade", "/dev/null"], "expected a Python file");
    let notebook = empty.path().join("broken.ipynb");
    std::fs::write(&notebook, "{\"cells\": 3}").unwrap();
    fails(&["grade", notebook.to_str().unwrap()], "no \"cells\" list");
}
