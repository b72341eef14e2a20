//! The fused operations (src/fused/) in f32 against their composed forms, on every activation
//! and head: forward values, losses and every gradient of whole networks on real MNIST batches.

#[path = "fused/check.rs"]
mod check;
mod common;

use backprop::gradients::Precision;
use burn::prelude::*;

#[test]
fn networks_with_fused_operations_have_the_composed_gradients_in_f32() {
    let failures = check::networks_agree(&Device::default(), Precision::F32);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_fused_cross_entropy_gradient_is_the_lab_output_error_in_f32() {
    check::cross_entropy_gradient_is_the_output_delta(&Device::default(), Precision::F32);
}

#[test]
fn the_fused_tanh_is_the_composed_formula_in_f32() {
    check::tanh_matches_the_composed_form(&Device::default(), Precision::F32);
}

#[test]
fn an_out_of_range_target_gives_a_nan_loss() {
    check::an_out_of_range_target_gives_nan(&Device::default());
}

#[test]
fn the_fused_linear_layer_is_burn_linear_bit_for_bit_in_f32() {
    check::linear_is_burn_linear_bit_for_bit(&Device::default());
}
