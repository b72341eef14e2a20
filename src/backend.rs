//! The compiled-in backends, and the one place a device is chosen.

use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A Burn backend that the `--backend` flag can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    /// burn-flex: Burn 0.22's pure-Rust CPU backend (cargo feature `flex`, the default).
    Flex,
    /// burn-ndarray: the CPU backend Burn 0.22 deprecates (cargo feature `ndarray`).
    Ndarray,
    /// wgpu: GPU through Vulkan, Metal or DX12 (cargo feature `wgpu`).
    Wgpu,
}

impl Backend {
    /// The backend used when `--backend` is not given: the first compiled in of flex, ndarray, wgpu.
    pub fn default_compiled() -> Self {
        Self::compiled().first().copied().unwrap_or(Backend::Flex)
    }

    /// Backends compiled into this binary.
    pub fn compiled() -> Vec<Self> {
        [Backend::Flex, Backend::Ndarray, Backend::Wgpu]
            .into_iter()
            .filter(|backend| backend.is_compiled())
            .collect()
    }

    /// Whether the cargo feature of this backend was enabled at build time.
    pub fn is_compiled(self) -> bool {
        match self {
            Backend::Flex => cfg!(feature = "flex"),
            Backend::Ndarray => cfg!(feature = "ndarray"),
            Backend::Wgpu => cfg!(feature = "wgpu"),
        }
    }

    /// The name `--backend` takes.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Flex => "flex",
            Backend::Ndarray => "ndarray",
            Backend::Wgpu => "wgpu",
        }
    }

    /// The plain (non-autodiff) device of this backend; for wgpu, the GPU adapter is acquired
    /// here (once per process), so a machine without one gets an error, not a panic.
    pub fn device(self) -> Result<Device> {
        if !self.is_compiled() {
            return Err(Error::Backend(format!(
                "--backend {0}: not compiled in; rebuild with `--features {0}` (compiled in: {1})",
                self.name(),
                Self::compiled()
                    .iter()
                    .map(|b| b.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        self.compiled_device()
    }

    #[allow(unreachable_code, deprecated)]
    fn compiled_device(self) -> Result<Device> {
        match self {
            #[cfg(feature = "flex")]
            Backend::Flex => Ok(Device::flex()),
            #[cfg(feature = "ndarray")]
            Backend::Ndarray => Ok(Device::ndarray()),
            #[cfg(feature = "wgpu")]
            Backend::Wgpu => wgpu_device(),
            #[allow(unreachable_patterns)]
            _ => unreachable!("checked by is_compiled"),
        }
    }
}

/// The wgpu device on the default adapter, initialised once per process (Burn's wgpu runtime
/// can be initialised only once).
#[cfg(feature = "wgpu")]
fn wgpu_device() -> Result<Device> {
    use std::sync::OnceLock;
    static DEVICE: OnceLock<std::result::Result<Device, String>> = OnceLock::new();
    DEVICE
        .get_or_init(|| {
            Device::wgpu_options()
                .init()
                .map_err(|e| e.to_string().replace('\n', " "))
        })
        .clone()
        .map_err(|reason| {
            Error::Backend(format!(
                "--backend wgpu: no usable GPU adapter ({reason}); without a GPU, install Mesa's software Vulkan driver (Debian: mesa-vulkan-drivers)"
            ))
        })
}

/// Threads of the CPU backends: RAYON_NUM_THREADS, or one. With several, the manual engine
/// cuts each batch into one row block per thread ([`crate::gradients::shards`]) and the
/// backends split their large matrix products. One is the default because the default
/// (Learner) engine does not gain from a second thread on the 2-core virtual machine this was
/// measured on (benches/compare.sh, runs taking turns: 0.87 s per epoch on two threads, 0.86
/// on one); the manual engine on flex does (0.60 against 0.68), ndarray's does not (0.90
/// against 0.79). With both cores busy the hypervisor also takes more of the machine ("steal"
/// in /proc/stat: 5–16 % against 1–7 % with one busy), which compare.sh prints.
pub fn compute_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1)
}

/// Sets rayon's global pool to [`compute_threads`] (for work started outside
/// [`on_compute_pool`]). Call before any tensor work.
pub fn use_one_thread_unless_told() {
    // Fails only if the pool already exists, which leaves rayon's own default.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(compute_threads())
        .build_global();
}

/// Runs `work` on a worker thread of a rayon pool of [`compute_threads`] threads, where the
/// CPU backends' parallel loops run in place. Called from any other thread, each loop is handed
/// to a pool thread while the caller sleeps: with one thread, the perf profile of the manual
/// engine showed 16 % of the time in the futex wake-ups this costs.
pub fn on_compute_pool<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    use_one_thread_unless_told();
    match rayon::ThreadPoolBuilder::new()
        .num_threads(compute_threads())
        .stack_size(8 << 20)
        .thread_name(|i| format!("compute-{i}"))
        .build()
    {
        Ok(pool) => pool.install(work),
        // No thread could be started: run here, as before.
        Err(_) => work(),
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
