//! The transfer rate: bytes added over a sliding window of samples.

use core::time::Duration;

use crate::Error;

/// The span over which [`Tracker::rate`](crate::Tracker::rate) measures: 5 seconds.
pub const RATE_WINDOW: Duration = Duration::from_secs(5);

/// The shortest span that [`Tracker::rate`](crate::Tracker::rate) measures over: 100 ms.
pub const RATE_MIN_SPAN: Duration = Duration::from_millis(100);

/// The most samples a window holds: one per `RATE_WINDOW / 10`, plus the span's start.
const SAMPLES: usize = 16;

/// Samples of (time, bytes added) for the rate, oldest first, in a fixed ring (no heap, so
/// that creating a tracker allocates only the tracker itself).
#[derive(Debug)]
pub(super) struct RateWindow {
    samples: [(Duration, u64); SAMPLES],
    first: usize,
    len: usize,
}

impl RateWindow {
    /// A window that starts at `start` with nothing added.
    pub(super) fn new(start: Duration) -> Self {
        RateWindow {
            samples: [(start, 0); SAMPLES],
            first: 0,
            len: 1,
        }
    }

    fn get(&self, i: usize) -> (Duration, u64) {
        self.samples[(self.first + i) % SAMPLES]
    }

    fn pop_front(&mut self) {
        self.first = (self.first + 1) % SAMPLES;
        self.len -= 1;
    }

    /// Records the sample `(now, added)` (at most one each `RATE_WINDOW / 10`) and answers
    /// the rate over the window that ends now: from the newest sample at least
    /// [`RATE_WINDOW`] old (or, early on, the start) to now. `any_added` says whether a byte
    /// was ever added (`added` wraps). The caller reads `now` and `added` while it holds the
    /// window, so no sample is newer than the reading.
    pub(super) fn rate(
        &mut self,
        now: Duration,
        added: u64,
        any_added: bool,
    ) -> Result<f64, Error> {
        let newest = self.get(self.len - 1).0;
        if now >= newest + RATE_WINDOW / 10 {
            if self.len == SAMPLES {
                self.pop_front();
            }
            self.samples[(self.first + self.len) % SAMPLES] = (now, added);
            self.len += 1;
        }
        // Keep one sample at least a window old: the start of the span.
        while self.len > 2 && self.get(1).0 + RATE_WINDOW <= now {
            self.pop_front();
        }
        let (start, base) = self.get(0);
        let span = now.saturating_sub(start);
        if !any_added || span < RATE_MIN_SPAN {
            return Err(Error::NotEnoughData);
        }
        Ok(added.wrapping_sub(base) as f64 / span.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn steady_rate_is_exact() {
        let mut w = RateWindow::new(ms(0));
        let mut answer = Err(Error::NotEnoughData);
        for i in 1..=20 {
            answer = w.rate(ms(500 * i), 1000 * i, true);
        }
        assert_eq!(answer, Ok(2000.0));
    }

    #[test]
    fn needs_a_byte_and_a_minimum_span() {
        let mut w = RateWindow::new(ms(0));
        assert_eq!(w.rate(ms(10_000), 0, false), Err(Error::NotEnoughData));
        let mut w = RateWindow::new(ms(0));
        assert_eq!(w.rate(ms(50), 1, true), Err(Error::NotEnoughData));
        assert_eq!(w.rate(ms(100), 1, true), Ok(10.0));
    }

    #[test]
    fn a_wrapped_count_is_still_data() {
        // 2^64 bytes were added since the window's base: `added` reads 0 again.
        let mut w = RateWindow::new(ms(0));
        assert_eq!(w.rate(ms(1000), 0, true), Ok(0.0));
        assert_eq!(w.rate(ms(1000), 0, false), Err(Error::NotEnoughData));
    }

    #[test]
    fn old_samples_leave_the_window() {
        let mut w = RateWindow::new(ms(0));
        let mut added = 0;
        // 100 s at 100 B/s, then 10 s at 1000 B/s, sampled every 100 ms.
        for i in 1..=1000 {
            added += 10;
            let _ = w.rate(ms(100 * i), added, true);
        }
        for i in 1001..=1100 {
            added += 100;
            let _ = w.rate(ms(100 * i), added, true);
        }
        let r = w.rate(ms(110_000), added, true).unwrap();
        assert!((r - 1000.0).abs() < 1e-6, "{r}");
        assert!(w.len <= SAMPLES);
    }
}
