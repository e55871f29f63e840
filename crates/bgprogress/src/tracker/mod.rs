//! A live, thread-safe job progress: [`Tracker`].
//!
//! # Design
//!
//! Writers (transfer threads) call `add_bytes` far more often than readers (a UI) take
//! snapshots, and every update must be checked against the other counts (bytes may not pass a
//! known total), so the counts cannot be independent atomics. The tracker keeps two copies of
//! the job behind a *latch* ([`latch`]): one sequence number that is both the writers' lock
//! and the choice of the copy readers read.
//!
//! - A writer takes the lock with one compare-and-swap, applies the rule to the current
//!   counts ([`counts`]), writes the result into the other copy and commits with a plain
//!   release store, which makes that copy current. Uncontended, that is one atomic
//!   read-modify-write, as cheap as the `fetch_add` of a bare counter. A rule that fails
//!   stores nothing and releases the lock without moving the sequence.
//! - A reader never takes, holds or waits for the writers' lock: it reads the sequence, the
//!   current copy and the sequence again, and retries only if two writers came and went
//!   meanwhile. After a few such tries it also asks the writers for the state
//!   ([`mailbox`]): the next writer to take the lock answers, after its commit, with the
//!   state it left, and the reader takes whichever comes first, that answer or one of its
//!   own reads (or, when the writer that took the request stops before answering, asks again). A writer
//!   preempted in the middle of its update holds no reader up (the sequence stops, and the
//!   next read holds). The only thing a reader writes is its own request, which no writer
//!   waits for. Every snapshot is the state between two whole updates (linearizable).
//! - A writer that cannot get the lock spins with an exponential back-off ([`backoff`]); past
//!   the spins it posts its update, on its own stack, for whoever holds the lock to apply
//!   and answer after its commit ([`queue`]), so no writer starves behind others that keep
//!   the lock's cache line, however many writers there are.
//! - The sequence, a running byte count and both copies share one cache line (64 bytes); the
//!   counts only writers need (the sum of known sizes, the unknown ones) have their own, and
//!   so have the posted updates and requests, which every update looks at.
//!
//! The contended paths are rare on few cores; [`contention`] forces and counts them for the
//! tests, and stops threads at the protocols' points.
//!
//! A sharded counter would make uncontended `add_bytes` no cheaper and snapshots much dearer,
//! and could not check the total on every update; a mutex costs two read-modify-writes per
//! update and makes readers wait.
//!
//! # Rate and ETA
//!
//! [`Tracker::rate`] is a long-run speed (bytes added per second; rewinds do not count) that
//! follows a faster link at once and believes a slower one only when the change is large and
//! sustained, and [`Tracker::eta`] a countdown filtered from it; the estimator ([`rate`])
//! samples the counts on a fixed 100 ms grid of the tracker's own clock from the looks that
//! `rate` and `eta` take, so updates never read the clock and the figures do not depend on
//! who looks when, beyond the interpolation between two looks. `make bench-eta` compares it
//! with the "time left" of curl, wget, tqdm and indicatif on recorded traces of real links and
//! on synthetic transfers (`docs/eta.md`).
//!
//! The tracker needs 64-bit atomics: on targets without them the crate builds without it.

mod backoff;
mod clock;
mod contention;
mod counts;
#[cfg(all(test, not(loom)))]
mod interleavings;
#[cfg(all(test, loom))]
mod models;
mod latch;
mod mailbox;
mod published;
mod queue;
mod rate;
mod sync;

pub use clock::{Clock, ManualClock, MonotonicClock};
pub use rate::RATE_MIN_SPAN;

use core::fmt;

use backoff::Backoff;
use contention::{forced, Point};
use counts::{Counts, JobCells, Op, WriterCounts};
use latch::{Latch, WriteGuard};
use mailbox::Mailbox;
use published::Published;
use queue::Queue;
pub(crate) use rate::Estimator;
use sync::{AtomicU64, Mutex, MutexGuard, Ordering};

use crate::{Error, JobProgress, SIZE_UNKNOWN};

/// Optimistic reads a snapshot tries before it also asks the writers (under loom, one: so
/// that the model checks that path).
const OPTIMISTIC_READS: u32 = if cfg!(loom) { 1 } else { 4 };

/// Rounds a reader waits for the answer of a writer that took its request (a few µs of
/// spinning) before it asks again.
const STALE_ROUNDS: u32 = 8;

/// What every update and every snapshot touches, on one cache line.
#[repr(C, align(64))]
struct Hot {
    latch: Latch,
    /// Every byte ever added, rewinds not taken off, wrapping: the rate's measure. Written
    /// under the latch; readers load it alone (the rate needs no snapshot of it).
    added: AtomicU64,
    /// The job: the current copy and the one the writer at work writes.
    copies: [JobCells; 2],
}

#[cfg(not(loom))] // loom's atomics are larger
const _: () = assert!(core::mem::size_of::<Hot>() == 64);

/// The counts only writers read, off the hot line: add_bytes never writes them.
#[repr(C, align(64))]
struct Cold {
    counts: WriterCounts,
    /// The job file that commits are also written to, once published.
    published: Published,
}

/// Who waits for the lock's holder: starved writers' updates and beaten readers' requests.
/// Off the hot line, looked at by every update (two loads of this line), written rarely.
#[repr(C, align(64))]
struct Waiting {
    queue: Queue,
    mailbox: Mailbox,
}

impl Waiting {
    #[inline(always)]
    fn any(&self) -> bool {
        self.queue.any() || self.mailbox.any()
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
/// never drops); an update that returned `Ok` is in every snapshot taken after it returned;
/// after all threads finish, the snapshot is the sum of every update that returned `Ok`.
/// Readers never take or wait for the writers' lock and writers never wait for a reader;
/// no writer starves, however many there are. The crate's `tracker` module documentation
/// (in the source, `src/tracker/mod.rs`) has the design and the rate's window.
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
    hot: Hot,
    cold: Cold,
    waiting: Waiting,
    window: Mutex<Estimator>,
    clock: C,
    #[cfg(any(bgprogress_force_contended, all(test, not(loom))))]
    paths: contention::Paths,
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
    /// assert!((tracker.eta()? - 6.0).abs() < 1e-9);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn with_clock(clock: C) -> Self {
        let window = Mutex::new(Estimator::new(clock.now()));
        Tracker {
            hot: Hot {
                latch: Latch::new(),
                added: AtomicU64::new(0),
                copies: [JobCells::new(), JobCells::new()],
            },
            cold: Cold {
                counts: WriterCounts::new(),
                published: Published::new(),
            },
            waiting: Waiting {
                queue: Queue::new(),
                mailbox: Mailbox::new(),
            },
            window,
            clock,
            #[cfg(any(bgprogress_force_contended, all(test, not(loom))))]
            paths: contention::Paths::default(),
        }
    }

    /// Counts a contended path (`--cfg bgprogress_force_contended` only).
    #[inline(always)]
    fn ran(&self, _path: usize) {
        #[cfg(any(bgprogress_force_contended, all(test, not(loom))))]
        self.paths.count(_path);
    }

    /// How often each contended path ran: `(path, count)` pairs, in a fixed order. Only in
    /// builds with `--cfg bgprogress_force_contended`, for the stress tests.
    #[cfg(bgprogress_force_contended)]
    #[doc(hidden)]
    pub fn paths(&self) -> [(&'static str, u64); 7] {
        self.paths.read()
    }

    // The write path: `update`, then (when the lock is taken) `update_contended`, and under
    // the lock `apply`, `apply_waiting` and `commit`.

    /// Applies `op` as one update: all of it, or nothing when it fails. Always inlined, so
    /// that each public update compiles to its own rule (no dispatch on the kind of update).
    #[inline(always)]
    fn update(&self, op: Op) -> Result<(), Error> {
        if !forced() {
            if let Some(guard) = self.hot.latch.try_write() {
                return self.apply(guard, Some(op));
            }
        }
        self.update_contended(op)
    }

    /// [`update`](Self::update) when another writer holds the lock: spins for it, then posts
    /// the update for whoever holds it (this thread too, when it gets the lock first) and
    /// waits for the answer.
    #[cold]
    fn update_contended(&self, op: Op) -> Result<(), Error> {
        let mut backoff = Backoff::default();
        while !forced() && !backoff.spun_out() {
            backoff.wait();
            if let Some(guard) = self.hot.latch.try_write() {
                return self.apply(guard, Some(op));
            }
        }
        self.ran(4);
        self.waiting.queue.post_and_wait(op, || {
            if let Some(guard) = self.hot.latch.try_write() {
                let _ = self.apply(guard, None);
            }
        })
    }

    /// Under the lock: applies `own` to the current counts and, when someone waits, the
    /// posted updates too; stores the result in the other copy and commits (or aborts when
    /// nothing changed); then answers those who waited. Returns `own`'s outcome (`Ok` when
    /// there is none).
    #[inline(always)]
    fn apply(&self, guard: WriteGuard<'_>, own: Option<Op>) -> Result<(), Error> {
        // Relaxed: the lock's compare-and-swap acquired the previous writer's stores.
        let job = self.hot.copies[guard.current()].load(Ordering::Relaxed);
        let old = self
            .cold
            .counts
            .load(&job, self.hot.added.load(Ordering::Relaxed));
        let mut new = old;
        let result = own.map_or(Ok(()), |op| new.apply(op));
        let changed = own.is_some() && result.is_ok();
        if self.waiting.any() {
            self.apply_waiting(guard, old, new, changed);
        } else if changed {
            self.commit(guard, &old, &new);
        } else {
            guard.abort();
        }
        result
    }

    /// The rest of [`apply`](Self::apply) when someone waits: out of line, so that the
    /// common case keeps the counts in registers.
    #[cold]
    #[inline(never)]
    fn apply_waiting(&self, guard: WriteGuard<'_>, old: Counts, mut new: Counts, changed: bool) {
        let updates = self.waiting.queue.take();
        let changed = updates.apply(&mut new) | changed;
        let requests = self.waiting.mailbox.take();
        contention::at(Point::Committing);
        if changed {
            self.commit(guard, &old, &new);
        } else {
            guard.abort();
        }
        // After the commit: an answer is in every later snapshot.
        requests.answer(&new.job());
        updates.answer();
        self.ran(5);
    }

    /// Stores `new` in the other copy (and what changed of the rest) and commits.
    #[inline(always)]
    fn commit(&self, guard: WriteGuard<'_>, old: &Counts, new: &Counts) {
        let job = new.job();
        self.hot.copies[guard.target()].store(&job);
        if new.added != old.added {
            self.hot.added.store(new.added, Ordering::Relaxed);
        }
        self.cold.counts.store_changes(old, new);
        #[cfg(all(any(unix, windows), not(loom)))]
        if let Some(published) = self.cold.published.get() {
            published.commit(&job, new.added);
        }
        drop(guard);
    }

    // The read path: `snapshot`, then (when writers keep beating it) `snapshot_contended`.

    /// A consistent copy of the progress; it always passes [`JobProgress::validate`].
    ///
    /// It never waits for a writer, takes no lock and allocates nothing: it reads the
    /// current copy, and when writers keep committing through its reads it also asks them
    /// for the state, which the next commit answers.
    pub fn snapshot(&self) -> JobProgress {
        if !forced() {
            for _ in 0..OPTIMISTIC_READS {
                if let Some(job) = self.read() {
                    return job;
                }
            }
        }
        self.snapshot_contended()
    }

    /// One optimistic read: the current copy, or `None` when two commits came during it.
    #[inline]
    fn read(&self) -> Option<JobProgress> {
        self.hot.latch.read_once(&mut |i| {
            contention::at(Point::ReaderLoading);
            self.hot.copies[i].load(Ordering::Acquire)
        })
    }

    /// [`snapshot`](Self::snapshot) when writers keep committing during every read: asks
    /// them for the state ([`mailbox`]) and goes on reading, until either answers. A writer
    /// that stops in the middle of an update stops moving the sequence, and the next read
    /// holds; writers that keep committing answer. It spins and never yields.
    #[cold]
    fn snapshot_contended(&self) -> JobProgress {
        let mut request = None;
        let mut backoff = Backoff::default();
        let (mut round, mut taken_for) = (0u32, 0u32);
        loop {
            // A writer took the request and stopped before its answer (preempted): leave
            // the request to it and ask the writers that run.
            if request
                .as_ref()
                .is_some_and(|r: &mailbox::Request<'_>| r.is_taken())
            {
                taken_for += 1;
                if taken_for > STALE_ROUNDS {
                    request = None;
                    self.ran(6);
                }
            } else {
                taken_for = 0;
            }
            if request.is_none() {
                request = self.waiting.mailbox.ask();
                self.ran(if request.is_some() { 0 } else { 3 });
            }
            contention::at(Point::ReaderWaiting);
            #[cfg(bgprogress_broken_reader)]
            {
                // Deliberately wrong, for the tests that must catch it: the reader waits
                // under the writers' lock.
                if let Some(guard) = self.hot.latch.try_write() {
                    contention::at(Point::ReaderWaiting);
                    let job = self.hot.copies[guard.current()].load(Ordering::Acquire);
                    guard.abort();
                    return job;
                }
            }
            if let Some(asked) = request.take() {
                match asked.answer() {
                    Ok(job) => {
                        self.ran(1);
                        return job;
                    }
                    Err(asked) => request = Some(asked),
                }
            }
            // Forced: a read now and then only, so that the writers answer most requests.
            round = round.wrapping_add(1);
            if !forced() || round % 64 == 0 {
                if let Some(job) = self.read() {
                    if request.is_some() {
                        self.ran(2);
                    }
                    // Drops the request: withdrawn.
                    return job;
                }
            }
            backoff.spin();
        }
    }

    /// A consistent copy of the progress, or [`Error::Busy`] when other writers kept
    /// completing updates through a bounded number of tries (64; every try survives one
    /// writer, so this takes two or more writers in each try's few nanoseconds). Like
    /// [`snapshot`](Self::snapshot) it never waits for a writer in the middle of an update:
    /// a signal handler that interrupted an update of this tracker on its own thread, or a
    /// process forked while another thread was updating it, gets an answer. It takes no lock,
    /// never yields and allocates nothing.
    ///
    /// ```
    /// let tracker = bgprogress::Tracker::new();
    /// tracker.add_file(10)?;
    /// assert_eq!(tracker.try_snapshot()?.bytes_total, 10);
    /// # Ok::<(), bgprogress::Error>(())
    /// ```
    pub fn try_snapshot(&self) -> Result<JobProgress, Error> {
        self.hot
            .latch
            .try_read(|i| self.hot.copies[i].load(Ordering::Acquire))
            .ok_or(Error::Busy)
    }

    /// Adds a file of `size` bytes, or of unknown size with `SIZE_UNKNOWN`. Errors, in order:
    /// [`Error::TooManyFiles`]; [`Error::Overflow`] when the sum of the known sizes would
    /// reach `u64::MAX` (it is kept even while some size is unknown).
    pub fn add_file(&self, size: u64) -> Result<(), Error> {
        self.update(Op::AddFile(size))
    }

    /// Counts `n` more transferred bytes: the rules of [`JobProgress::add_bytes`].
    pub fn add_bytes(&self, n: u64) -> Result<(), Error> {
        self.update(Op::AddBytes(n))
    }

    /// Counts one more transferred file: the rules of [`JobProgress::complete_file`].
    pub fn complete_file(&self) -> Result<(), Error> {
        self.update(Op::CompleteFile)
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
        self.update(Op::ResolveSize(size))
    }

    /// Takes back `n` transferred bytes, for a file that restarts from zero (its remote copy
    /// changed). [`Error::Underflow`] when `n` is more than the bytes transferred.
    pub fn rewind_bytes(&self, n: u64) -> Result<(), Error> {
        self.update(Op::RewindBytes(n))
    }

    /// Publishes the tracker under `name` for other processes of the user (see
    /// [`JobView`](crate::JobView) and the module [`publish`](crate::publish)): its current
    /// state at once, then every committed update, written by the committing writer as part
    /// of the commit. The job's state starts as
    /// [`JOB_STATE_TRANSFERRING`](crate::JOB_STATE_TRANSFERRING). Errors:
    /// [`Error::InvalidName`]; [`Error::Exists`] when a live publisher holds the name (a
    /// stale one is replaced) or this tracker is published already (under any name);
    /// [`Error::Permission`] for the jobs directory ([`jobs_dir`](crate::jobs_dir)) or a
    /// symbolic link or another user's file at the name; [`Error::Io`] (on systems other than
    /// Unix, always).
    pub fn publish(&self, name: &str) -> Result<crate::Publication, Error> {
        crate::check_job_name(name)?;
        #[cfg(all(any(unix, windows), not(loom)))]
        {
            use std::sync::Arc;
            let shared = Arc::new(crate::publish::Shared::create(
                name,
                &self.snapshot(),
                self.hot.added.load(Ordering::Acquire),
            )?);
            let guard = loop {
                if let Some(guard) = self.hot.latch.try_write() {
                    break guard;
                }
                std::thread::yield_now();
            };
            if self.cold.published.get().is_some_and(|p| !p.is_closed()) {
                guard.abort();
                return Err(Error::Exists); // `shared` closes and removes its new file
            }
            // The state as of now (writers may have committed since the snapshot), then every
            // later commit.
            let job = self.hot.copies[guard.current()].load(Ordering::Relaxed);
            shared.commit(&job, self.hot.added.load(Ordering::Relaxed));
            let old = self.cold.published.install(Arc::clone(&shared));
            guard.abort();
            drop(old);
            Ok(crate::Publication { shared })
        }
        #[cfg(not(all(any(unix, windows), not(loom))))]
        Err(Error::Io)
    }

    /// Bytes per second, measured on a 100 ms grid of the tracker's clock from the looks
    /// that `rate` and `eta` take: the larger of the average since the segment began (the
    /// first byte, the last believed change of speed, or the end of a stall of more than
    /// 10 s) and a fading average of the same segment that weighs its recent part most. A
    /// faster link is followed within seconds; a slower one is believed when the change is at
    /// least 1.8x, far out of the link's own swings and sustained (a new segment starts);
    /// through a stall the rate falls slowly, never to 0 once bytes came.
    /// [`Error::NotEnoughData`] until a byte was added and [`RATE_MIN_SPAN`] has passed.
    pub fn rate(&self) -> Result<f64, Error> {
        self.look(|_| ()).and_then(|w| w.rate())
    }

    /// Seconds until every byte is in: a countdown (one second less per second) pulled with a
    /// 3 s time constant towards the remaining bytes divided by [`rate`](Self::rate) or, when
    /// sooner, the time they take if the newest spell of at least 8 s faster than 1.1 times
    /// the average lasts as long again and the rest comes at the average; `0.0` when nothing
    /// remains. Through a stall it grows but stays finite; after a stall
    /// of more than 10 s the first second of new bytes counts at the speed from before it.
    /// Errors: [`Error::SizeUnknown`] when the size is unknown (checked before the rate),
    /// then the rate's.
    pub fn eta(&self) -> Result<f64, Error> {
        let mut remaining = None;
        let window = self.look(|job| remaining = Some(job.remaining_bytes()))?;
        match remaining {
            Some(Ok(0)) => Ok(0.0),
            Some(Ok(remaining)) => window.eta(remaining),
            Some(Err(e)) => Err(e),
            None => Err(Error::NotEnoughData),
        }
    }

    /// Observes the counts and the clock while it holds the estimator, so that no grid point
    /// is newer than this look, and hands the estimator back.
    fn look(
        &self,
        with_job: impl FnOnce(&JobProgress),
    ) -> Result<MutexGuard<'_, Estimator>, Error> {
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let job = self.snapshot();
        // Not part of the snapshot: at most the updates in flight ahead of it, which the rate
        // cannot tell from a few nanoseconds later.
        let added = self.hot.added.load(Ordering::Acquire);
        with_job(&job);
        window.observe(self.clock.now(), added, job.remaining_bytes().ok());
        Ok(window)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use core::time::Duration;

    const MAX: u64 = u64::MAX;

    /// Debug shows the snapshot.
    #[test]
    fn debug_shows_the_snapshot() {
        let t = Tracker::new();
        t.add_file(10).unwrap();
        t.add_bytes(4).unwrap();
        assert_eq!(
            std::format!("{t:?}"),
            std::format!("Tracker({:?})", t.snapshot())
        );
    }

    #[test]
    fn refused_updates_change_nothing_and_leave_the_sequence() {
        let t = Tracker::new();
        t.add_file(10).unwrap();
        t.add_bytes(4).unwrap();
        t.complete_file().unwrap();
        let (job, seq) = (t.snapshot(), t.hot.latch.sequence());
        assert_eq!(t.add_bytes(7), Err(Error::BytesExceedTotal));
        assert_eq!(t.complete_file(), Err(Error::FilesExceedTotal));
        assert_eq!(t.resolve_size(1), Err(Error::NoUnknownSize));
        assert_eq!(t.resolve_size(SIZE_UNKNOWN), Err(Error::SizeUnknown));
        assert_eq!(t.rewind_bytes(5), Err(Error::Underflow));
        assert_eq!(t.add_file(MAX - 10), Err(Error::Overflow));
        assert_eq!(t.snapshot(), job);
        assert_eq!(
            t.hot.latch.sequence(),
            seq,
            "a refused update moved the sequence"
        );
        t.add_bytes(1).unwrap();
        assert_eq!(t.hot.latch.sequence(), seq + 2);
        assert_eq!(t.snapshot(), JobProgress::new(10, 5, 1, 1));
    }

    #[test]
    fn readers_do_not_wait_for_a_writer_in_the_middle_of_an_update() {
        let t = Tracker::new();
        t.add_file(10).unwrap();
        // As a signal handler finds its own thread's update, or a forked child another
        // thread's: the lock held, the other copy half written.
        let guard = t.hot.latch.try_write().unwrap();
        t.hot.copies[guard.target()].store(&JobProgress::new(99, 0, 0, 0));
        assert_eq!(t.try_snapshot(), Ok(JobProgress::new(10, 0, 1, 0)));
        assert_eq!(t.snapshot(), JobProgress::new(10, 0, 1, 0));
        guard.abort();
        assert_eq!(t.try_snapshot(), Ok(JobProgress::new(10, 0, 1, 0)));
    }

    #[test]
    fn a_posted_update_is_applied_by_the_next_writer() {
        let t = Tracker::new();
        t.add_file(10).unwrap();
        std::thread::scope(|s| {
            // As a writer that cannot get the lock: its updates wait for the next writer.
            let guard = t.hot.latch.try_write().unwrap();
            let posted = s.spawn(|| (t.add_bytes(4), t.add_bytes(7)));
            while !t.waiting.queue.any() {
                std::thread::yield_now();
            }
            assert_eq!(t.snapshot(), JobProgress::new(10, 0, 1, 0));
            guard.abort();
            assert_eq!(
                posted.join().unwrap(),
                (Ok(()), Err(Error::BytesExceedTotal))
            );
        });
        assert_eq!(t.snapshot(), JobProgress::new(10, 4, 1, 0));
        // A writer whose own update fails still commits the posted ones.
        std::thread::scope(|s| {
            let guard = t.hot.latch.try_write().unwrap();
            let posted = s.spawn(|| t.add_bytes(6));
            while !t.waiting.queue.any() {
                std::thread::yield_now();
            }
            guard.abort();
            assert_eq!(t.complete_file(), Ok(()));
            assert_eq!(t.complete_file(), Err(Error::FilesExceedTotal));
            assert_eq!(posted.join().unwrap(), Ok(()));
        });
        assert_eq!(t.snapshot(), JobProgress::new(10, 10, 1, 1));
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
        assert!((t.rate().unwrap() - 2000.0).abs() < 1e-6);
        assert!((t.eta().unwrap() - 80_000.0 / 2000.0).abs() < 1e-6);
    }

    #[test]
    fn idle_lowers_the_rate_slowly_and_keeps_the_eta_finite() {
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
        // 500 kB over the 7 s of the segment, pauses included: never 0, never infinite.
        assert!((t.rate().unwrap() - 500_000.0 / 7.0).abs() < 1.0);
        assert!(t.eta().unwrap().is_finite());
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
        assert_eq!(t.rate(), Err(Error::NotEnoughData)); // no time yet since the bytes
        clock.advance(RATE_MIN_SPAN);
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
