//! One training run from end to end: the initial weights (seeded, from a lab-layout file, or
//! from the checkpoint of an interrupted run), an engine, the checkpoint writer beside the
//! caller's observer, and the artifacts once training succeeds.

use std::path::Path;
use std::time::Instant;

use burn::prelude::*;

use crate::artifacts::ArtifactDir;
use crate::data::{Mnist, StagedMnist, StagedSplit};
use crate::error::{Error, Result};
use crate::export::import_lab_weights;
use crate::plot::draw_curves;
use crate::train::{
    CheckpointWriter, Checkpoints, Divergence, EpochMetrics, Fanout, Job, ResumePoint, RunStart,
    SharedObserver, TrainingConfig, fit, load_checkpoint, notify, shared, staged_training_batches,
    training_batches,
};

/// What a finished run produced.
#[derive(Debug)]
pub struct TrainOutcome {
    /// The trained model, on the plain (non-autodiff) device.
    pub model: crate::model::Mlp,
    /// One entry per completed epoch.
    pub epochs: Vec<EpochMetrics>,
    /// Wall time of the training loop, in seconds.
    pub seconds: f64,
    /// Epochs trained by this call (fewer than `epochs` after a resume).
    pub epochs_run: usize,
}

impl TrainOutcome {
    /// The last completed epoch (its test figures are the final model's).
    pub fn last(&self) -> &EpochMetrics {
        self.epochs
            .last()
            .expect("a finished run has at least one epoch")
    }
}

/// Trains `config.model` on `data` with `config.engine` on `device` (a plain device; the
/// Learner adds autodiff itself), telling `observer` how it goes, writing `config.json`,
/// `model.bpk`, `metrics.csv` and `curves.png` to `artifacts` once training succeeds, and
/// per-epoch checkpoints to `artifacts/checkpoint/` meanwhile. The initial weights are drawn
/// on `device` from `config.seed` (or read from `config.init_from`), so both engines start
/// from the same ones.
pub fn train(
    config: &TrainingConfig,
    data: &Mnist,
    device: &Device,
    artifacts: &ArtifactDir,
    observer: SharedObserver,
) -> Result<TrainOutcome> {
    run(config, data, None, device, artifacts, None, observer)
}

/// [`train`] on `staged`, `data` already on `device` and shared with other runs (a server's):
/// the run adds only its model, its optimizer's state and its batches.
pub fn train_staged(
    config: &TrainingConfig,
    data: &Mnist,
    staged: &StagedMnist,
    device: &Device,
    artifacts: &ArtifactDir,
    observer: SharedObserver,
) -> Result<TrainOutcome> {
    run(
        config,
        data,
        Some(staged),
        device,
        artifacts,
        None,
        observer,
    )
}

/// Continues the interrupted run in `artifacts` from its last completed epoch, with its own
/// settings; ends as [`train`] does.
pub fn resume(
    data: &Mnist,
    device: &Device,
    artifacts: &ArtifactDir,
    observer: SharedObserver,
) -> Result<TrainOutcome> {
    resume_with(data, None, device, artifacts, observer)
}

/// [`resume`] on `staged`, as [`train_staged`] trains.
pub fn resume_staged(
    data: &Mnist,
    staged: &StagedMnist,
    device: &Device,
    artifacts: &ArtifactDir,
    observer: SharedObserver,
) -> Result<TrainOutcome> {
    resume_with(data, Some(staged), device, artifacts, observer)
}

fn resume_with(
    data: &Mnist,
    staged: Option<&StagedMnist>,
    device: &Device,
    artifacts: &ArtifactDir,
    observer: SharedObserver,
) -> Result<TrainOutcome> {
    let point = Checkpoints::new(artifacts.root()).resume_point()?;
    let config = point.config.clone();
    run(
        &config,
        data,
        staged,
        device,
        artifacts,
        Some(point),
        observer,
    )
}

fn run(
    config: &TrainingConfig,
    data: &Mnist,
    staged: Option<&StagedMnist>,
    device: &Device,
    artifacts: &ArtifactDir,
    resume: Option<ResumePoint>,
    observer: SharedObserver,
) -> Result<TrainOutcome> {
    config.validate()?;
    check_input_size(config, data)?;
    let checkpoints = Checkpoints::new(artifacts.root());
    // config.json and model.bpk are written together once training succeeds, so a run that
    // fails or is killed leaves the previous pair loadable.
    artifacts.create()?;
    let (model, done) = match resume {
        Some(point) => (
            load_checkpoint(config, &checkpoints, point.epoch, device)?,
            point.epochs,
        ),
        None => {
            let model = match &config.init_from {
                Some(file) => import_lab_weights(&config.model, Path::new(file), device)?,
                None => config.model.init_seeded(device, config.seed),
            };
            (model, Vec::new())
        }
    };

    // The checkpoint writer first: when the caller hears that the run started or that an epoch
    // ended, its settings and that epoch are already on disk (a server lists them at once).
    let observers = shared(Fanout::new(vec![
        shared(CheckpointWriter::new(checkpoints.clone())),
        observer,
    ]));
    let (train, test) = match staged {
        Some(staged) => (
            staged_training_batches(config, &staged.train, device),
            staged.test.clone(),
        ),
        None => (
            training_batches(config, &data.train, device),
            StagedSplit::new(&data.test, device),
        ),
    };
    let start = RunStart {
        config: config.clone(),
        done: done.clone(),
        train_images: train.images(),
        test_images: data.test.len(),
        steps_per_epoch: train.steps(),
        model: model.clone(),
    };
    notify(&observers, |o| o.started(&start))?;

    let resumed_epochs = done.len();
    let started = Instant::now();
    let job = Job {
        config,
        train: &train,
        test: &test,
        device,
        checkpoints: &checkpoints,
        observer: observers.clone(),
    };
    let fit = fit(&job, model, done).inspect_err(|error| {
        if let Some(divergence) = Divergence::of(error) {
            notify(&observers, |o| o.diverged(&divergence));
        }
    })?;
    let seconds = started.elapsed().as_secs_f64();
    if fit.interrupted {
        notify(&observers, |o| o.interrupted(&fit.epochs));
        return Err(Error::Interrupted {
            epoch: fit.epochs.last().map_or(0, |e| e.epoch),
            checkpoint: checkpoints.dir().to_path_buf(),
        });
    }
    if fit.epochs.is_empty() {
        return Err(Error::Training("no epoch completed".into()));
    }
    artifacts.save_config(config)?;
    artifacts.save_model(&fit.model)?;
    artifacts.save_metrics(&fit.epochs)?;
    draw_curves(&fit.epochs, &artifacts.curves_path())?;
    notify(&observers, |o| o.finished(&fit.epochs))?;
    Ok(TrainOutcome {
        model: fit.model,
        epochs_run: fit.epochs.len() - resumed_epochs,
        epochs: fit.epochs,
        seconds,
    })
}

/// The images must have as many pixels as the model has inputs.
fn check_input_size(config: &TrainingConfig, data: &Mnist) -> Result<()> {
    data.train.check_pixels(config.model.inputs)?;
    data.test.check_pixels(config.model.inputs)
}
