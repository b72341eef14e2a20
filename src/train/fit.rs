//! What an engine hands back.

use super::metrics::EpochMetrics;
use crate::model::Mlp;

/// What an engine hands back when it stops without an error.
#[derive(Debug)]
pub struct Fit {
    /// The model, on the plain (non-autodiff) device.
    pub model: Mlp,
    /// Every completed epoch, those before a resume included.
    pub epochs: Vec<EpochMetrics>,
    /// True when a stop was requested before the last epoch.
    pub interrupted: bool,
}
