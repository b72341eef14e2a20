//! The lab's names of the parameters: `W1, b1, W2, b2, …`, input side first.

/// The names of the parameters of a network of `layers` linear layers, in [`super::Mlp::layers`]
/// order: `W1, b1, W2, b2, …`.
pub fn parameter_names(layers: usize) -> Vec<String> {
    (1..=layers)
        .flat_map(|l| [format!("W{l}"), format!("b{l}")])
        .collect()
}
