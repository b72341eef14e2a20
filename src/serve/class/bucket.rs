//! A token bucket: at most `burst` requests at once, refilled at `rate` a second. A session
//! that asks faster is refused (429) rather than slowing everyone.

use std::time::Instant;

#[derive(Debug)]
pub struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket of `burst` tokens.
    pub fn full(burst: f64) -> Self {
        Self {
            tokens: burst,
            last: Instant::now(),
        }
    }

    /// Takes one token if there is one (refilled at `rate` a second, up to `burst`).
    pub fn take(&mut self, rate: f64, burst: f64) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * rate;
        self.tokens = (self.tokens + refill).min(burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_holds() {
        let mut bucket = Bucket::full(5.0);
        assert_eq!((0..10).filter(|_| bucket.take(1.0, 5.0)).count(), 5);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(bucket.take(1.0, 5.0));
        assert!(!bucket.take(1.0, 5.0));
    }
}
