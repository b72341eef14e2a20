//! What the study measured for one activation × initialisation.

use super::measure::{Agreement, LayerStat};
use super::setting::InitChoice;
use crate::model::Activation;
use crate::train::Divergence;

/// Everything measured for one activation × initialisation.
#[derive(Debug, Clone)]
pub struct SettingResult {
    /// Hidden activation.
    pub activation: Activation,
    /// Initialisation.
    pub init: InitChoice,
    /// Per layer (input side first), at initialisation.
    pub at_init: Vec<LayerStat>,
    /// Per layer after [`SettingResult::after_step`] SGD steps; `None` if training diverged first.
    pub after: Option<Vec<LayerStat>>,
    /// Steps taken before the second measurement (K, or fewer if the run was shorter).
    pub after_step: usize,
    /// Manual against autodiff gradients on the first probe batch.
    pub agreement: Agreement,
    /// Mean train accuracy (%) of the last training epoch; `None` if training diverged.
    pub train_accuracy: Option<f64>,
    /// Test accuracy (%) after training; `None` if training diverged.
    pub test_accuracy: Option<f64>,
    /// Where training diverged, if it did.
    pub diverged: Option<Divergence>,
    /// Wall time of this setting, in seconds.
    pub seconds: f64,
}

impl SettingResult {
    /// ‖dW_1‖ / ‖dW_L‖ of a measurement: ≪ 1 when gradients vanish towards the input, ≫ 1 when
    /// they explode.
    pub fn first_to_last(stats: &[LayerStat]) -> f64 {
        match (stats.first(), stats.last()) {
            (Some(first), Some(last)) => first.grad_norm / last.grad_norm,
            _ => f64::NAN,
        }
    }
}
