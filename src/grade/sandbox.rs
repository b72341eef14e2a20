//! The student's code runs in a separate Python process, never in backprop's: its own empty
//! working directory (HOME too), an environment holding only PATH and the thread counts, a
//! memory limit (RLIMIT_AS), a CPU-time limit (RLIMIT_CPU), a file-size limit, no core dumps,
//! its own process group (everything it starts is killed with it), and a wall-clock limit after
//! which the whole group is killed. The harness writes one JSON line per step on its standard
//! output, so the steps done before a kill are kept.
//!
//! This bounds mistakes (an endless loop, a huge allocation, files written where they should
//! not be); it is not a security boundary against a hostile user on a shared machine.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// The harness, embedded in the binary and written into each sandbox.
const HARNESS: &str = include_str!("harness.py");

/// Most bytes of protocol read back from the harness.
const MAX_PROTOCOL: u64 = 256 << 20;

/// The limits of one grading process.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock seconds for the whole file.
    pub seconds: f64,
    /// Seconds for one call of one of the student's functions.
    pub seconds_per_call: f64,
    /// Address space in bytes.
    pub memory: u64,
}

/// How the process ended, and what it said.
#[derive(Debug)]
pub struct Ran {
    /// One JSON value per line the harness wrote.
    pub records: Vec<serde_json::Value>,
    /// Why the process did not finish normally, if it did not.
    pub ended: Option<String>,
    /// The start of what the student's code printed.
    pub output: String,
}

/// A temporary directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<Self> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::temp_dir();
        for attempt in 0..100u32 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let path = base.join(format!(
                "backprop-grade-{}-{nanos:x}-{attempt}",
                std::process::id()
            ));
            match std::fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => return Ok(Self(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("no free temporary directory name"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the harness with `python` on `request` (the JSON the harness reads on stdin).
pub fn run_harness(python: &Path, request: &[u8], limits: Limits) -> Result<Ran> {
    let dir = TempDir::new().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let harness = dir.0.join("harness.py");
    std::fs::write(&harness, HARNESS).map_err(|e| Error::io(&harness, e))?;
    let work = dir.0.join("work");
    std::fs::create_dir(&work).map_err(|e| Error::io(&work, e))?;

    let mut command = Command::new(python);
    command
        .arg("-B")
        .arg(&harness)
        .current_dir(&work)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &work)
        .env("TMPDIR", &work)
        .env("LANG", "C.UTF-8")
        .env("PYTHONIOENCODING", "utf-8")
        .env("PYTHONHASHSEED", "0")
        .env("OPENBLAS_NUM_THREADS", "1")
        .env("OMP_NUM_THREADS", "1")
        .env("MKL_NUM_THREADS", "1")
        .env("MPLBACKEND", "Agg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let memory = limits.memory;
    let cpu = limits.seconds.ceil() as u64 + 1;
    // SAFETY: between fork and exec only async-signal-safe calls (setsid, setrlimit).
    unsafe {
        command.pre_exec(move || {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            let limit = |resource, value: u64| {
                let r = libc::rlimit {
                    rlim_cur: value as libc::rlim_t,
                    rlim_max: value as libc::rlim_t,
                };
                libc::setrlimit(resource, &r)
            };
            limit(libc::RLIMIT_AS, memory);
            limit(libc::RLIMIT_CPU, cpu);
            limit(libc::RLIMIT_FSIZE, 64 << 20);
            limit(libc::RLIMIT_CORE, 0);
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| Error::Config(format!("--python: cannot start {}: {e}", python.display())))?;
    let group = child.id() as libc::pid_t;
    let kill_group = || {
        // SAFETY: signals the process group the child leads; harmless if it is gone.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    };

    let mut stdin = child.stdin.take().expect("piped");
    let request = request.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&request);
    });
    let stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.take(MAX_PROTOCOL).read_to_end(&mut bytes);
        bytes
    });

    let deadline = started + Duration::from_secs_f64(limits.seconds);
    let mut ended = None;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                if !status.success() {
                    ended = Some(describe_exit(status, limits));
                }
                break;
            }
            Ok(None) if Instant::now() >= deadline => {
                kill_group();
                let _ = child.wait();
                ended = Some(format!(
                    "stopped after {} s (--timeout): the file took too long",
                    limits.seconds
                ));
                break;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(Error::io(python, e)),
        }
    }
    // Whatever the student's code started in the background goes with it.
    kill_group();
    let _ = writer.join();
    let bytes = reader.join().unwrap_or_default();
    let records = String::from_utf8_lossy(&bytes)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let output = std::fs::read(work.join("student-output.txt"))
        .map(|b| String::from_utf8_lossy(&b[..b.len().min(4000)]).into_owned())
        .unwrap_or_default();
    Ok(Ran {
        records,
        ended,
        output,
    })
}

fn describe_exit(status: std::process::ExitStatus, limits: Limits) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(libc::SIGXCPU) => format!(
            "stopped by its CPU-time limit ({} s)",
            limits.seconds.ceil()
        ),
        Some(libc::SIGKILL) => format!("killed (its memory limit is {} MB)", limits.memory >> 20),
        Some(libc::SIGSEGV) => "crashed (segmentation fault)".to_string(),
        Some(signal) => format!("killed by signal {signal}"),
        None => format!("exited with status {}", status.code().unwrap_or(-1)),
    }
}

/// The Python to use: `given` (the `--python` flag), else `BACKPROP_PYTHON`, else the first of
/// `python3`, `/usr/bin/python3`, `python` that imports NumPy.
pub fn find_python(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = given {
        return match imports_numpy(path) {
            Ok(()) => Ok(path.to_path_buf()),
            Err(why) => Err(Error::Config(format!("--python {}: {why}", path.display()))),
        };
    }
    if let Some(path) = std::env::var_os("BACKPROP_PYTHON").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return match imports_numpy(&path) {
            Ok(()) => Ok(path),
            Err(why) => Err(Error::Config(format!(
                "BACKPROP_PYTHON={}: {why}",
                path.display()
            ))),
        };
    }
    let mut tried = Vec::new();
    for candidate in ["python3", "/usr/bin/python3", "python"] {
        let path = PathBuf::from(candidate);
        match imports_numpy(&path) {
            Ok(()) => return Ok(path),
            Err(why) => tried.push(format!("{candidate} ({why})")),
        }
    }
    Err(Error::Config(format!(
        "no Python with NumPy found: tried {}; install NumPy (python3 -m pip install numpy) or pass --python PATH",
        tried.join(", ")
    )))
}

/// `Ok` when `python` runs and imports NumPy within 20 s.
fn imports_numpy(python: &Path) -> std::result::Result<(), String> {
    let mut child = Command::new(python)
        .args(["-c", "import numpy"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "not found".to_string(),
            _ => e.to_string(),
        })?;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(_)) => {
                let mut err = String::new();
                if let Some(mut s) = child.stderr.take() {
                    let _ = s.read_to_string(&mut err);
                }
                let last = err
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("");
                return Err(if last.contains("No module named") {
                    "cannot import numpy".to_string()
                } else {
                    format!("cannot import numpy: {}", last.trim())
                });
            }
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("did not answer within 20 s".to_string());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    }
}
