//! What the server holds between requests: the dataset (loaded once, and staged once for every
//! run), the device, the labs (one, or one per member of a class), the training scheduler, the
//! bounds of a run from the page, and the one report (gradient check or study) running.

use std::sync::{Arc, Mutex, OnceLock};

use burn::prelude::Device;

use super::bounds::RunBounds;
use super::class::Class;
use super::lab::SharedLab;
use super::memory::MemoryBudget;
use super::scheduler::Scheduler;
use crate::backend::Backend;
use crate::data::{Mnist, StagedMnist};

/// Where the running report stands.
#[derive(Debug, Clone, Copy)]
pub struct ReportProgress {
    /// Networks done, of `total` (0 of 0 before the first line).
    pub done: usize,
    pub total: usize,
    /// Seconds since the report started.
    pub elapsed_seconds: f64,
    /// Its whole time at the pace so far.
    pub projected_seconds: f64,
}

impl ReportProgress {
    /// Before the report's first progress line.
    pub fn starting() -> Self {
        Self {
            done: 0,
            total: 0,
            elapsed_seconds: 0.0,
            projected_seconds: 0.0,
        }
    }

    /// `done` of `total` after `elapsed`.
    pub fn at(done: usize, total: usize, elapsed: std::time::Duration) -> Self {
        let elapsed_seconds = elapsed.as_secs_f64();
        Self {
            done,
            total,
            elapsed_seconds,
            projected_seconds: elapsed_seconds / done as f64 * total as f64,
        }
    }
}

/// Who the server is for.
pub enum Mode {
    /// One person, one lab (the artifact directory itself).
    Single(SharedLab),
    /// A class: a lab per member, reached through a session.
    Class(Arc<Class>),
}

/// The report running now: whose, and where it stands.
pub struct RunningReport {
    pub lab: SharedLab,
    pub progress: ReportProgress,
}

/// The server's state, shared by every request.
pub struct AppState {
    pub data: Arc<Mnist>,
    /// Both splits on the device, staged on the first run and shared by every run after it.
    pub staged: OnceLock<Arc<StagedMnist>>,
    pub data_dir: std::path::PathBuf,
    pub device: Device,
    pub backend: Backend,
    pub mode: Mode,
    /// The training slots and their queue.
    pub scheduler: Scheduler,
    /// Compute threads each run trains on.
    pub threads_per_run: usize,
    /// What a run from the page may ask for.
    pub bounds: RunBounds,
    /// The resident memory past which new work is refused.
    pub memory: MemoryBudget,
    /// True while a gradient check or a study runs (one at a time for the whole server).
    pub report_running: Mutex<bool>,
    /// The running report, from its progress lines.
    pub report: Mutex<Option<RunningReport>>,
    /// How long a run may go on with no page following it.
    pub idle_stop: std::time::Duration,
    /// How long a client has to send a request's headers, and then its body.
    pub request_timeout: std::time::Duration,
}

pub type SharedState = Arc<AppState>;

impl AppState {
    /// Both splits staged on the device (the first call stages them).
    pub fn staged(&self) -> Arc<StagedMnist> {
        self.staged
            .get_or_init(|| Arc::new(StagedMnist::new(&self.data, &self.device)))
            .clone()
    }

    /// Every lab: the one, or each member's.
    pub fn labs(&self) -> Vec<SharedLab> {
        match &self.mode {
            Mode::Single(lab) => vec![lab.clone()],
            Mode::Class(class) => class.members().into_iter().map(|m| m.lab.clone()).collect(),
        }
    }

    /// A directory as the page shows it: in full for one person on their own machine; in
    /// class mode from the lab's own folder (`runs/run-3`), never the server's paths.
    pub fn shown_dir(&self, dir: &std::path::Path) -> String {
        if self.class().is_none() {
            return dir.display().to_string();
        }
        let mut parts: Vec<String> = dir
            .components()
            .rev()
            .take(2)
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        parts.reverse();
        parts.join("/")
    }

    /// The class, in class mode.
    pub fn class(&self) -> Option<&Arc<Class>> {
        match &self.mode {
            Mode::Class(class) => Some(class),
            Mode::Single(_) => None,
        }
    }
}
