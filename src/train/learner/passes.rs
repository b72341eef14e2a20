//! The Learner's passes, watched on the device: its training and test steps add to one shared
//! [`PassWatch`] per pass (Burn's own loss and accuracy metrics would read the device at every
//! step), the training steps stop the Learner at the first divergence found by a read, and the
//! renderer takes each epoch's figures once both passes are read.

use std::sync::{Arc, Mutex, MutexGuard};

use burn::prelude::*;
use burn::train::Interrupter;

use crate::model::{Head, Mlp};
use crate::train::divergence::Divergence;
use crate::train::watch::{PassReading, PassWatch};

/// Both passes of a completed epoch.
#[derive(Debug, Clone)]
pub struct EpochPasses {
    /// The training pass (running mean over its steps, as the lab reports it).
    pub train: PassReading,
    /// The test pass after the steps.
    pub test: PassReading,
    /// Seconds both passes would have taken at their steady speed (see
    /// [`PassWatch::steady_seconds`]).
    pub steady_seconds: f64,
    /// The model the test pass ran: the one after the epoch's steps (plain device).
    pub model: Option<Mlp>,
}

/// Shared between the model's steps (the Learner's thread) and the renderer (its event thread).
#[derive(Clone)]
pub struct LearnerPasses {
    state: Arc<Mutex<State>>,
}

struct State {
    head: Head,
    steps_per_epoch: usize,
    test_batches: usize,
    /// The epoch of the training pass under way, or of the next one.
    epoch: usize,
    train: Option<PassWatch>,
    test: Option<PassWatch>,
    trained: Option<(PassReading, f64)>,
    /// The model of the test pass under way, kept at its first batch.
    tested_model: Option<Mlp>,
    done: Option<EpochPasses>,
    divergence: Option<Divergence>,
    interrupter: Interrupter,
}

impl LearnerPasses {
    /// Passes of a model with output `head`, from `first_epoch`, with `steps_per_epoch` training
    /// steps and `test_batches` test batches per epoch; a divergence stops `interrupter`.
    pub fn new(
        head: Head,
        first_epoch: usize,
        steps_per_epoch: usize,
        test_batches: usize,
        interrupter: Interrupter,
    ) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                head,
                steps_per_epoch,
                test_batches,
                epoch: first_epoch,
                train: None,
                test: None,
                trained: None,
                tested_model: None,
                done: None,
                divergence: None,
                interrupter,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// One training step (plain tensors, no autodiff): device work, and a read when one is due.
    ///
    /// # Shapes
    /// - `logits`: `[m, k]`, `targets`: `[m]`, `objective`: `[1]`, each of `gradient_sums`: `[1]`
    pub fn training_step(
        &self,
        logits: Tensor<2>,
        targets: Tensor<1, Int>,
        objective: Tensor<1>,
        gradient_sums: Vec<Tensor<1>>,
    ) {
        let mut state = self.lock();
        let (head, steps) = (state.head, state.steps_per_epoch);
        let watch = state
            .train
            .get_or_insert_with(|| PassWatch::training(head, steps));
        watch.check_step(objective, gradient_sums);
        watch.add(logits, targets);
        let found = watch.batch_done().and_then(|r| r.divergence.clone());
        if let Some((step, detail)) = found {
            let epoch = state.epoch;
            if state.divergence.is_none() {
                state.divergence = Some(Divergence {
                    epoch,
                    step,
                    detail,
                });
                state.interrupter.stop(Some("training diverged"));
            }
            return;
        }
        if let Some(watch) = state.train.take_if(|w| w.complete()) {
            state.trained = watch.last().cloned().map(|r| (r, watch.steady_seconds()));
            state.epoch += 1;
        }
    }

    /// One test batch of `model`: device work, and a read when one is due. The first batch of
    /// a pass keeps `model()` (the model after the epoch's steps) for the epoch's observers.
    ///
    /// # Shapes
    /// - `logits`: `[m, k]`, `targets`: `[m]`
    pub fn test_batch(
        &self,
        logits: Tensor<2>,
        targets: Tensor<1, Int>,
        model: impl FnOnce() -> Mlp,
    ) {
        let mut state = self.lock();
        let (head, batches) = (state.head, state.test_batches);
        if state.test.is_none() {
            state.tested_model = Some(model());
        }
        let watch = state
            .test
            .get_or_insert_with(|| PassWatch::test(head, batches));
        watch.add(logits, targets);
        watch.batch_done();
        if let Some(watch) = state.test.take_if(|w| w.complete()) {
            let tested = watch.last().cloned();
            if let (Some((train, steady)), Some(test)) = (state.trained.take(), tested) {
                state.done = Some(EpochPasses {
                    train,
                    test,
                    steady_seconds: steady + watch.steady_seconds(),
                    model: state.tested_model.take(),
                });
            }
        }
    }

    /// The figures of the epoch whose passes are both complete, once.
    pub fn take_epoch(&self) -> Option<EpochPasses> {
        self.lock().done.take()
    }

    /// The first divergence found, if any.
    pub fn divergence(&self) -> Option<Divergence> {
        self.lock().divergence.clone()
    }
}

impl std::fmt::Debug for LearnerPasses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LearnerPasses")
            .field("epoch", &self.lock().epoch)
            .finish()
    }
}
