//! Training: Burn's `Learner` (autodiff) or the manual engine (the lab's equations), with the
//! same initial weights, batches, stopping rule and events; each run reports through a
//! [`RunObserver`] (the terminal printer and the checkpoint writer are two).

pub mod checkpoint;
pub mod config;
pub mod divergence;
pub mod engine;
pub mod fit;
pub mod interrupt;
pub mod learner;
pub mod manual_engine;
pub mod manual_step;
pub mod metrics;
pub mod observer;
pub mod printer;
pub mod progress;
pub mod warmup;
pub mod watch;

pub use checkpoint::{CheckpointWriter, Checkpoints, ResumePoint};
pub use config::{Engine, TrainingConfig, check_batch, check_count, check_sgd};
pub use divergence::{Divergence, non_finite};
pub use engine::{fit, load_checkpoint, staged_training_batches, training_batches};
pub use fit::{Fit, Job};
pub use manual_step::train_step;
pub use metrics::EpochMetrics;
pub use observer::{
    Fanout, Pass, Progress, RunObserver, RunStart, SharedObserver, Silent, notify, shared,
};
pub use printer::TerminalPrinter;
pub use warmup::WarmUp;
pub use watch::{Cadence, PassReading, PassWatch};
