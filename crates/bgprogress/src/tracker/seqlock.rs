//! A sequence lock that knows nothing of the data it protects.
//!
//! The sequence is even while no writer holds the lock. A writer makes it odd with one
//! compare-and-swap (that is also the writers' mutual exclusion), stores its data, and makes
//! it even again, two higher: [`WriteGuard`]'s drop. A writer that stored nothing releases the
//! lock with [`WriteGuard::abort`], which puts back the same even number, so readers that
//! overlapped it need not retry. A reader never writes: it reads the sequence, the data and
//! the sequence again, and retries when a writer was in between ([`SeqLock::read`]).
//!
//! The data must be atomics that writers store with `Release` and readers load with
//! `Acquire` (plain moves on x86): that makes the protocol data-race free in the Rust memory
//! model, and checkable with loom (`tests/loom.rs`).

use super::backoff::Backoff;
use super::sync::{AtomicU64, Ordering};

/// How many times [`SeqLock::try_read`] looks before it gives up.
const TRY_READS: u32 = 64;

/// The sequence number of a seqlock.
#[derive(Debug)]
pub(super) struct SeqLock {
    seq: AtomicU64,
}

/// The write side of a [`SeqLock`], held while the sequence is odd.
#[derive(Debug)]
#[must_use = "the lock is released when the guard is dropped"]
pub(super) struct WriteGuard<'a> {
    seq: &'a AtomicU64,
    /// The even sequence number before this writer took the lock.
    taken: u64,
}

impl SeqLock {
    pub(super) fn new() -> Self {
        SeqLock {
            seq: AtomicU64::new(0),
        }
    }

    /// Runs `read` until it ran while no writer stored anything, and returns its result.
    /// `read` only loads (with `Acquire`) data that writers store under this lock.
    #[inline]
    pub(super) fn read<T>(&self, mut read: impl FnMut() -> T) -> T {
        let mut backoff = Backoff::default();
        loop {
            // Acquire: the data loaded below is at least as new as the write that made the
            // sequence `before`.
            let before = self.seq.load(Ordering::Acquire);
            if before & 1 == 0 {
                let value = read();
                // Relaxed is enough: the data loads are Acquire, so a value stored by a writer
                // that took the lock after `before` makes that writer's odd sequence (or a
                // later one) visible here, and the copy is thrown away.
                if self.seq.load(Ordering::Relaxed) == before {
                    return value;
                }
            }
            backoff.wait();
        }
    }

    /// Like [`read`](Self::read), but gives up (`None`) after a bounded number of tries
    /// (spinning briefly between them, never yielding): it cannot hang, even when the writer
    /// is the very thread it interrupted.
    #[inline]
    pub(super) fn try_read<T>(&self, mut read: impl FnMut() -> T) -> Option<T> {
        for _ in 0..TRY_READS {
            let before = self.seq.load(Ordering::Acquire);
            if before & 1 == 0 {
                let value = read();
                if self.seq.load(Ordering::Relaxed) == before {
                    return Some(value);
                }
            }
            for _ in 0..16 {
                super::sync::spin_loop();
            }
        }
        None
    }

    /// The sequence number now, for tests.
    #[cfg(test)]
    pub(super) fn sequence(&self) -> u64 {
        self.seq.load(Ordering::Relaxed)
    }

    /// Takes the write side, waiting while another writer holds it.
    #[inline]
    pub(super) fn write(&self) -> WriteGuard<'_> {
        let mut backoff = Backoff::default();
        loop {
            let seq = self.seq.load(Ordering::Relaxed);
            // Acquire on success: this writer's loads of the data see the previous writer's
            // stores (which it published with the Release store of its even sequence).
            if seq & 1 == 0
                && self
                    .seq
                    .compare_exchange_weak(seq, seq + 1, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                return WriteGuard {
                    seq: &self.seq,
                    taken: seq,
                };
            }
            backoff.wait();
        }
    }
}

impl WriteGuard<'_> {
    /// Releases the lock when this writer stored nothing: the sequence goes back to the even
    /// number it had, so readers that overlapped this writer keep what they read.
    #[inline]
    pub(super) fn abort(self) {
        // Release: orders this writer's loads before the next writer's stores.
        self.seq.store(self.taken, Ordering::Release);
        core::mem::forget(self);
    }
}

impl Drop for WriteGuard<'_> {
    /// Releases the lock after the writer's stores: the next even number. Runs on a panic
    /// too, so that a panicking writer leaves the lock usable.
    #[inline]
    fn drop(&mut self) {
        // Release: a reader that sees this number also sees every store made under the lock.
        self.seq.store(self.taken + 2, Ordering::Release);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_write_moves_the_sequence_by_two_and_an_abort_not_at_all() {
        let lock = SeqLock::new();
        drop(lock.write());
        assert_eq!(lock.seq.load(Ordering::Relaxed), 2);
        lock.write().abort();
        assert_eq!(lock.seq.load(Ordering::Relaxed), 2);
        assert_eq!(lock.read(|| 7), 7);
    }

    #[test]
    fn a_reader_retries_across_a_write() {
        let lock = SeqLock::new();
        let mut tries = 0;
        let value = lock.read(|| {
            tries += 1;
            if tries == 1 {
                drop(lock.write()); // a whole write between this try's two looks
            }
            tries
        });
        assert_eq!(value, 2);
    }
}
