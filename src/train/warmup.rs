//! Warm-up: the first steps on a GPU backend compile and tune each kernel on its first use
//! (seconds to tens of seconds with wgpu), so the first epoch is slow for reasons that have
//! nothing to do with the speed of training. A pass measures the wall time between its reads
//! ([`Laps`]), which gives its steady speed; the part of the epoch's time beyond what its passes
//! take at that speed is its warm-up, reported with the first epoch of a run so that nobody
//! takes that epoch's time for the training speed.

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

    /// Seconds the pass would have taken at its steady speed: its batches times the median
    /// seconds per batch of every lap but the first (which carries the first use of each
    /// kernel; a later lap can carry more, e.g. a last, smaller batch is a new shape, hence the
    /// median). With fewer than two laps there is no steady speed to tell apart: the laps'
    /// own time.
    pub fn steady(&self) -> f64 {
        let mut rates: Vec<f64> = self.laps[1.min(self.laps.len())..]
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| t / *n as f64)
            .collect();
        if rates.is_empty() {
            return self.laps.iter().map(|(t, _)| t).sum();
        }
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2] * self.batches as f64
    }
}

/// The warm-up of an epoch that took `epoch_seconds` and whose passes would have taken
/// `steady_seconds` at their steady speed: everything beyond it (kernels compiled and tuned
/// on first use, wherever in the epoch it happened).
pub fn warm_up(epoch: usize, epoch_seconds: f64, steady_seconds: f64) -> WarmUp {
    WarmUp {
        epoch,
        seconds: (epoch_seconds - steady_seconds).max(0.0),
        epoch_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laps(list: &[(f64, usize)]) -> Laps {
        Laps {
            last: Instant::now(),
            batches: list.iter().map(|(_, n)| n).sum(),
            laps: list.to_vec(),
        }
    }

    #[test]
    fn the_steady_time_leaves_out_the_first_uses() {
        // 10 laps of 47 steps at 0.01 s per step, the first 12 s longer, the last 3 s longer.
        let mut list = vec![(0.47, 47); 10];
        list[0].0 += 12.0;
        list[9].0 += 3.0;
        assert!((laps(&list).steady() - 4.7).abs() < 1e-9);
        let epoch = 4.7 + 15.0 + 0.5; // and 0.5 s before the first lap started
        assert!((warm_up(1, epoch, laps(&list).steady()).seconds - 15.5).abs() < 1e-9);
        // A steady pass has none; one lap has nothing to compare with.
        assert!((laps(&[(0.47, 47); 10]).steady() - 4.7).abs() < 1e-9);
        assert_eq!(laps(&[(9.0, 47)]).steady(), 9.0);
        // A test pass of two laps of 5 batches.
        assert!((laps(&[(4.5, 5), (0.5, 5)]).steady() - 1.0).abs() < 1e-9);
        assert_eq!(warm_up(1, 1.0, 2.0).seconds, 0.0);
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
