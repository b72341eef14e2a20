//! Burn's `Learner` as an engine: the model wrapper it trains, the passes that measure its steps
//! on the device, the loop of its epochs, the renderer that reports its progress as run events,
//! and the lab's stopping rule.

mod blocks;
mod events;
mod fit;
mod passes;
mod step;
mod stop;
mod strategy;

pub use fit::{fit, load_checkpoint};
pub use passes::{EpochPasses, LearnerPasses};
pub use step::GuardedMlp;
