//! The tracker's counts and their rules, and the atomics that hold them.

use super::sync::{AtomicU32, AtomicU64, Ordering};
use crate::arith::{add_bytes_below_max, within_total};
use crate::{Error, JobProgress, SIZE_UNKNOWN};

/// The counts behind a snapshot. Each rule below changes a copy, all or nothing; the tracker
/// stores the copy only when the rule succeeds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Counts {
    /// The sum of the known sizes, kept while some sizes are unknown.
    pub(super) known_total: u64,
    /// Files added with an unknown size and not resolved yet.
    pub(super) unknown_files: u32,
    pub(super) transferred: u64,
    pub(super) files_total: u32,
    pub(super) files_transferred: u32,
    /// Every byte ever added, rewinds not taken off, wrapping: the rate's measure.
    pub(super) added: u64,
}

impl Counts {
    /// The progress these counts describe.
    #[inline]
    pub(super) fn job(&self) -> JobProgress {
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

    /// See [`Tracker::add_file`](crate::Tracker::add_file).
    fn add_file(&mut self, size: u64) -> Result<(), Error> {
        let files_total = self.files_total.checked_add(1).ok_or(Error::TooManyFiles)?;
        if size == SIZE_UNKNOWN {
            // At most one per file, so it cannot pass files_total.
            self.unknown_files += 1;
        } else {
            self.known_total = add_bytes_below_max(self.known_total, size)?;
        }
        self.files_total = files_total;
        Ok(())
    }

    /// See [`Tracker::add_bytes`](crate::Tracker::add_bytes).
    #[inline]
    fn add_bytes(&mut self, n: u64) -> Result<(), Error> {
        let mut job = self.job();
        job.add_bytes(n)?;
        self.transferred = job.bytes_transferred;
        self.added = self.added.wrapping_add(n);
        Ok(())
    }

    /// See [`Tracker::complete_file`](crate::Tracker::complete_file).
    fn complete_file(&mut self) -> Result<(), Error> {
        let mut job = self.job();
        job.complete_file()?;
        self.files_transferred = job.files_transferred;
        Ok(())
    }

    /// See [`Tracker::resolve_size`](crate::Tracker::resolve_size); `size` is not
    /// `SIZE_UNKNOWN` (the tracker refuses that before it takes the lock).
    fn resolve_size(&mut self, size: u64) -> Result<(), Error> {
        if self.unknown_files == 0 {
            return Err(Error::NoUnknownSize);
        }
        let known_total = add_bytes_below_max(self.known_total, size)?;
        if self.unknown_files == 1 {
            // The total becomes known: the bytes must be within it.
            within_total(self.transferred, known_total)?;
        }
        self.known_total = known_total;
        self.unknown_files -= 1;
        Ok(())
    }

    /// See [`Tracker::rewind_bytes`](crate::Tracker::rewind_bytes).
    fn rewind_bytes(&mut self, n: u64) -> Result<(), Error> {
        self.transferred = self.transferred.checked_sub(n).ok_or(Error::Underflow)?;
        Ok(())
    }
}

/// One update, as a value: what a starved writer posts for another to apply
/// ([`queue`](super::queue)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    AddFile(u64),
    AddBytes(u64),
    CompleteFile,
    ResolveSize(u64),
    RewindBytes(u64),
}

impl Counts {
    /// Applies `op`, all or nothing.
    #[inline(always)]
    pub(super) fn apply(&mut self, op: Op) -> Result<(), Error> {
        let mut new = *self;
        match op {
            Op::AddFile(size) => new.add_file(size),
            Op::AddBytes(n) => new.add_bytes(n),
            Op::CompleteFile => new.complete_file(),
            Op::ResolveSize(size) => new.resolve_size(size),
            Op::RewindBytes(n) => new.rewind_bytes(n),
        }?;
        *self = new;
        Ok(())
    }
}

/// One copy of the job as readers see it: a [`JobProgress`] as atomics, written only by the
/// writer that holds the tracker's latch, while readers read the other copy.
#[derive(Debug)]
pub(super) struct JobCells {
    bytes_total: AtomicU64,
    transferred: AtomicU64,
    files_total: AtomicU32,
    files_transferred: AtomicU32,
}

impl JobCells {
    pub(super) fn new() -> Self {
        JobCells {
            bytes_total: AtomicU64::new(0),
            transferred: AtomicU64::new(0),
            files_total: AtomicU32::new(0),
            files_transferred: AtomicU32::new(0),
        }
    }

    /// Loads the job: `Acquire` for readers (see the latch), `Relaxed` for the writer that
    /// holds the latch (its compare-and-swap already acquired the last writer's stores).
    #[inline]
    pub(super) fn load(&self, order: Ordering) -> JobProgress {
        JobProgress {
            bytes_total: self.bytes_total.load(order),
            bytes_transferred: self.transferred.load(order),
            files_total: self.files_total.load(order),
            files_transferred: self.files_transferred.load(order),
        }
    }

    /// Stores the job, with `Release` so that a reader that loads one of its fields also sees
    /// the writer's odd sequence (see the latch).
    #[inline]
    pub(super) fn store(&self, job: &JobProgress) {
        let r = Ordering::Release;
        self.bytes_total.store(job.bytes_total, r);
        self.transferred.store(job.bytes_transferred, r);
        self.files_total.store(job.files_total, r);
        self.files_transferred.store(job.files_transferred, r);
    }
}

/// The counts only writers read, under the latch: the sum of the known sizes and the number
/// of unknown ones (readers see only the total they make), and every byte ever added (the
/// rate's measure, which readers load alone, see `Tracker::look`).
#[derive(Debug)]
pub(super) struct WriterCounts {
    known_total: AtomicU64,
    unknown_files: AtomicU32,
}

impl WriterCounts {
    pub(super) fn new() -> Self {
        WriterCounts {
            known_total: AtomicU64::new(0),
            unknown_files: AtomicU32::new(0),
        }
    }

    /// The counts: these, with `job` (the current copy) and `added`.
    #[inline]
    pub(super) fn load(&self, job: &JobProgress, added: u64) -> Counts {
        // Relaxed: only the writer that holds the latch reads or writes these.
        Counts {
            known_total: self.known_total.load(Ordering::Relaxed),
            unknown_files: self.unknown_files.load(Ordering::Relaxed),
            transferred: job.bytes_transferred,
            files_total: job.files_total,
            files_transferred: job.files_transferred,
            added,
        }
    }

    /// Stores the ones that changed from `old` to `new`.
    #[inline]
    pub(super) fn store_changes(&self, old: &Counts, new: &Counts) {
        if new.known_total != old.known_total {
            self.known_total.store(new.known_total, Ordering::Relaxed);
        }
        if new.unknown_files != old.unknown_files {
            self.unknown_files
                .store(new.unknown_files, Ordering::Relaxed);
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    const MAX: u64 = u64::MAX;

    /// Applies `rule` to a copy and checks all or nothing: on error the copy is unchanged.
    fn apply(
        c: &mut Counts,
        rule: impl FnOnce(&mut Counts) -> Result<(), Error>,
    ) -> Result<JobProgress, Error> {
        let before = *c;
        let mut copy = *c;
        match rule(&mut copy) {
            Ok(()) => {
                *c = copy;
                Ok(c.job())
            }
            Err(e) => {
                assert_eq!(copy.job(), before.job(), "{e:?} changed the job");
                Err(e)
            }
        }
    }

    #[test]
    fn follow_the_struct_rules() {
        let mut c = Counts::default();
        assert_eq!(
            apply(&mut c, |c| c.add_file(10)),
            Ok(JobProgress::new(10, 0, 1, 0))
        );
        assert_eq!(
            apply(&mut c, |c| c.add_bytes(11)),
            Err(Error::BytesExceedTotal)
        );
        assert_eq!(
            apply(&mut c, |c| c.add_bytes(10)),
            Ok(JobProgress::new(10, 10, 1, 0))
        );
        assert_eq!(
            apply(&mut c, |c| c.complete_file()),
            Ok(JobProgress::new(10, 10, 1, 1))
        );
        assert_eq!(
            apply(&mut c, |c| c.complete_file()),
            Err(Error::FilesExceedTotal)
        );
        assert_eq!(
            apply(&mut c, |c| c.add_file(MAX - 11)),
            Ok(JobProgress::new(MAX - 1, 10, 2, 1))
        );
        assert_eq!(apply(&mut c, |c| c.add_file(1)), Err(Error::Overflow));
        assert_eq!(apply(&mut c, |c| c.rewind_bytes(11)), Err(Error::Underflow));
        assert_eq!(
            apply(&mut c, |c| c.rewind_bytes(10)),
            Ok(JobProgress::new(MAX - 1, 0, 2, 1))
        );
        assert_eq!(
            c.added, 10,
            "rewinds do not take bytes off the rate's measure"
        );
    }

    #[test]
    fn unknown_sizes_keep_the_known_sum() {
        let mut c = Counts::default();
        c.add_file(100).unwrap();
        assert_eq!(
            apply(&mut c, |c| c.resolve_size(5)),
            Err(Error::NoUnknownSize)
        );
        c.add_file(SIZE_UNKNOWN).unwrap();
        c.add_file(SIZE_UNKNOWN).unwrap();
        assert_eq!(c.job(), JobProgress::new(SIZE_UNKNOWN, 0, 3, 0));
        // Bytes may pass the known sum while the total is unknown.
        c.add_bytes(150).unwrap();
        assert_eq!(
            apply(&mut c, |c| c.resolve_size(20)),
            Ok(JobProgress::new(SIZE_UNKNOWN, 150, 3, 0))
        );
        // The last one may not leave the total below the bytes transferred.
        assert_eq!(
            apply(&mut c, |c| c.resolve_size(29)),
            Err(Error::BytesExceedTotal)
        );
        assert_eq!(
            apply(&mut c, |c| c.resolve_size(MAX - 120)),
            Err(Error::Overflow)
        );
        assert_eq!(
            apply(&mut c, |c| c.resolve_size(30)),
            Ok(JobProgress::new(150, 150, 3, 0))
        );
        assert_eq!(
            apply(&mut c, |c| c.resolve_size(1)),
            Err(Error::NoUnknownSize)
        );
    }

    #[test]
    fn known_sum_overflows_even_while_unknown() {
        let mut c = Counts::default();
        c.add_file(SIZE_UNKNOWN).unwrap();
        c.add_file(MAX - 1).unwrap();
        assert_eq!(apply(&mut c, |c| c.add_file(1)), Err(Error::Overflow));
        assert_eq!(
            apply(&mut c, |c| c.add_bytes(MAX - 1)),
            Ok(JobProgress::new(SIZE_UNKNOWN, MAX - 1, 2, 0))
        );
        assert_eq!(apply(&mut c, |c| c.add_bytes(1)), Err(Error::Overflow));
    }

    #[test]
    fn too_many_files() {
        let mut c = Counts {
            files_total: u32::MAX,
            ..Counts::default()
        };
        assert_eq!(apply(&mut c, |c| c.add_file(0)), Err(Error::TooManyFiles));
        assert_eq!(
            apply(&mut c, |c| c.add_file(SIZE_UNKNOWN)),
            Err(Error::TooManyFiles)
        );
    }

    #[test]
    fn cells_store_and_load_every_field() {
        let (cells, writer) = (JobCells::new(), WriterCounts::new());
        let new = Counts {
            known_total: 1,
            unknown_files: 2,
            transferred: 3,
            files_total: 4,
            files_transferred: 5,
            added: 6,
        };
        cells.store(&new.job());
        writer.store_changes(&Counts::default(), &new);
        let job = cells.load(Ordering::Acquire);
        assert_eq!(job, JobProgress::new(SIZE_UNKNOWN, 3, 4, 5));
        assert_eq!(writer.load(&job, 6), new);
    }

    #[test]
    fn ops_apply_all_or_nothing() {
        let mut c = Counts::default();
        assert_eq!(c.apply(Op::AddFile(10)), Ok(()));
        assert_eq!(c.apply(Op::AddBytes(11)), Err(Error::BytesExceedTotal));
        assert_eq!(c.job(), JobProgress::new(10, 0, 1, 0));
    }
}
