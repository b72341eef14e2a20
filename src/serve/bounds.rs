//! The bounds of a run from the page: the library's own limits for one person, or the
//! class's, set by its teacher on the command line.

/// What a run from the page may ask for: the library's own limits, or a class's bounds set by
/// its teacher (`serve --class-max-epochs`, …).
#[derive(Debug, Clone, Copy)]
pub struct RunBounds {
    /// Most epochs a run.
    pub epochs: usize,
    /// Most training images a run (its `train_limit`, the whole split when not given).
    pub train_images: usize,
    /// Most activations (batch size × hidden units).
    pub activations: usize,
    /// Whether these are a class's bounds (the errors then name the teacher's flags).
    pub class: bool,
}
