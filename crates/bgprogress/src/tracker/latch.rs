//! A sequence latch: the writers' lock and the choice between two copies of the data, in one
//! number. Readers never wait for a writer.
//!
//! The sequence is odd while a writer holds the lock. Bit 1 names the *current* copy, the one
//! readers read (`current`); a writer that holds the lock writes the *other* copy and commits
//! by moving the sequence to the next even number, which makes that copy current
//! ([`WriteGuard`]'s drop). A writer that stored nothing aborts: the sequence goes back to the
//! even number it had ([`WriteGuard::abort`]).
//!
//! A reader reads the sequence, the current copy and the sequence again ([`Latch::read`]).
//! The copy it read is not the one the writer at work (if any) writes: the next writer after
//! that one rewrites it. So the read holds unless the sequence moved past the next commit, and
//! a writer preempted in the middle of its update, or interrupted by the reader's own signal
//! handler, holds no reader up: readers retry only when two writers came and went during
//! their read. This is the Linux kernel's `seqcount_latch`, with the writers' lock folded in.
//!
//! The data must be atomics that writers store with `Release` and readers load with
//! `Acquire` (plain moves on x86): that makes the protocol data-race free in the Rust memory
//! model, and checkable with loom (`tests/loom.rs`).

use super::sync::{spin_loop, AtomicU64, Ordering};

/// How many times [`Latch::try_read`] looks before it gives up.
const TRY_READS: u32 = 64;

/// The copy that readers read while the sequence is `seq`: bit 1.
#[inline]
fn current(seq: u64) -> usize {
    usize::from(seq & 2 != 0)
}

/// The sequence number of a latch.
#[derive(Debug)]
pub(super) struct Latch {
    seq: AtomicU64,
}

/// The write side of a [`Latch`], held while the sequence is odd.
#[derive(Debug)]
#[must_use = "the lock is released when the guard is dropped"]
pub(super) struct WriteGuard<'a> {
    seq: &'a AtomicU64,
    /// The even sequence number before this writer took the lock.
    taken: u64,
}

impl Latch {
    pub(super) fn new() -> Self {
        Latch {
            seq: AtomicU64::new(0),
        }
    }

    /// Reads the current copy with [`read_once`](Self::read_once) until a try holds, or gives
    /// up (`None`) after a bounded number of tries (spinning briefly between them, never
    /// yielding).
    #[inline]
    pub(super) fn try_read<T>(&self, mut read: impl FnMut(usize) -> T) -> Option<T> {
        for _ in 0..TRY_READS {
            if let Some(value) = self.read_once(&mut read) {
                return Some(value);
            }
            for _ in 0..16 {
                spin_loop();
            }
        }
        None
    }

    /// One try of a read: runs `read` on the current copy (its argument is the copy's index,
    /// 0 or 1), or `None` when that copy may have been rewritten while `read` ran. `read` only
    /// loads (with `Acquire`) data that writers store under this latch.
    #[inline]
    pub(super) fn read_once<T>(&self, read: &mut impl FnMut(usize) -> T) -> Option<T> {
        // Acquire: the copy loaded below is at least as new as the commit that made it current
        // (or, when the sequence is odd, as the commit before the writer at work).
        let before = self.seq.load(Ordering::Acquire);
        let value = read(current(before));
        // Relaxed is enough: the data loads are Acquire, so a value stored by the writer that
        // rewrites this copy makes its odd sequence (or a later one) visible here.
        let after = self.seq.load(Ordering::Relaxed);
        // That writer takes the lock at `(before & !1) + 3`: anything below it kept the copy.
        (after.wrapping_sub(before & !1) <= 2).then_some(value)
    }

    /// The sequence number now, for tests.
    #[cfg(all(test, not(loom)))]
    pub(super) fn sequence(&self) -> u64 {
        self.seq.load(Ordering::Relaxed)
    }

    /// Takes the write side if no writer holds it, with one compare-and-swap.
    #[inline]
    pub(super) fn try_write(&self) -> Option<WriteGuard<'_>> {
        let seq = self.seq.load(Ordering::Relaxed);
        // Acquire on success: this writer's loads of the current copy see the stores of the
        // writer that committed it (published with the Release store of its even sequence).
        if seq & 1 == 0
            && self
                .seq
                .compare_exchange_weak(seq, seq + 1, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            return Some(WriteGuard {
                seq: &self.seq,
                taken: seq,
            });
        }
        None
    }
}

impl WriteGuard<'_> {
    /// The copy that holds the state before this writer: readers read it until the commit.
    #[inline]
    pub(super) fn current(&self) -> usize {
        current(self.taken)
    }

    /// The copy this writer writes, current from its commit on.
    #[inline]
    pub(super) fn target(&self) -> usize {
        current(self.taken) ^ 1
    }

    /// Releases the lock when this writer stored nothing: the sequence goes back to the even
    /// number it had and the current copy stays current.
    #[inline]
    pub(super) fn abort(self) {
        // Release: orders this writer's loads before the next writer's stores.
        self.seq.store(self.taken, Ordering::Release);
        core::mem::forget(self);
    }
}

impl Drop for WriteGuard<'_> {
    /// Commits: the next even number, which makes the target copy current. Runs on a panic
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
    fn a_commit_moves_the_sequence_by_two_and_swaps_the_copies() {
        let latch = Latch::new();
        let w = latch.try_write().unwrap();
        assert_eq!((w.current(), w.target()), (0, 1));
        assert!(latch.try_write().is_none(), "two writers at once");
        assert_eq!(
            latch.read_once(&mut |i| i),
            Some(0),
            "readers read the current copy meanwhile"
        );
        drop(w);
        assert_eq!(latch.sequence(), 2);
        assert_eq!(latch.read_once(&mut |i| i), Some(1));
        let w = latch.try_write().unwrap();
        assert_eq!((w.current(), w.target()), (1, 0));
        w.abort();
        assert_eq!(latch.sequence(), 2);
        assert_eq!(latch.read_once(&mut |i| i), Some(1));
    }

    #[test]
    fn a_read_survives_one_writer_and_fails_after_two() {
        let latch = Latch::new();
        let value = latch.read_once(&mut |i| {
            // One whole write during the read: the writer wrote the other copy.
            drop(latch.try_write().unwrap());
            i
        });
        assert_eq!(value, Some(0));
        let value = latch.read_once(&mut |i| {
            // A whole write and the next writer at work: it writes this copy.
            drop(latch.try_write().unwrap());
            core::mem::forget(latch.try_write().unwrap());
            i
        });
        assert_eq!(value, None);
        assert_eq!(latch.sequence(), 5);
        // A writer that stays in the middle of its update (preempted, or interrupted by this
        // thread's signal handler) keeps nobody waiting.
        assert_eq!(latch.read_once(&mut |i| i), Some(0));
        assert_eq!(latch.try_read(|i| i), Some(0));
    }

    #[test]
    fn try_read_gives_up_when_writers_keep_coming() {
        let latch = Latch::new();
        let value = latch.try_read(|_| {
            drop(latch.try_write().unwrap());
            drop(latch.try_write().unwrap());
        });
        assert_eq!(value, None);
    }
}
