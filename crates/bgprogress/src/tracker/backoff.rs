//! How a thread waits for the latch's sequence to change.

use super::sync::{spin_loop, yield_now};

/// Exponential back-off: spins of 16, 32, ... 512 pauses, then yielding the processor.
///
/// A waiting writer spins longer each time so that it does not keep pulling the cache line
/// away from the writer that holds it (the holder then does bursts of updates on a line it
/// owns); past the spins it yields, so that a writer preempted while it holds the sequence
/// is not left waiting for whole time slices. The price is fairness: waiters are not served
/// in order. docs/performance.md has the measured effect.
#[derive(Debug, Default)]
pub(super) struct Backoff {
    round: u32,
}

/// Spin rounds before yielding: 16 << 5 = 512 pauses in the last one.
const SPIN_ROUNDS: u32 = 6;

impl Backoff {
    /// Waits once, longer than the previous time.
    #[cold]
    pub(super) fn wait(&mut self) {
        if cfg!(loom) {
            // loom explores every interleaving: one pause per look is enough, and far cheaper.
            spin_loop();
        } else if self.round < SPIN_ROUNDS {
            for _ in 0..16u32 << self.round {
                spin_loop();
            }
            self.round += 1;
        } else {
            yield_now();
        }
    }

    /// Waits once, longer than the previous time up to the last spin round, and never yields
    /// (for readers, which wait only for writers that are running).
    #[cold]
    pub(super) fn spin(&mut self) {
        if self.round >= SPIN_ROUNDS {
            self.round = SPIN_ROUNDS - 1;
        }
        self.wait();
    }

    /// Whether the waits have gone past spinning to yielding.
    #[cfg(all(test, not(loom)))]
    fn is_yielding(&self) -> bool {
        self.round >= SPIN_ROUNDS
    }

    /// Whether this thread spun every round without getting what it waits for: a writer
    /// then posts its update instead ([`queue`](super::queue)).
    /// Under loom, at once, so that the model checks that path with few preemptions.
    pub(super) fn spun_out(&self) -> bool {
        cfg!(loom) || self.round >= SPIN_ROUNDS
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn spins_then_yields() {
        let mut b = Backoff::default();
        for _ in 0..SPIN_ROUNDS {
            assert!(!b.is_yielding());
            b.wait();
        }
        assert!(b.is_yielding());
        b.wait(); // yields, and stays there
        assert!(b.is_yielding());
    }
}
