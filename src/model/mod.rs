//! The model: the lab's MLP as a Burn module, its configuration, its parameter names and its
//! record files.

mod choices;
mod mlp;
mod names;
mod record;

pub use choices::{Activation, Head, WeightInit, choice_name};
pub use mlp::{Mlp, MlpConfig};
pub use names::parameter_names;
pub use record::{load_into, load_record, record_bytes};
