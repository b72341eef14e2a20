//! The fused operations (src/fused/) in f64 (own process: the float type is set on the device
//! before any tensor exists) against their composed forms, on every activation and head.

#[path = "fused/check.rs"]
mod check;
mod common;

use backprop::gradients::Precision;
use burn::prelude::*;
use burn::tensor::FloatDType;

fn f64_device() -> Device {
    let mut device = Device::default();
    // Only the first configure can succeed; later calls in this process find it done.
    let _ = device.configure(FloatDType::F64);
    device
}

#[test]
fn networks_with_fused_operations_have_the_composed_gradients_in_f64() {
    let failures = check::networks_agree(&f64_device(), Precision::F64);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_fused_cross_entropy_gradient_is_the_lab_output_error_in_f64() {
    check::cross_entropy_gradient_is_the_output_delta(&f64_device(), Precision::F64);
}

#[test]
fn the_fused_tanh_is_burn_tanh_in_f64() {
    check::tanh_matches_the_composed_form(&f64_device(), Precision::F64);
}

#[test]
fn an_out_of_range_target_gives_a_nan_loss_in_f64() {
    check::an_out_of_range_target_gives_nan(&f64_device());
}

#[test]
fn the_fused_linear_layer_is_burn_linear_bit_for_bit_in_f64() {
    check::linear_is_burn_linear_bit_for_bit(&f64_device());
}
