//! How a run from the page ended, and why: finished, stopped by its user, stopped because no
//! page followed it, diverged, or failed with an error. Every end is said on the event stream,
//! kept beside the run (`end.json`, for the runs table after a reload or a restart), and
//! written as one line in the server's log: no run ends in silence.

use std::path::Path;

use serde_json::{Value, json};

use crate::files::write_atomic;

/// The file of a run directory that keeps its end.
pub const END_FILE: &str = "end.json";

/// Why a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Cause {
    /// Every epoch ran (or the stop-above rule ended it early), and the model is saved.
    Finished,
    /// Its user pressed Stop.
    StoppedByUser,
    /// The class's teacher stopped it (`POST /api/class/stop`).
    StoppedByTeacher,
    /// No page followed it for this many seconds (`serve --idle-stop`).
    StoppedIdle(u64),
    /// The loss or a gradient stopped being finite at this epoch and step.
    Diverged { epoch: usize, step: usize },
    /// An error (or a panic of the worker), with its message.
    Failed(String),
}

/// The end of one run: its cause, the last completed epoch, and a sentence for people.
#[derive(Debug, Clone, PartialEq)]
pub struct RunEnd {
    pub cause: Cause,
    /// The last epoch whose model was kept (0: none).
    pub epoch: usize,
    pub message: String,
}

impl Cause {
    /// The cause's name on the event stream and in `end.json`.
    pub fn name(&self) -> &'static str {
        match self {
            Cause::Finished => "finished",
            Cause::StoppedByUser | Cause::StoppedByTeacher => "stopped",
            Cause::StoppedIdle(_) => "idle",
            Cause::Diverged { .. } => "diverged",
            Cause::Failed(_) => "failed",
        }
    }
}

impl RunEnd {
    /// The end of run `name` for `cause`, after `epoch` completed epochs.
    pub fn new(name: &str, cause: Cause, epoch: usize) -> Self {
        let kept = if epoch == 0 {
            format!("{name} has no model (no epoch ended)")
        } else {
            format!("{name} keeps epoch {epoch}")
        };
        let message = match &cause {
            Cause::Finished => format!("{name} finished after epoch {epoch}"),
            Cause::StoppedByUser => format!("stopped by its user; {kept}"),
            Cause::StoppedByTeacher => format!("stopped by the teacher; {kept}"),
            Cause::StoppedIdle(seconds) => {
                format!("stopped because no page followed it for {seconds} s; {kept}")
            }
            Cause::Diverged { epoch: e, step } => {
                format!("diverged at epoch {e}, step {step}; {kept}")
            }
            Cause::Failed(error) => format!("failed: {error}; {kept}"),
        };
        Self {
            cause,
            epoch,
            message,
        }
    }

    /// As JSON: `{"cause", "epoch", "message"}`, with `diverged_at` `{epoch, step}` or `seconds`
    /// where the cause has them.
    pub fn to_json(&self) -> Value {
        let mut value = json!({
            "cause": self.cause.name(),
            "epoch": self.epoch,
            "message": self.message,
        });
        match &self.cause {
            Cause::StoppedIdle(seconds) => value["seconds"] = json!(seconds),
            Cause::Diverged { epoch, step } => {
                value["diverged_at"] = json!({ "epoch": epoch, "step": step })
            }
            Cause::Failed(error) => value["error"] = json!(error),
            Cause::StoppedByTeacher => value["by"] = json!("teacher"),
            _ => {}
        }
        value
    }

    /// The server log's line, e.g. `run-3: stopped by its user; run-3 keeps epoch 2`.
    pub fn log_line(&self, name: &str) -> String {
        format!("{name}: {}", self.message)
    }

    /// Keeps the end beside the run (atomically; a failure to write is said in the log).
    pub fn save(&self, dir: &Path) {
        let text = serde_json::to_string_pretty(&self.to_json()).expect("JSON");
        if let Err(error) = write_atomic(&dir.join(END_FILE), text.as_bytes()) {
            eprintln!("cannot keep how the run ended: {error}");
        }
    }

    /// The end kept in `dir`, if any.
    pub fn load(dir: &Path) -> Option<Value> {
        let bytes = crate::files::read_regular(&dir.join(END_FILE), 64 << 10).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cause_says_what_ended_the_run() {
        let cases = [
            (
                Cause::Finished,
                6,
                "finished",
                "run-1 finished after epoch 6",
            ),
            (
                Cause::StoppedByUser,
                2,
                "stopped",
                "stopped by its user; run-1 keeps epoch 2",
            ),
            (
                Cause::StoppedIdle(60),
                0,
                "idle",
                "stopped because no page followed it for 60 s; run-1 has no model (no epoch ended)",
            ),
            (
                Cause::Diverged { epoch: 1, step: 17 },
                0,
                "diverged",
                "diverged at epoch 1, step 17; run-1 has no model (no epoch ended)",
            ),
            (
                Cause::Failed("disk full".into()),
                3,
                "failed",
                "failed: disk full; run-1 keeps epoch 3",
            ),
        ];
        for (cause, epoch, name, message) in cases {
            let end = RunEnd::new("run-1", cause, epoch);
            let json = end.to_json();
            assert_eq!(json["cause"], name);
            assert_eq!(json["message"], message);
            assert_eq!(end.log_line("run-1"), format!("run-1: {message}"));
        }
        let dir = std::env::temp_dir().join(format!("run-end-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let end = RunEnd::new("run-1", Cause::Diverged { epoch: 2, step: 5 }, 1);
        end.save(&dir);
        assert_eq!(RunEnd::load(&dir).unwrap(), end.to_json());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
