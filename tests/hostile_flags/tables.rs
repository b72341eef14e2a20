//! The tables of `tests/hostile_flags.rs`: what each flag of each subcommand takes, its
//! hostile values, and a quick base invocation per subcommand that a hostile flag modifies.

use crate::common::fixture::Fixture;
use crate::common::hostile::Case;

/// What a flag takes, which decides its hostile values.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A count in `1..=max`; `cheap_at_max`: a run at the limit is quick enough to try here.
    Count { max: usize, cheap_at_max: bool },
    /// Any `u64`.
    Seed,
    /// A finite float in some range.
    Float,
    /// Comma-separated hidden widths.
    Widths,
    /// Comma-separated `study --inits`.
    Inits,
    /// One of these names (comma-separated lists too, where the flag takes a list).
    Names(&'static [&'static str]),
    /// A flag without a value.
    Switch,
    /// A directory or file that is read.
    Input,
    /// A directory or file that is written.
    Output,
}

pub fn hostile_values(kind: Kind) -> Vec<String> {
    let common = ["", "abc", "-1", "1e308", "inf", "nan", "1,2", " 5", "٣"];
    let mut values: Vec<String> = match kind {
        Kind::Count { max, cheap_at_max } => {
            let mut v = vec!["0".into(), "1".into(), "2".into(), (max + 1).to_string()];
            if cheap_at_max {
                v.push(max.to_string());
            }
            v.extend(
                ["18446744073709551615", "18446744073709551616", "0x10", "+3"].map(String::from),
            );
            v
        }
        Kind::Seed => ["0", "18446744073709551615", "18446744073709551616", "1.5"]
            .map(String::from)
            .to_vec(),
        Kind::Float => [
            "0", "-0", "5e-324", "1e-300", "-inf", "NaN", "1e309", "0.05", "100", "100.5", "0x1p3",
        ]
        .map(String::from)
        .to_vec(),
        Kind::Widths => {
            let deep = vec!["1"; 257].join(",");
            let mut v: Vec<String> = [
                "132,,",
                "132,abc",
                ",",
                "0",
                "1",
                "16384",
                "16385",
                "16384,16384",
                "8,0,8",
                "18446744073709551615",
                "132;64",
                "1e3",
                "8,8",
            ]
            .map(String::from)
            .to_vec();
            v.push(deep);
            v
        }
        Kind::Inits => [
            "normal:0",
            "normal:-1",
            "normal:nan",
            "normal:inf",
            "normal:1e308",
            "normal:100",
            "normal:100.1",
            "normal",
            "normal:",
            ":",
            "xavier,,he",
            "foo",
            "he,he",
            "Xavier",
        ]
        .map(String::from)
        .to_vec(),
        Kind::Names(valid) => {
            let mut v: Vec<String> = valid.iter().map(|s| s.to_string()).collect();
            v.extend(["TANH", "foo", "tanh,relu", "tanh ", "-", "softmax"].map(String::from));
            v
        }
        Kind::Switch | Kind::Input | Kind::Output => Vec::new(),
    };
    if !matches!(kind, Kind::Switch | Kind::Input | Kind::Output) {
        values.extend(common.map(String::from));
    }
    values
}

/// Paths that are wrong for `kind` (never one that a root user could damage by writing).
pub fn hostile_paths(kind: Kind, fixture: &Fixture) -> Vec<String> {
    // Inputs may name the fixture's own files; outputs get a file of their own to overwrite.
    let a_file = match kind {
        Kind::Input => fixture.data.join("train-labels-idx1-ubyte"),
        _ => fixture.throwaway_file(),
    };
    let a_dir = fixture.data.clone();
    // A missing directory inside the fixture: train and study create it (as they should),
    // and nothing lands outside the temporary directory.
    let missing = fixture.root.path().join("no/such/dir/x");
    let mut paths = vec![
        String::new(),
        missing.display().to_string(),
        a_file.display().to_string(),
        a_dir.display().to_string(),
    ];
    if matches!(kind, Kind::Input) {
        paths.extend(["/dev/null", "/dev/zero", "/"].map(String::from));
    } else {
        paths.push("/proc/no-such-dir/x".into());
    }
    paths
}

/// A subcommand: its quick base invocation and its flags.
pub struct Command {
    pub name: &'static str,
    /// Flag/value pairs that keep a valid run short (a hostile flag replaces its pair).
    pub base: Vec<(&'static str, String)>,
    pub flags: Vec<(&'static str, Kind)>,
}

const ACTIVATIONS: &[&str] = &["tanh", "sigmoid", "relu"];
const HEADS: &[&str] = &["softmax-ce", "sigmoid-bce"];
const INITS: &[&str] = &["normal", "xavier", "glorot", "he"];
const BACKENDS: &[&str] = &["flex", "ndarray", "wgpu"];

pub fn commands(fixture: &Fixture, scratch: &str) -> Vec<Command> {
    let data = fixture.data.display().to_string();
    let model = fixture.model.display().to_string();
    let out = |file: &str| format!("{scratch}/{file}");
    let count = |max, cheap_at_max| Kind::Count { max, cheap_at_max };
    let model_flags = vec![
        ("--hidden", Kind::Widths),
        ("--activation", Kind::Names(ACTIVATIONS)),
        ("--head", Kind::Names(HEADS)),
        ("--init", Kind::Names(INITS)),
        ("--init-std", Kind::Float),
    ];
    let run_flags = vec![
        ("--data-dir", Kind::Input),
        ("--backend", Kind::Names(BACKENDS)),
    ];
    let mut train_flags = [model_flags.clone(), run_flags.clone()].concat();
    train_flags.extend([
        ("--artifact-dir", Kind::Output),
        ("--epochs", count(100_000, false)),
        ("--batch-size", count(65_536, true)),
        ("--lr", Kind::Float),
        ("--seed", Kind::Seed),
        ("--shuffle", Kind::Switch),
        ("--stop-above", Kind::Float),
        ("--train-limit", count(usize::MAX - 1, true)),
        ("--init-from", Kind::Input),
        ("--resume", Kind::Switch),
        ("--clip-grad-norm", Kind::Float),
        ("--engine", Kind::Names(&["learner", "manual"])),
    ]);
    let mut gradcheck_flags = [model_flags, run_flags.clone()].concat();
    gradcheck_flags.extend([
        ("--batch-size", count(65_536, true)),
        ("--seed", Kind::Seed),
        ("--samples", count(1_000, false)),
    ]);
    let artifact = ("--artifact-dir", Kind::Input);
    let mut predict_flags = run_flags.clone();
    predict_flags.extend([
        artifact,
        ("--index", count(127, true)),
        ("--seed", Kind::Seed),
        ("--image", Kind::Input),
        ("--invert", Kind::Switch),
        ("--png", Kind::Output),
    ]);
    let mut study_flags = run_flags.clone();
    study_flags.extend([
        ("--artifact-dir", Kind::Output),
        ("--depth", count(256, false)),
        ("--width", count(16_384, false)),
        ("--activations", Kind::Names(ACTIVATIONS)),
        ("--inits", Kind::Inits),
        ("--head", Kind::Names(HEADS)),
        ("--batch-size", count(65_536, true)),
        ("--lr", Kind::Float),
        ("--probe-batches", count(65_536, true)),
        ("--steps", count(usize::MAX - 1, true)),
        ("--epochs", count(100_000, false)),
        ("--seed", Kind::Seed),
        ("--train-limit", count(usize::MAX - 1, true)),
        ("--clip-grad-norm", Kind::Float),
    ]);
    let pairs = |pairs: &[(&'static str, String)]| pairs.to_vec();
    vec![
        Command {
            name: "train",
            base: pairs(&[
                ("--data-dir", data.clone()),
                ("--artifact-dir", out("run")),
                ("--epochs", "1".into()),
            ]),
            flags: train_flags,
        },
        Command {
            name: "gradcheck",
            base: pairs(&[
                ("--data-dir", data.clone()),
                ("--batch-size", "4".into()),
                ("--activation", "tanh".into()),
                ("--head", "softmax-ce".into()),
                ("--samples", "2".into()),
            ]),
            flags: gradcheck_flags,
        },
        Command {
            name: "eval",
            base: pairs(&[
                ("--data-dir", data.clone()),
                ("--artifact-dir", model.clone()),
            ]),
            flags: [run_flags.clone(), vec![artifact]].concat(),
        },
        Command {
            name: "predict",
            base: pairs(&[
                ("--data-dir", data.clone()),
                ("--artifact-dir", model.clone()),
            ]),
            flags: predict_flags,
        },
        Command {
            name: "study",
            base: pairs(&[
                ("--data-dir", data),
                ("--artifact-dir", out("study")),
                ("--depth", "2".into()),
                ("--width", "8".into()),
                ("--activations", "relu".into()),
                ("--inits", "xavier".into()),
                ("--batch-size", "16".into()),
                ("--probe-batches", "1".into()),
                ("--steps", "2".into()),
            ]),
            flags: study_flags,
        },
        Command {
            name: "plot",
            base: pairs(&[
                ("--artifact-dir", model.clone()),
                ("--output", out("curves.png")),
            ]),
            flags: vec![artifact, ("--output", Kind::Output)],
        },
        Command {
            name: "export",
            base: pairs(&[
                ("--artifact-dir", model),
                ("--output", out("w.safetensors")),
            ]),
            flags: vec![artifact, ("--output", Kind::Output)],
        },
    ]
}

/// The invocation of `command` with `hostile` flags in place of their base values.
pub fn invocation(command: &Command, hostile: &[(&str, Option<String>)]) -> Case {
    let mut words = vec![command.name.to_string()];
    for (flag, value) in &command.base {
        if !hostile.iter().any(|(f, _)| f == flag) {
            words.extend([flag.to_string(), value.clone()]);
        }
    }
    let mut culprits = Vec::new();
    for (flag, value) in hostile {
        words.push(flag.to_string());
        culprits.push(flag.to_string());
        if *flag == "--invert" {
            culprits.push("--image".into()); // --invert requires --image, which the error names
        }
        if let Some(value) = value {
            words.push(value.clone());
            culprits.push(format!("'{value}'"));
            if value.len() > 3 || value.contains('/') {
                culprits.push(value.clone());
            }
        }
    }
    Case::new(words, culprits)
}
