//! Warm-up: the first steps on a GPU backend compile and tune each kernel on its first use
//! (seconds to tens of seconds with wgpu), so the first epoch is slow for reasons that have
//! nothing to do with the speed of training. A pass measures the wall time between its reads
//! ([`Laps`]); the share of it beyond the pass's steady speed is its warm-up, reported with the
//! first epoch of a run so that nobody takes that epoch's time for the training speed.

use std::time::Instant;

/// Least warm-up the terminal shows: below it (and below a tenth of the epoch) the first
/// epoch's time is its training speed, within noise (the CPU backends compile nothing).
pub const SHOWN_FROM_SECONDS: f64 = 0.1;

/// The warm-up of a run's first epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WarmUp {
    /// The epoch (the first this run trains).
    pub epoch: usize,
    /// Seconds of it beyond the steady speed of its training and test passes.
    pub seconds: f64,
    /// The whole epoch's wall time, warm-up included.
    pub epoch_seconds: f64,
}

impl WarmUp {
    /// Whether the warm-up is large enough to be told apart from noise: at least
    /// [`SHOWN_FROM_SECONDS`] and a tenth of the epoch.
    pub fn noticeable(&self) -> bool {
        self.seconds >= SHOWN_FROM_SECONDS && self.seconds >= 0.1 * self.epoch_seconds
    }
}

/// Wall time between the reads of a pass: each lap ends with a read, which waits for the
/// device, so a lap's time is the device's time for its batches.
#[derive(Debug, Clone)]
pub struct Laps {
    last: Instant,
    batches: usize,
    /// (seconds, batches) of each lap.
    laps: Vec<(f64, usize)>,
}

impl Laps {
    /// Starts timing now.
    pub fn start() -> Self {
        Self {
            last: Instant::now(),
            batches: 0,
            laps: Vec::new(),
        }
    }

    /// Ends a lap after `batches` batches in all.
    pub fn lap(&mut self, batches: usize) {
        let now = Instant::now();
        let seconds = now.duration_since(self.last).as_secs_f64();
        self.laps.push((seconds, batches - self.batches));
        (self.last, self.batches) = (now, batches);
    }

    /// Seconds the laps took beyond the steady speed, the median seconds per batch of every
    /// lap but the first: Σ max(0, tᵢ − nᵢ·median). The first lap carries the first use of
    /// each kernel; a later lap can carry more (a last, smaller batch is a new shape).
    /// 0 with fewer than two laps (no steady speed to compare with).
    pub fn excess(&self) -> f64 {
        let mut rates: Vec<f64> = self.laps[1.min(self.laps.len())..]
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| t / *n as f64)
            .collect();
        if rates.is_empty() {
            return 0.0;
        }
        rates.sort_by(f64::total_cmp);
        let steady = rates[rates.len() / 2];
        self.laps
            .iter()
            .map(|(t, n)| (t - *n as f64 * steady).max(0.0))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laps(list: &[(f64, usize)]) -> Laps {
        Laps {
            last: Instant::now(),
            batches: 0,
            laps: list.to_vec(),
        }
    }

    #[test]
    fn the_excess_is_the_time_beyond_the_steady_speed() {
        // 10 laps of 47 steps at 0.01 s per step, the first 12 s longer, the last 3 s longer.
        let mut list = vec![(0.47, 47); 10];
        list[0].0 += 12.0;
        list[9].0 += 3.0;
        assert!((laps(&list).excess() - 15.0).abs() < 1e-9);
        // A steady pass has none; one lap has nothing to compare with.
        assert_eq!(laps(&[(0.47, 47); 10]).excess(), 0.0);
        assert_eq!(laps(&[(9.0, 47)]).excess(), 0.0);
        // A test pass of two laps of 5 batches.
        assert!((laps(&[(4.5, 5), (0.5, 5)]).excess() - 4.0).abs() < 1e-9);
    }

    #[test]
    fn only_a_warm_up_that_stands_out_is_noticeable() {
        let warm_up = |seconds, epoch_seconds| WarmUp {
            epoch: 1,
            seconds,
            epoch_seconds,
        };
        assert!(warm_up(12.0, 14.0).noticeable());
        assert!(!warm_up(0.05, 0.6).noticeable());
        assert!(!warm_up(0.2, 5.0).noticeable());
    }
}
