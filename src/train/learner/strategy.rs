//! The Learner's epoch loop, as a Burn learning strategy: Burn's single-device loop (train pass,
//! test pass, checkpoint, early stopping, each epoch), telling its event thread of the passes'
//! batches at the progress cadence instead of at every batch.
//!
//! Burn's own loop sends each step to the Learner's event thread through a channel of one
//! message. That thread sleeps between steps, so each step wakes it, and the waking thread is
//! often preempted while it runs: ≈ 5 of the 7 context switches per step of a two-thread run.
//! A round trip to a sleeping thread took 42 µs on a 2-core virtual machine (AMD EPYC, KVM),
//! against ≈ 600 µs of arithmetic in a step: a cost on any CPU, larger where the hypervisor
//! wakes an idle core slowly. Here a pass tells [`PROGRESS_REPORTS`] of its batches at most
//! (the same ones the manual engine tells, so the observers hear the same events from both).

use burn::data::dataloader::DataLoader;
use burn::optim::lr_scheduler::module_lr_scheduler::ModuleLearningRate;
use burn::prelude::*;
use burn::train::{
    EventProcessorTraining, InferenceStep, Interrupter, Learner, LearnerEvent, LearnerModel,
    SupervisedLearningStrategy, SupervisedTrainingEventProcessor, TrainLoader, TrainingComponents,
    TrainingError, TrainingItem, ValidLoader,
};

use crate::train::observer::PROGRESS_REPORTS;
use crate::train::watch::Cadence;

/// Burn's single-device training loop with the step events at the progress cadence (without
/// Burn's gradient accumulation, which this engine does not use).
pub struct CadencedLoop {
    /// The autodiff device the steps run on (the test pass runs on its plain twin).
    device: Device,
    /// Batches of a training pass.
    train_steps: usize,
    /// Batches of a test pass.
    test_steps: usize,
}

impl CadencedLoop {
    /// The loop on `device` (autodiff), for passes of `train_steps` and `test_steps` batches.
    pub fn new(device: Device, train_steps: usize, test_steps: usize) -> Self {
        Self {
            device,
            train_steps,
            test_steps,
        }
    }
}

impl<M: LearnerModel> SupervisedLearningStrategy<M> for CadencedLoop {
    fn fit(
        &self,
        components: TrainingComponents<M>,
        mut learner: Learner<M>,
        train: TrainLoader<M>,
        test: ValidLoader<M>,
        starting_epoch: usize,
    ) -> (M, SupervisedTrainingEventProcessor<M>) {
        let train = train.to_device(&self.device);
        let test = test.to_device(&self.device.clone().inner());
        learner.fork(&self.device);
        let TrainingComponents {
            num_epochs,
            mut checkpointer,
            interrupter,
            mut early_stopping,
            mut event_processor,
            event_store,
            ..
        } = components;
        let events = &mut event_processor;
        for epoch in starting_epoch..=num_epochs {
            let start = LearnerEvent::StartSplit {
                epoch_number: epoch,
                total_items: train.num_items(),
            };
            interrupter.fail_on_error(events.process_train(start));
            let cadence = Cadence::new(self.train_steps, PROGRESS_REPORTS);
            run_pass(
                train.as_ref(),
                cadence,
                &interrupter,
                |batch| {
                    let output = learner.train_step(batch);
                    learner.lr_step();
                    learner.optimizer_step(output.grads);
                    (output.item, Some(learner.lr_current()))
                },
                |item| events.process_train(LearnerEvent::ProcessedItem(item)),
            );
            interrupter.fail_on_error(events.process_train(LearnerEvent::EndSplit(epoch)));
            if interrupter.should_stop() {
                break;
            }

            let start = LearnerEvent::StartSplit {
                epoch_number: epoch,
                total_items: test.num_items(),
            };
            interrupter.fail_on_error(events.process_valid(start));
            let model = learner.model().valid();
            let cadence = Cadence::new(self.test_steps, PROGRESS_REPORTS);
            run_pass(
                test.as_ref(),
                cadence,
                &interrupter,
                |batch| (InferenceStep::step(&model, batch), None),
                |item| events.process_valid(LearnerEvent::ProcessedItem(item)),
            );
            interrupter.fail_on_error(events.process_valid(LearnerEvent::EndSplit(epoch)));
            interrupter.fail_on_error(events.process_train(LearnerEvent::EndEpoch(epoch)));
            if checkpointer.is_some() || early_stopping.is_some() {
                interrupter.fail_on_error(events.flush());
            }
            if interrupter.should_stop() {
                break;
            }
            if let Some(checkpointer) = &mut checkpointer {
                checkpointer.checkpoint(&learner, epoch, &event_store);
            }
            if let Some(stopping) = &mut early_stopping
                && stopping.should_stop(epoch, &event_store)
            {
                break;
            }
        }
        (learner.model(), event_processor)
    }
}

/// One pass over `loader`: `step` of each batch (its output and the learning rate it ran
/// with), and `tell` of the batches `cadence` makes due; it ends early at a loader error or a
/// stop request, both given to `interrupter`.
fn run_pass<I, O, E: Into<TrainingError>>(
    loader: &dyn DataLoader<I>,
    cadence: Cadence,
    interrupter: &Interrupter,
    mut step: impl FnMut(I) -> (O, Option<ModuleLearningRate>),
    mut tell: impl FnMut(TrainingItem<O>) -> Result<(), E>,
) {
    let mut batches = loader.iter();
    let mut done = 0;
    while let Some(batch) = batches.next() {
        let batch = match batch {
            Ok(batch) => batch,
            Err(error) => {
                interrupter.fail(error);
                break;
            }
        };
        done += 1;
        let (output, lr) = step(batch);
        if cadence.due(done) {
            let item = TrainingItem::new(output, batches.progress(), Some(done), lr);
            interrupter.fail_on_error(tell(item));
        }
        if interrupter.should_stop() {
            break;
        }
    }
}
