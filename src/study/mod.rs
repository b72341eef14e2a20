//! Vanishing and exploding gradients, measured (the lab's step 4).
//!
//! For every hidden activation × initialisation, a deep MLP (default 8 hidden layers of 64
//! units) is built from one seed; each layer's weight-gradient norm ‖dW_l‖ and update-to-weight
//! ratio η‖dW_l‖/‖W_l‖ are measured on fixed real MNIST batches at initialisation and after K
//! SGD steps; the manual gradients are checked against autodiff on one batch; and a short
//! training run (one epoch by default) tells whether the network learns at all.

mod config;
mod figure;
mod measure;
mod report;
mod result;
mod runner;
mod setting;

pub use config::StudyConfig;
pub use figure::{STUDY_SIZE, draw_study};
pub use measure::{AGREEMENT_TOLERANCE, Agreement, LayerStat, agreement, layer_stats};
pub use report::{layers_csv, print_tables, summary_csv};
pub use result::SettingResult;
pub use runner::run;
pub use setting::InitChoice;
