//! Ctrl-C (SIGINT), SIGTERM and SIGHUP: a request to stop training at the next batch, after
//! which the last completed epoch's checkpoint is what remains to resume from.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP_REQUESTED: AtomicBool = AtomicBool::new(false);

/// Installs the signal handler (once per process; later calls do nothing).
pub fn install_signal_handler() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // Failing to install (another handler exists) only loses the clean stop.
        let _ = ctrlc::set_handler(request_stop);
    });
}

/// Asks the running training to stop at the next batch.
pub fn request_stop() {
    STOP_REQUESTED.store(true, Ordering::SeqCst);
}

/// Whether a stop was requested.
pub fn stop_requested() -> bool {
    STOP_REQUESTED.load(Ordering::SeqCst)
}

/// Withdraws a stop request, before a new run in a process that outlives runs (`serve`).
pub fn clear_stop() {
    STOP_REQUESTED.store(false, Ordering::SeqCst);
}
