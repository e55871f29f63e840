//! Time sources for the rate: the system's monotonic clock, and a manual one for tests.

use core::time::Duration;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// A monotonic time source for the rate, injectable for tests.
///
/// ```
/// use bgprogress::{Clock, Tracker};
/// use std::time::Duration;
///
/// /// A clock that a simulation steps: one second per look.
/// #[derive(Default)]
/// struct Steps(std::sync::atomic::AtomicU64);
///
/// impl Clock for Steps {
///     fn now(&self) -> Duration {
///         Duration::from_secs(self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
///     }
/// }
///
/// let tracker = Tracker::with_clock(Steps::default());
/// tracker.add_file(1000)?;
/// tracker.add_bytes(100)?;
/// assert!(tracker.rate()? > 0.0);
/// # Ok::<(), bgprogress::Error>(())
/// ```
pub trait Clock: Send + Sync {
    /// The time elapsed since an arbitrary fixed origin; it never decreases.
    fn now(&self) -> Duration;
}

/// The system's monotonic clock ([`Instant`]): the default clock of a
/// [`Tracker`](crate::Tracker).
///
/// ```
/// use bgprogress::{Clock, MonotonicClock};
/// let clock = MonotonicClock::default(); // its origin is now
/// let (a, b) = (clock.now(), clock.now());
/// assert!(b >= a);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct MonotonicClock {
    origin: Instant,
}

impl Default for MonotonicClock {
    fn default() -> Self {
        MonotonicClock {
            origin: Instant::now(),
        }
    }
}

impl Clock for MonotonicClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

/// A clock that moves only when told to: for tests of rates and ETAs.
///
/// ```
/// use bgprogress::{Clock, ManualClock};
/// use std::time::Duration;
/// let clock = ManualClock::default();
/// clock.advance(Duration::from_millis(1500));
/// assert_eq!(clock.now(), Duration::from_millis(1500));
/// ```
#[derive(Debug, Default)]
pub struct ManualClock {
    nanos: AtomicU64,
}

impl ManualClock {
    /// Moves the clock forward by `by` (saturating at about 584 years).
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        // SeqCst: a test that advances the clock in one thread and reads it in another sees
        // the moves in one order; the cost does not matter for a test clock.
        let _ = self
            .nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                Some(n.saturating_add(by))
            });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Duration {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> Duration {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told_and_saturates() {
        let clock = ManualClock::default();
        assert_eq!(clock.now(), Duration::ZERO);
        clock.advance(Duration::from_secs(2));
        assert_eq!(Clock::now(&&clock), Duration::from_secs(2));
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), Duration::from_nanos(u64::MAX));
    }

    /// The monotonic clock counts the time since its origin, through an `Arc` too.
    #[test]
    fn monotonic_clock_counts_the_time_since_its_origin() {
        let clock = Arc::new(MonotonicClock::default());
        let a = clock.now();
        std::thread::sleep(Duration::from_millis(5));
        let b = clock.now();
        assert!(b >= a + Duration::from_millis(5), "{a:?} {b:?}");
        let manual = Arc::new(ManualClock::default());
        manual.advance(Duration::from_secs(3));
        assert_eq!(Clock::now(&manual), Duration::from_secs(3));
    }
}
