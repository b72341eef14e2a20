//! The server's memory budget: new training work is refused with a clear message (503) when
//! the resident memory, plus what the runs already waiting and the new one will add, would pass
//! it, rather than the server being killed by the system when memory runs out.

/// What one run from the page is reckoned to add to the server's resident memory: its model,
/// its optimizer's state, its batches and the intermediate tensors of a step (the MNIST splits
/// are staged once for all runs). The lab's network adds about 22 MiB (benches/class_load.mjs:
/// 567 MiB at the peak with four runs at once, 502 with one); the reserve covers a class's
/// largest runs (2²⁰ activations, `serve --class-max-activations`).
pub const RUN_RESERVE_MB: u64 = 96;

/// The budget and what a run is reckoned to add.
#[derive(Debug, Clone, Copy)]
pub struct MemoryBudget {
    pub budget_mb: u64,
    pub per_run_mb: u64,
}

impl MemoryBudget {
    /// `budget_mb`, or 80 % of the memory this process may use (the machine's, or its
    /// cgroup's limit when lower) by default.
    pub fn new(budget_mb: Option<u64>) -> Self {
        Self {
            budget_mb: budget_mb.unwrap_or_else(|| available_mb() * 4 / 5),
            per_run_mb: RUN_RESERVE_MB,
        }
    }

    /// `Err` with a sentence when starting one more run, after `waiting` runs not yet
    /// started, would pass the budget.
    pub fn check_new_run(&self, waiting: usize) -> Result<(), String> {
        let resident = resident_mb();
        let needed = resident + self.per_run_mb * (waiting as u64 + 1);
        if needed > self.budget_mb {
            return Err(format!(
                "the server is at its memory budget ({resident} MB used, {} MB budget, serve --memory-budget-mb; a run needs about {} MB): try again when a run has ended",
                self.budget_mb, self.per_run_mb
            ));
        }
        Ok(())
    }
}

/// Resident memory of this process, in MB.
pub fn resident_mb() -> u64 {
    status_kb("VmRSS:") / 1024
}

/// Peak resident memory of this process, in MB.
pub fn peak_mb() -> u64 {
    status_kb("VmHWM:") / 1024
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}

/// The memory this process may use, in MB: the machine's, or its cgroup's limit when lower.
fn available_mb() -> u64 {
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(4096, |kb| kb / 1024);
    let cgroup = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .map(|bytes| bytes >> 20);
    cgroup.map_or(total, |limit| limit.min(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_refuses_past_it_and_names_its_flag() {
        assert!(resident_mb() > 0 && peak_mb() >= resident_mb());
        let roomy = MemoryBudget {
            budget_mb: 1 << 30,
            per_run_mb: 96,
        };
        assert!(roomy.check_new_run(3).is_ok());
        let tight = MemoryBudget {
            budget_mb: 1,
            per_run_mb: 96,
        };
        assert!(
            tight
                .check_new_run(0)
                .unwrap_err()
                .contains("--memory-budget-mb")
        );
    }
}
