//! Running the study: every setting measured at initialisation, trained with the manual
//! engine's step (measured again after K steps), and evaluated.

use std::time::Instant;

use burn::prelude::*;

use super::config::StudyConfig;
use super::measure::{agreement, layer_stats};
use super::result::SettingResult;
use super::setting::InitChoice;
use crate::data::{Batches, MnistBatch, MnistSplit, Order};
use crate::error::Result;
use crate::evaluate::evaluate;
use crate::model::Activation;
use crate::train::{Divergence, PassWatch, train_step};

/// Runs every setting of `config` on `train` (probes and training) and `test` (accuracy),
/// calling `done` after each one (for progress output).
pub fn run(
    config: &StudyConfig,
    train: &MnistSplit,
    test: &MnistSplit,
    device: &Device,
    mut done: impl FnMut(&SettingResult),
) -> Result<Vec<SettingResult>> {
    config.validate(train)?;
    let batches = Batches::new(
        train,
        config.batch_size,
        config.train_limit,
        Order::File,
        device,
    );
    let probes: Vec<MnistBatch> = batches
        .iter()
        .take(config.probe_batches)
        .collect::<Result<_>>()?;
    let mut results = Vec::new();
    for &activation in &config.activations {
        for &init in &config.inits {
            let result = run_setting(config, activation, init, &batches, test, &probes, device)?;
            done(&result);
            results.push(result);
        }
    }
    Ok(results)
}

/// One setting: measure, train (measuring again after K steps), evaluate.
fn run_setting(
    config: &StudyConfig,
    activation: Activation,
    init: InitChoice,
    train: &Batches,
    test: &MnistSplit,
    probes: &[MnistBatch],
    device: &Device,
) -> Result<SettingResult> {
    let started = Instant::now();
    let mut model = config
        .model(activation, init)
        .init_seeded(device, config.seed);
    let at_init = layer_stats(&model, probes, config.lr);
    let agreement = agreement(&model, &probes[0]);

    let mut after = None;
    let mut after_step = 0;
    let mut diverged = None;
    let mut train_accuracy = None;
    'epochs: for epoch in 1..=config.epochs {
        let mut watch = PassWatch::training(model.head, train.steps());
        for batch in train.iter() {
            let batch = batch?;
            model = train_step(
                model,
                batch.images,
                batch.targets,
                config.lr,
                config.clip_grad_norm,
                &mut watch,
            );
            after_step += 1;
            let measure = after.is_none() && after_step == config.steps;
            let reading = match watch.batch_done() {
                None if measure => Some(watch.read()),
                reading => reading,
            };
            if let Some((step, detail)) = reading.and_then(|r| r.divergence.clone()) {
                after_step = (epoch - 1) * train.steps() + step - 1; // the finite steps
                diverged = Some(Divergence {
                    epoch,
                    step,
                    detail,
                });
                break 'epochs;
            }
            if measure {
                after = Some(layer_stats(&model, probes, config.lr));
            }
        }
        train_accuracy = watch.last().map(|r| r.accuracy);
    }
    if diverged.is_some() {
        train_accuracy = None;
    } else if after.is_none() {
        // The run was shorter than K steps: measure where it ended.
        after = Some(layer_stats(&model, probes, config.lr));
    }
    let test_accuracy = match diverged {
        None => Some(evaluate(&model, test, device)?.1),
        Some(_) => None,
    };
    Ok(SettingResult {
        activation,
        init,
        at_init,
        after,
        after_step: after_step.min(config.steps),
        agreement,
        train_accuracy,
        test_accuracy,
        diverged,
        seconds: started.elapsed().as_secs_f64(),
    })
}
