//! Training reads the device a fixed number of times per epoch, however many steps the epoch
//! has: on a GPU every read waits for the device's queue to drain, so reads that grow with the
//! steps leave the GPU idle. Counted on the CPU backend through `readback::host_reads`, the one
//! function through which training reads (the Learner runs without Burn's metrics, which read
//! at every step). One test in this file: the counter is the process's.

mod common;

use backprop::model::MlpConfig;
use backprop::readback::host_reads;
use backprop::train::watch::{TEST_READS, TRAINING_READS};
use backprop::train::{Engine, TrainingConfig};

#[test]
fn an_epoch_reads_the_device_the_same_few_times_whatever_its_steps() {
    let data = common::mnist();
    let per_epoch = (TRAINING_READS + TEST_READS) as u64;
    for engine in [Engine::Learner, Engine::Manual] {
        let reads = |images: usize, epochs: usize| {
            let config = TrainingConfig::new(MlpConfig::new())
                .with_engine(engine)
                .with_epochs(epochs)
                .with_train_limit(Some(images));
            let before = host_reads();
            let outcome = common::train_silently(&config, &data);
            assert!(outcome.is_ok(), "{engine:?}: {outcome:?}");
            host_reads() - before
        };
        // 10, 100 and 400 steps of 128 images; 10 test batches of 1,000.
        let (few, some, many) = (reads(1280, 1), reads(12_800, 1), reads(51_200, 1));
        assert_eq!(
            (few, some, many),
            (per_epoch, per_epoch, per_epoch),
            "{engine:?}"
        );
        assert_eq!(reads(6400, 3), 3 * per_epoch, "{engine:?}: per epoch");
    }
}
