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

/// Threads of the CPU backends: RAYON_NUM_THREADS, or every core the process may use. With
/// several, the manual engine cuts each batch into one row block per thread
/// ([`crate::gradients::shards`]) and the backends split their large matrix products. All cores
/// are the default since the products run gemm's AVX-512 kernels where the CPU has them
/// (benches/compare.sh on a 2-core Zen 4, runs taking turns, lab settings: Learner 0.244 s per
/// epoch on one thread, 0.210 on two; manual 0.199 and 0.146; PyTorch 0.385 and 0.242). On the
/// 2-core Zen 3 measured before, without AVX-512, a second thread did not help the Learner
/// (0.87 against 0.86 s) and the hypervisor took more of a machine with both cores busy
/// ("steal" in /proc/stat, which compare.sh prints): `RAYON_NUM_THREADS=1` gives one thread.
pub fn compute_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// Sets rayon's global pool to [`compute_threads`] (for work started outside
/// [`on_compute_pool`]). Call before any tensor work.
pub fn size_global_pool() {
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
    on_compute_pool_of(compute_threads(), work)
}

/// [`on_compute_pool`] on a pool of `threads` threads (a server training several runs at once
/// gives each a share of the cores).
pub fn on_compute_pool_of<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    size_global_pool();
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
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
