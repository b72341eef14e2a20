//! Fused operations: Burn backend extensions that do in one pass over memory (forward, and
//! backward under autodiff) what Burn's element-wise operations do in several, each with its
//! own allocation, autodiff node and backward step. The lab's step is small (a batch of 128),
//! so those per-operation costs, not the arithmetic, were what a fused operation saves.
//!
//! flex runs them (the default CPU backend, where they were measured); on the other backends
//! each keeps its composed form, which is also the reference its tests compare it with.

#[cfg(feature = "flex")]
mod column_split;
pub mod cross_entropy;
#[cfg(feature = "flex")]
mod flex_loops;
pub mod linear;
#[cfg(feature = "flex")]
mod products;
pub mod tanh;
pub mod tanh_kernel;

use burn::prelude::Device;

/// Whether tensors of `device` (plain or autodiff) live on flex, where the fused operations run.
pub fn on_flex(device: &Device) -> bool {
    #[cfg(feature = "flex")]
    {
        use burn::backend::DispatchDevice;
        let plain = device.clone().without_autodiff();
        matches!(plain.as_dispatch(), DispatchDevice::Flex(_))
    }
    #[cfg(not(feature = "flex"))]
    {
        let _ = device;
        false
    }
}
