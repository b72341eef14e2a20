//! The hostile-input harness: runs invocations of the real `backprop` binary, each under a
//! time limit and an address-space limit, and checks the invariants every command keeps:
//! - no panic, no backtrace, no abort from a failed allocation, no hang;
//! - exit 2 for bad input, 1 for a failure at run time, 0 only with a valid report (printed,
//!   without NaN or inf as a result, and its output files written);
//! - a failure is one line on stderr, `error: …`, naming the flag or file at fault;
//! - the model already in the artifact directory is unchanged after a failing command.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest an invocation may run before it counts as a hang (the slowest honest case here,
/// a gradient check of a 16,384-unit layer, takes a few seconds on two cores).
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Address space each invocation may map (`ulimit -v`, KiB): 4 GiB. An allocation sized
/// from an unchecked number (a header's count, a flag) fails here and aborts the process.
pub const MEMORY_LIMIT_KIB: u64 = 4 << 20;

/// One invocation and what its result must respect.
#[derive(Debug, Clone)]
pub struct Case {
    /// Arguments after the binary's name.
    pub args: Vec<String>,
    /// Words of which the error line must contain at least one when the exit code is 2
    /// (the flag, the value or the file at fault).
    pub culprits: Vec<String>,
    /// An artifact directory whose `model.bpk` and `config.json` must survive a failure.
    pub guarded: Option<PathBuf>,
    /// Files a successful run must have written.
    pub outputs: Vec<PathBuf>,
    /// A failure can only be the input's fault: exit 2, never 1.
    pub input_error: bool,
}

impl Case {
    pub fn new(args: Vec<String>, culprits: Vec<String>) -> Self {
        Self {
            args,
            culprits,
            guarded: None,
            outputs: Vec::new(),
            input_error: false,
        }
    }

    /// Marks a case whose only possible failure is its bad input (exit 2).
    pub fn bad_input(mut self) -> Self {
        self.input_error = true;
        self
    }

    pub fn guarding(mut self, dir: &Path) -> Self {
        self.guarded = Some(dir.to_path_buf());
        self
    }

    pub fn writing(mut self, file: &Path) -> Self {
        self.outputs.push(file.to_path_buf());
        self
    }
}

/// What one invocation did.
#[derive(Debug)]
pub struct Outcome {
    /// `None` when killed by a signal or the time limit.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
    pub seconds: f64,
}

/// Runs `case` under [`TIME_LIMIT`] and [`MEMORY_LIMIT_KIB`]; returns the invariants it broke.
pub fn check(case: &Case) -> Vec<String> {
    let before = case.guarded.as_deref().map(guarded_bytes);
    let outcome = run(&case.args);
    if std::env::var_os("HOSTILE_SHOW").is_some() {
        eprintln!(
            "backprop {}\n    -> exit {:?}: {}",
            case.args.join(" "),
            outcome.code,
            outcome.stderr.trim().lines().last().unwrap_or("")
        );
    }
    let mut broken = violations(case, &outcome);
    if let (Some(dir), Some(before)) = (case.guarded.as_deref(), before)
        && outcome.code != Some(0)
        && guarded_bytes(dir) != before
    {
        broken.push("a failing command changed model.bpk or config.json".into());
    }
    broken
        .into_iter()
        .map(|why| {
            format!(
                "backprop {}\n    broke: {why}\n    exit {:?} after {:.1} s; stdout tail: {:?}; stderr: {:?}",
                case.args.join(" "),
                outcome.code,
                outcome.seconds,
                tail(&outcome.stdout),
                outcome.stderr.trim()
            )
        })
        .collect()
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(3)..].join(" | ")
}

/// The bytes of the guarded files (regular files only: a symlink to `/dev/zero` is compared
/// by its target, never read).
fn guarded_bytes(dir: &Path) -> Vec<Option<Vec<u8>>> {
    ["model.bpk", "config.json"]
        .iter()
        .map(|name| {
            let path = dir.join(name);
            let meta = std::fs::symlink_metadata(&path).ok()?;
            if meta.file_type().is_symlink() {
                return std::fs::read_link(&path)
                    .ok()
                    .map(|t| t.into_os_string().into_encoded_bytes());
            }
            if meta.is_file() {
                std::fs::read(&path).ok()
            } else {
                Some(b"<not a file>".to_vec())
            }
        })
        .collect()
}

/// The working directory is a fresh temporary one, so relative paths land there.
pub fn run(args: &[String]) -> Outcome {
    let scratch = tempfile::tempdir().unwrap();
    let cwd = scratch.path().join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let (out_path, err_path) = (scratch.path().join("out"), scratch.path().join("err"));
    let started = Instant::now();
    // HOSTILE_BIN runs the harness against another build (an older one, to see what it finds).
    let binary =
        std::env::var("HOSTILE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_backprop").into());
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(binary)
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .current_dir(&cwd)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("sh runs");
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            timed_out = true;
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Outcome {
        code: status.and_then(|s| s.code()),
        stdout: read(&out_path),
        stderr: read(&err_path),
        timed_out,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// The invariants `outcome` breaks (empty when it keeps them all).
pub fn violations(case: &Case, outcome: &Outcome) -> Vec<String> {
    let mut broken = Vec::new();
    let all = format!("{}{}", outcome.stdout, outcome.stderr);
    if outcome.timed_out {
        broken.push(format!("no answer within {} s", TIME_LIMIT.as_secs()));
    }
    for sign in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "memory allocation of",
    ] {
        if all.contains(sign) {
            broken.push(format!("printed '{sign}'"));
        }
    }
    let stderr = outcome.stderr.trim();
    match outcome.code {
        Some(0) => {
            if outcome.stdout.trim().is_empty() {
                broken.push("exit 0 with an empty report".into());
            }
            if let Some(token) = non_finite_token(&outcome.stdout) {
                broken.push(format!("exit 0 but printed '{token}' as a result"));
            }
            for file in &case.outputs {
                if std::fs::metadata(file).map_or(true, |m| m.len() == 0) {
                    broken.push(format!("exit 0 but {} was not written", file.display()));
                }
            }
        }
        Some(code @ (1 | 2)) => {
            if stderr.lines().count() != 1 || !stderr.starts_with("error: ") {
                broken.push("the error is not one line starting with 'error: '".into());
            }
            if code == 1 && case.input_error {
                broken.push("exit 1 (a failure at run time) for bad input, expected 2".into());
            }
            if code == 2
                && !case.culprits.is_empty()
                && !case
                    .culprits
                    .iter()
                    .any(|c| !c.is_empty() && stderr.contains(c.as_str()))
            {
                broken.push(format!("the error names none of {:?}", case.culprits));
            }
        }
        Some(code) => broken.push(format!("exit code {code}, expected 0, 1 or 2")),
        None if !outcome.timed_out => broken.push("killed by a signal".into()),
        None => {}
    }
    broken
}

/// The first word of `text` that reads as a non-finite number (`NaN`, `inf`, …).
pub fn non_finite_token(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .find(|word| {
            let word = word.trim_matches('.').to_ascii_lowercase();
            matches!(word.as_str(), "nan" | "inf" | "infinity")
        })
        .map(str::to_string)
}

/// Checks every case on all cores; returns the broken invariants of all of them.
pub fn check_all(cases: &[Case]) -> Vec<String> {
    let workers = std::env::var("HOSTILE_WORKERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let broken = check(case);
                    failures.lock().unwrap().extend(broken);
                }
            });
        }
    });
    failures.into_inner().unwrap()
}

/// Strings as owned arguments.
pub fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// Asserts that no case broke an invariant, listing every one that did.
pub fn assert_none(what: &str, count: usize, failures: &[String]) {
    eprintln!(
        "{what}: {count} invocations, {} broken invariant(s)",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{what}: {} of the checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
