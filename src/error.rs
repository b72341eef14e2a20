//! The library's error type: every variant names the file or setting at fault.

use std::path::PathBuf;

/// Errors from reading data, building models and writing artifacts.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A dataset file is missing, unreadable or malformed.
    #[error("{}: {reason}", path.display())]
    Data { path: PathBuf, reason: String },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A saved artifact (config, model record) is missing or does not fit.
    #[error("{}: {reason}", path.display())]
    Artifact { path: PathBuf, reason: String },
    /// A setting is out of range or conflicts with another one.
    #[error("{0}")]
    Config(String),
    /// The requested backend is not compiled in or cannot start.
    #[error("{0}")]
    Backend(String),
    /// Training failed on the device.
    #[error("training failed: {0}")]
    Training(String),
    /// Training stopped on a signal; the checkpoint of the last completed epoch remains.
    #[error(
        "interrupted; epoch {epoch} is the last completed and checkpointed in {}; continue with `backprop train --resume`",
        checkpoint.display()
    )]
    Interrupted { epoch: usize, checkpoint: PathBuf },
    /// The loss or a gradient stopped being finite (exploding gradients).
    #[error(
        "training diverged at epoch {epoch}, step {step}: {detail}; remedies: a smaller --lr, --init xavier or he (or a smaller --init-std), or --clip-grad-norm 1"
    )]
    Diverged {
        epoch: usize,
        step: usize,
        detail: String,
    },
    /// A gradient check found a mismatch.
    #[error("gradient check failed: {0}")]
    Check(String),
}

/// Exit status of a run stopped by a signal (128 + SIGINT), as shells report Ctrl-C.
pub const EXIT_INTERRUPTED: u8 = 130;

/// Result with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A data error for `path`.
    pub fn data(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Data {
            path: path.into(),
            reason: reason.into(),
        }
    }

    /// An I/O error for `path`, with a plain message for the common kinds.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// True for errors caused by what the user gave (files, flags), as opposed to failures at run time.
    pub fn is_input_error(&self) -> bool {
        !matches!(
            self,
            Error::Training(_)
                | Error::Check(_)
                | Error::Interrupted { .. }
                | Error::Diverged { .. }
        )
    }
}
