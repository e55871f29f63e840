//! A live, thread-safe job progress: [`Tracker`].
//!
//! # Design
//!
//! Writers (transfer threads) call `add_bytes` far more often than readers (a UI) take
//! snapshots, and every update must be checked against the other counts (bytes may not pass a
//! known total), so the counts cannot be independent atomics. The tracker is a *seqlock*:
//!
//! - A writer takes the sequence number from even to odd with one compare-and-swap (that is
//!   also the writers' mutual exclusion), reads the counts, applies the rule, stores the counts
//!   that changed and makes the sequence even again with a plain release store. Uncontended,
//!   that is one atomic read-modify-write, as cheap as the `fetch_add` of a bare counter.
//! - A reader never writes: it reads the sequence, the counts, and the sequence again, and
//!   retries if a writer was in between. Readers never block writers, and every
//!   snapshot is the state between two whole updates (linearizable).
//! - A contended writer waits with exponentially longer spins (16, 32, ... pauses) before it
//!   looks again, so that it does not keep pulling the cache line away from the writer that
//!   holds it: the holder then does bursts of updates on a line it owns. That took two
//!   contending threads from 0.13x to about 1x the throughput of a bare `fetch_add` on one
//!   counter (`make bench`). The price is fairness: waiters are not served in order. After
//!   about 2,000 pauses a waiter yields the processor instead, so that a writer preempted
//!   while it holds the sequence odd does not leave the others burning their time slices.
//!
//! A sharded counter would make uncontended `add_bytes` no cheaper and snapshots much dearer,
//! and could not check the total on every update; a mutex costs two read-modify-writes per
//! update. The counts are atomics accessed with release stores and acquire loads so that the
//! protocol is data-race free in the Rust memory model (and checkable with loom); on x86 those
//! are plain moves.
//!
//! # Rate
//!
//! [`Tracker::rate`] is the bytes added (rewinds do not count) per second over a sliding window
//! of about [`RATE_WINDOW`] (5 s). The window's samples are taken by `rate` and `eta`
//! themselves, at most one per [`RATE_WINDOW`]` / 10`, so updates never read the clock: the
//! window runs from the newest sample at least 5 s old (or, early on, the tracker's creation)
//! to now.

use core::fmt;
use core::time::Duration;
use std::sync::Arc;
use std::time::Instant;

use crate::job::add_bytes_below_max;
use crate::sync::{spin_loop, yield_now, AtomicU32, AtomicU64, Mutex, Ordering};
use crate::{Error, JobProgress, SIZE_UNKNOWN};

/// The span over which [`Tracker::rate`] measures: 5 seconds.
pub const RATE_WINDOW: Duration = Duration::from_secs(5);

/// The shortest span that [`Tracker::rate`] measures over: 100 ms.
pub const RATE_MIN_SPAN: Duration = Duration::from_millis(100);

/// A monotonic time source for the rate, injectable for tests.
pub trait Clock: Send + Sync {
    /// The time elapsed since an arbitrary fixed origin; it never decreases.
    fn now(&self) -> Duration;
}

/// The system's monotonic clock ([`Instant`]): the default clock of a [`Tracker`].
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
    nanos: std::sync::atomic::AtomicU64,
}

impl ManualClock {
    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        self.nanos
            .fetch_add(by, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(std::sync::atomic::Ordering::SeqCst))
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

/// The counts behind a snapshot, as one writer sees them while it holds the sequence odd.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Counts {
    /// The sum of the known sizes, kept while some sizes are unknown.
    known_total: u64,
    /// Files added with an unknown size and not resolved yet.
    unknown_files: u32,
    transferred: u64,
    files_total: u32,
    files_transferred: u32,
    /// Every byte ever added, rewinds not taken off, wrapping: the rate's measure.
    added: u64,
}

impl Counts {
    #[inline]
    fn job(&self) -> JobProgress {
        JobProgress {
            bytes_total: if self.unknown_files > 0 {
                SIZE_UNKNOWN
            } else {
                self.known_total
            },
            bytes_transferred: self.transferred,
            files_total: self.files_total,
            files_transferred: self.files_transferred,
        }
    }
}

/// The shared counts: one cache line, written only by the writer holding `seq` odd.
#[repr(align(64))]
struct Cell {
    seq: AtomicU64,
    known_total: AtomicU64,
    transferred: AtomicU64,
    added: AtomicU64,
    unknown_files: AtomicU32,
    files_total: AtomicU32,
    files_transferred: AtomicU32,
}

/// Waits before the caller looks at the sequence again: exponentially longer spins (so that a
/// waiter does not keep pulling the cache line away from the writer that holds it), then
/// yields the processor (so that a writer preempted while it holds the sequence odd is not
/// left waiting for a whole time slice). See the module documentation.
#[cold]
fn back_off(round: &mut u32) {
    if cfg!(loom) {
        // loom explores every interleaving: one yield per look is enough, and far cheaper.
        spin_loop();
    } else if *round < 6 {
        for _ in 0..16u32 << *round {
            spin_loop();
        }
        *round += 1;
    } else {
        yield_now();
    }
}

impl Cell {
    fn new() -> Self {
        Cell {
            seq: AtomicU64::new(0),
            known_total: AtomicU64::new(0),
            transferred: AtomicU64::new(0),
            added: AtomicU64::new(0),
            unknown_files: AtomicU32::new(0),
            files_total: AtomicU32::new(0),
            files_transferred: AtomicU32::new(0),
        }
    }

    #[inline]
    fn load(&self, order: Ordering) -> Counts {
        Counts {
            known_total: self.known_total.load(order),
            unknown_files: self.unknown_files.load(order),
            transferred: self.transferred.load(order),
            files_total: self.files_total.load(order),
            files_transferred: self.files_transferred.load(order),
            added: self.added.load(order),
        }
    }

    /// A consistent copy of the counts: between two whole updates.
    #[inline]
    fn read(&self) -> Counts {
        let mut round = 0;
        loop {
            let before = self.seq.load(Ordering::Acquire);
            if before & 1 == 0 {
                // Acquire: a count stored after a writer made `seq` odd makes that odd `seq`
                // visible to the load below, so the copy is thrown away.
                let counts = self.load(Ordering::Acquire);
                if self.seq.load(Ordering::Relaxed) == before {
                    return counts;
                }
            }
            back_off(&mut round);
        }
    }

    /// Applies `rule` to the counts as one update: all of it, or nothing when it fails.
    #[inline]
    fn update(&self, rule: impl FnOnce(&mut Counts) -> Result<(), Error>) -> Result<(), Error> {
        let mut round = 0;
        let seq = loop {
            let seq = self.seq.load(Ordering::Relaxed);
            if seq & 1 == 0
                && self
                    .seq
                    .compare_exchange_weak(seq, seq + 1, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                break seq;
            }
            back_off(&mut round);
        };
        // Makes the sequence even again however this ends, so that even a panic in `rule`
        // (none is possible today) would leave the counts unchanged and the tracker usable.
        let _unlock = Unlock {
            seq: &self.seq,
            next: seq + 2,
        };
        let old = self.load(Ordering::Relaxed);
        let mut new = old;
        let result = rule(&mut new);
        if result.is_ok() {
            self.store_changes(&old, &new);
        }
        result
    }

    /// Release stores: a reader that sees one also sees `seq` odd (see `read`).
    #[inline]
    fn store_changes(&self, old: &Counts, new: &Counts) {
        let r = Ordering::Release;
        if new.known_total != old.known_total {
            self.known_total.store(new.known_total, r);
        }
        if new.unknown_files != old.unknown_files {
            self.unknown_files.store(new.unknown_files, r);
        }
        if new.transferred != old.transferred {
            self.transferred.store(new.transferred, r);
        }
        if new.files_total != old.files_total {
            self.files_total.store(new.files_total, r);
        }
        if new.files_transferred != old.files_transferred {
            self.files_transferred.store(new.files_transferred, r);
        }
        if new.added != old.added {
            self.added.store(new.added, r);
        }
    }
}

/// The most samples a rate window holds: one per `RATE_WINDOW / 10`, plus the span's start.
const SAMPLES: usize = 16;

/// Ends a writer's update: a release store of the next even sequence number.
struct Unlock<'a> {
    seq: &'a AtomicU64,
    next: u64,
}

impl Drop for Unlock<'_> {
    #[inline]
    fn drop(&mut self) {
        self.seq.store(self.next, Ordering::Release);
    }
}

/// Samples of (time, bytes added) for the rate, oldest first, in a fixed ring (no heap, so
/// that creating a tracker allocates only the tracker itself).
#[derive(Debug)]
struct RateWindow {
    samples: [(Duration, u64); SAMPLES],
    first: usize,
    len: usize,
}

impl RateWindow {
    fn new(start: Duration) -> Self {
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

    /// Records the sample `(now, added)` and answers the rate over the window that ends now.
    fn rate(&mut self, now: Duration, added: u64) -> Result<f64, Error> {
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
        if added == 0 || span < RATE_MIN_SPAN {
            return Err(Error::NotEnoughData);
        }
        Ok(added.wrapping_sub(base) as f64 / span.as_secs_f64())
    }
}

/// A job's progress, updated by any number of threads at once and read as consistent
/// [`JobProgress`] snapshots.
///
/// Every update follows the rules and errors of the [`JobProgress`] mutators, all or nothing,
/// with two differences that a shared, long-lived count needs: the sizes of known files are
/// kept while some file's size is unknown (so [`resolve_size`](Self::resolve_size) can bring
/// the total back), and transferred bytes can be taken back with
/// [`rewind_bytes`](Self::rewind_bytes).
///
/// Guarantees: every snapshot passes [`JobProgress::validate`] and is the state after exactly
/// the updates ordered before it, each whole; successive snapshots never go backwards
/// (`bytes_transferred` drops only by `rewind_bytes`, file counts never drop, a known total
/// never drops); after all threads finish, the snapshot is the sum of every update that
/// returned `Ok`. See the module documentation for the design and the rate's window.
///
/// ```
/// use bgprogress::{Tracker, SIZE_UNKNOWN};
/// use std::sync::Arc;
///
/// let tracker = Arc::new(Tracker::new());
/// tracker.add_file(1000)?;
/// tracker.add_file(SIZE_UNKNOWN)?;
/// let worker = {
///     let tracker = Arc::clone(&tracker);
///     std::thread::spawn(move || {
///         for _ in 0..10 {
///             tracker.add_bytes(100).unwrap();
///         }
///         tracker.complete_file().unwrap();
///     })
/// };
/// worker.join().unwrap();
/// assert_eq!(tracker.snapshot().bytes_total, SIZE_UNKNOWN);
/// tracker.resolve_size(500)?;
/// assert_eq!(tracker.snapshot().to_string(), "1000 B of 1.46 KiB (66%), 1 of 2 files");
/// # Ok::<(), bgprogress::Error>(())
/// ```
pub struct Tracker<C: Clock = MonotonicClock> {
    cell: Cell,
    window: Mutex<RateWindow>,
    clock: C,
}

impl Tracker {
    /// An empty tracker (no file, no byte) on the system's monotonic clock.
    pub fn new() -> Self {
        Tracker::with_clock(MonotonicClock::default())
    }
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker::new()
    }
}

impl<C: Clock> fmt::Debug for Tracker<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Tracker").field(&self.snapshot()).finish()
    }
}

impl<C: Clock> Tracker<C> {
    /// An empty tracker whose rate is measured with `clock`.
    ///
    /// ```
    /// use bgprogress::{ManualClock, Tracker, Error};
    /// use std::time::Duration;
    /// let clock = ManualClock::default();
    /// let tracker = Tracker::with_clock(&clock);
    /// tracker.add_file(4000)?;
    /// tracker.add_bytes(1000)?;
    /// clock.advance(Duration::from_secs(2));
    /// assert_eq!(tracker.rate()?, 500.0);
    /// assert_eq!(tracker.eta()?, 6.0);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn with_clock(clock: C) -> Self {
        let window = Mutex::new(RateWindow::new(clock.now()));
        Tracker {
            cell: Cell::new(),
            window,
            clock,
        }
    }

    /// A consistent copy of the progress; it always passes [`JobProgress::validate`].
    pub fn snapshot(&self) -> JobProgress {
        self.cell.read().job()
    }

    /// Adds a file of `size` bytes, or of unknown size with `SIZE_UNKNOWN`. Errors, in order:
    /// [`Error::TooManyFiles`]; [`Error::Overflow`] when the sum of the known sizes would
    /// reach `u64::MAX` (it is kept even while some size is unknown).
    pub fn add_file(&self, size: u64) -> Result<(), Error> {
        self.cell.update(|c| {
            let files_total = c.files_total.checked_add(1).ok_or(Error::TooManyFiles)?;
            if size == SIZE_UNKNOWN {
                // At most one per file, so it cannot pass files_total.
                c.unknown_files += 1;
            } else {
                c.known_total = add_bytes_below_max(c.known_total, size)?;
            }
            c.files_total = files_total;
            Ok(())
        })
    }

    /// Counts `n` more transferred bytes: the rules of [`JobProgress::add_bytes`].
    pub fn add_bytes(&self, n: u64) -> Result<(), Error> {
        self.cell.update(|c| {
            let mut job = c.job();
            job.add_bytes(n)?;
            c.transferred = job.bytes_transferred;
            c.added = c.added.wrapping_add(n);
            Ok(())
        })
    }

    /// Counts one more transferred file: the rules of [`JobProgress::complete_file`].
    pub fn complete_file(&self) -> Result<(), Error> {
        self.cell.update(|c| {
            let mut job = c.job();
            job.complete_file()?;
            c.files_transferred = job.files_transferred;
            Ok(())
        })
    }

    /// Says that one file added with `SIZE_UNKNOWN` now has a known `size`. Errors, in
    /// order: [`Error::SizeUnknown`] when `size` is `SIZE_UNKNOWN`; [`Error::NoUnknownSize`]
    /// when no such file is pending; [`Error::Overflow`] when the known sum would reach
    /// `u64::MAX`; [`Error::BytesExceedTotal`] when it resolves the last unknown size and the
    /// total would be less than the bytes already transferred.
    pub fn resolve_size(&self, size: u64) -> Result<(), Error> {
        if size == SIZE_UNKNOWN {
            return Err(Error::SizeUnknown);
        }
        self.cell.update(|c| {
            if c.unknown_files == 0 {
                return Err(Error::NoUnknownSize);
            }
            let known_total = add_bytes_below_max(c.known_total, size)?;
            if c.unknown_files == 1 && known_total < c.transferred {
                return Err(Error::BytesExceedTotal);
            }
            c.known_total = known_total;
            c.unknown_files -= 1;
            Ok(())
        })
    }

    /// Takes back `n` transferred bytes, for a file that restarts from zero (its remote copy
    /// changed). [`Error::Underflow`] when `n` is more than the bytes transferred.
    pub fn rewind_bytes(&self, n: u64) -> Result<(), Error> {
        self.cell.update(|c| {
            c.transferred = c.transferred.checked_sub(n).ok_or(Error::Underflow)?;
            Ok(())
        })
    }

    /// Bytes per second over the last [`RATE_WINDOW`] (see the module documentation).
    /// [`Error::NotEnoughData`] until a byte was added and [`RATE_MIN_SPAN`] has passed.
    pub fn rate(&self) -> Result<f64, Error> {
        let added = self.cell.read().added;
        let now = self.clock.now();
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        window.rate(now, added)
    }

    /// Seconds until every byte is in at the current [`rate`](Self::rate): the remaining bytes
    /// divided by the rate, `0.0` when nothing remains, `f64::INFINITY` when the rate is 0
    /// (stalled). Errors: [`Error::SizeUnknown`] when the size is unknown (checked before the
    /// rate), then the rate's.
    pub fn eta(&self) -> Result<f64, Error> {
        let remaining = self.snapshot().remaining_bytes()?;
        if remaining == 0 {
            return Ok(0.0);
        }
        Ok(remaining as f64 / self.rate()?)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    const MAX: u64 = u64::MAX;

    /// Runs `op` and checks the all-or-nothing rule: on error the snapshot did not change.
    fn check<C: Clock>(
        t: &Tracker<C>,
        op: impl FnOnce(&Tracker<C>) -> Result<(), Error>,
    ) -> Result<JobProgress, Error> {
        let before = t.cell.read();
        match op(t) {
            Ok(()) => Ok(t.snapshot()),
            Err(e) => {
                assert_eq!(t.cell.read(), before, "{e:?} changed the tracker");
                Err(e)
            }
        }
    }

    #[test]
    fn follows_the_struct_rules() {
        let t = Tracker::new();
        assert_eq!(t.snapshot(), JobProgress::default());
        assert_eq!(
            check(&t, |t| t.add_file(10)),
            Ok(JobProgress::new(10, 0, 1, 0))
        );
        assert_eq!(check(&t, |t| t.add_bytes(11)), Err(Error::BytesExceedTotal));
        assert_eq!(
            check(&t, |t| t.add_bytes(10)),
            Ok(JobProgress::new(10, 10, 1, 0))
        );
        assert_eq!(
            check(&t, |t| t.complete_file()),
            Ok(JobProgress::new(10, 10, 1, 1))
        );
        assert_eq!(
            check(&t, |t| t.complete_file()),
            Err(Error::FilesExceedTotal)
        );
        assert_eq!(
            check(&t, |t| t.add_file(MAX - 11)),
            Ok(JobProgress::new(MAX - 1, 10, 2, 1))
        );
        assert_eq!(check(&t, |t| t.add_file(1)), Err(Error::Overflow));
        assert_eq!(check(&t, |t| t.rewind_bytes(11)), Err(Error::Underflow));
        assert_eq!(
            check(&t, |t| t.rewind_bytes(10)),
            Ok(JobProgress::new(MAX - 1, 0, 2, 1))
        );
    }

    #[test]
    fn unknown_sizes_keep_the_known_sum() {
        let t = Tracker::new();
        t.add_file(100).unwrap();
        assert_eq!(check(&t, |t| t.resolve_size(5)), Err(Error::NoUnknownSize));
        t.add_file(SIZE_UNKNOWN).unwrap();
        t.add_file(SIZE_UNKNOWN).unwrap();
        assert_eq!(t.snapshot(), JobProgress::new(SIZE_UNKNOWN, 0, 3, 0));
        // Bytes may pass the known sum while the total is unknown.
        t.add_bytes(150).unwrap();
        assert_eq!(
            check(&t, |t| t.resolve_size(SIZE_UNKNOWN)),
            Err(Error::SizeUnknown)
        );
        assert_eq!(
            check(&t, |t| t.resolve_size(20)),
            Ok(JobProgress::new(SIZE_UNKNOWN, 150, 3, 0))
        );
        // The last one may not leave the total below the bytes transferred.
        assert_eq!(
            check(&t, |t| t.resolve_size(29)),
            Err(Error::BytesExceedTotal)
        );
        assert_eq!(
            check(&t, |t| t.resolve_size(MAX - 120)),
            Err(Error::Overflow)
        );
        assert_eq!(
            check(&t, |t| t.resolve_size(30)),
            Ok(JobProgress::new(150, 150, 3, 0))
        );
        assert_eq!(check(&t, |t| t.resolve_size(1)), Err(Error::NoUnknownSize));
    }

    #[test]
    fn known_sum_overflows_even_while_unknown() {
        let t = Tracker::new();
        t.add_file(SIZE_UNKNOWN).unwrap();
        t.add_file(MAX - 1).unwrap();
        assert_eq!(check(&t, |t| t.add_file(1)), Err(Error::Overflow));
        assert_eq!(
            check(&t, |t| t.add_bytes(MAX - 1)),
            Ok(JobProgress::new(SIZE_UNKNOWN, MAX - 1, 2, 0))
        );
        assert_eq!(check(&t, |t| t.add_bytes(1)), Err(Error::Overflow));
    }

    #[test]
    fn too_many_files() {
        let t = Tracker::new();
        t.cell.files_total.store(u32::MAX, Ordering::Relaxed);
        assert_eq!(check(&t, |t| t.add_file(0)), Err(Error::TooManyFiles));
        assert_eq!(
            check(&t, |t| t.add_file(SIZE_UNKNOWN)),
            Err(Error::TooManyFiles)
        );
    }

    #[test]
    fn rate_steady() {
        let clock = ManualClock::default();
        let t = Tracker::with_clock(&clock);
        t.add_file(100_000).unwrap();
        for _ in 0..20 {
            clock.advance(Duration::from_millis(500));
            t.add_bytes(1000).unwrap();
            let _ = t.rate();
        }
        assert_eq!(t.rate().unwrap(), 2000.0);
        assert_eq!(t.eta().unwrap(), 80_000.0 / 2000.0);
    }

    #[test]
    fn rate_burst_then_idle_falls_to_zero() {
        let clock = ManualClock::default();
        let t = Tracker::with_clock(&clock);
        t.add_file(1_000_000).unwrap();
        clock.advance(Duration::from_secs(1));
        t.add_bytes(500_000).unwrap();
        assert_eq!(t.rate().unwrap(), 500_000.0);
        for _ in 0..12 {
            clock.advance(Duration::from_millis(500));
            let _ = t.rate();
        }
        assert_eq!(t.rate().unwrap(), 0.0);
        assert_eq!(t.eta().unwrap(), f64::INFINITY);
        t.add_bytes(500_000).unwrap();
        assert_eq!(t.eta().unwrap(), 0.0);
    }

    #[test]
    fn rate_needs_data() {
        let clock = ManualClock::default();
        let t = Tracker::with_clock(&clock);
        assert_eq!(t.rate(), Err(Error::NotEnoughData));
        clock.advance(Duration::from_secs(10));
        assert_eq!(t.rate(), Err(Error::NotEnoughData)); // no byte yet
        t.add_file(SIZE_UNKNOWN).unwrap();
        t.add_bytes(10).unwrap();
        assert!(t.rate().is_ok());
        assert_eq!(t.eta(), Err(Error::SizeUnknown));
        let fresh = Tracker::with_clock(&clock);
        fresh.add_file(10).unwrap();
        fresh.add_bytes(1).unwrap();
        clock.advance(RATE_MIN_SPAN / 2);
        assert_eq!(fresh.rate(), Err(Error::NotEnoughData));
        assert_eq!(fresh.eta(), Err(Error::NotEnoughData));
    }

    #[test]
    fn rewinds_do_not_slow_the_rate() {
        let clock = ManualClock::default();
        let t = Tracker::with_clock(&clock);
        t.add_file(SIZE_UNKNOWN).unwrap();
        t.add_bytes(300).unwrap();
        t.rewind_bytes(300).unwrap();
        t.add_bytes(100).unwrap();
        clock.advance(Duration::from_secs(1));
        assert_eq!(t.rate().unwrap(), 400.0);
    }

    #[test]
    fn rate_window_keeps_a_bounded_span() {
        let clock = ManualClock::default();
        let t = Tracker::with_clock(&clock);
        t.add_file(SIZE_UNKNOWN).unwrap();
        // An hour of 100 B/s, polled every 100 ms, then 10 s of 1000 B/s: the old rate is gone.
        for _ in 0..36_000 {
            clock.advance(Duration::from_millis(100));
            t.add_bytes(10).unwrap();
            let _ = t.rate();
        }
        assert!((t.rate().unwrap() - 100.0).abs() < 1e-6);
        for _ in 0..100 {
            clock.advance(Duration::from_millis(100));
            t.add_bytes(100).unwrap();
            let _ = t.rate();
        }
        assert!((t.rate().unwrap() - 1000.0).abs() < 1e-6);
    }

    #[test]
    fn is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Tracker>();
        assert_send_sync::<Tracker<&ManualClock>>();
    }
}
