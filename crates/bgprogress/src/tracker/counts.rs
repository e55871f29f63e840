//! The tracker's counts and their rules, and the atomics that hold them.

use super::sync::{AtomicU32, AtomicU64, Ordering};
use crate::arith::add_bytes_below_max;
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
    pub(super) fn add_file(&mut self, size: u64) -> Result<(), Error> {
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
    pub(super) fn add_bytes(&mut self, n: u64) -> Result<(), Error> {
        let mut job = self.job();
        job.add_bytes(n)?;
        self.transferred = job.bytes_transferred;
        self.added = self.added.wrapping_add(n);
        Ok(())
    }

    /// See [`Tracker::complete_file`](crate::Tracker::complete_file).
    pub(super) fn complete_file(&mut self) -> Result<(), Error> {
        let mut job = self.job();
        job.complete_file()?;
        self.files_transferred = job.files_transferred;
        Ok(())
    }

    /// See [`Tracker::resolve_size`](crate::Tracker::resolve_size); `size` is not
    /// `SIZE_UNKNOWN` (the tracker refuses that before it takes the lock).
    pub(super) fn resolve_size(&mut self, size: u64) -> Result<(), Error> {
        if self.unknown_files == 0 {
            return Err(Error::NoUnknownSize);
        }
        let known_total = add_bytes_below_max(self.known_total, size)?;
        if self.unknown_files == 1 && known_total < self.transferred {
            return Err(Error::BytesExceedTotal);
        }
        self.known_total = known_total;
        self.unknown_files -= 1;
        Ok(())
    }

    /// See [`Tracker::rewind_bytes`](crate::Tracker::rewind_bytes).
    pub(super) fn rewind_bytes(&mut self, n: u64) -> Result<(), Error> {
        self.transferred = self.transferred.checked_sub(n).ok_or(Error::Underflow)?;
        Ok(())
    }
}

/// The counts as atomics, written only under the tracker's seqlock (and kept on the lock's
/// cache line by the tracker).
#[derive(Debug)]
pub(super) struct SharedCounts {
    known_total: AtomicU64,
    transferred: AtomicU64,
    added: AtomicU64,
    unknown_files: AtomicU32,
    files_total: AtomicU32,
    files_transferred: AtomicU32,
}

impl SharedCounts {
    pub(super) fn new() -> Self {
        SharedCounts {
            known_total: AtomicU64::new(0),
            transferred: AtomicU64::new(0),
            added: AtomicU64::new(0),
            unknown_files: AtomicU32::new(0),
            files_total: AtomicU32::new(0),
            files_transferred: AtomicU32::new(0),
        }
    }

    /// Loads every count: `Acquire` for readers (see the seqlock), `Relaxed` for the writer
    /// that holds the lock (its compare-and-swap already acquired the last writer's stores).
    #[inline]
    pub(super) fn load(&self, order: Ordering) -> Counts {
        Counts {
            known_total: self.known_total.load(order),
            unknown_files: self.unknown_files.load(order),
            transferred: self.transferred.load(order),
            files_total: self.files_total.load(order),
            files_transferred: self.files_transferred.load(order),
            added: self.added.load(order),
        }
    }

    /// Stores the counts that changed from `old` to `new`, with `Release` so that a reader
    /// that loads one of them also sees the odd sequence of the writer (see the seqlock).
    #[inline]
    pub(super) fn store_changes(&self, old: &Counts, new: &Counts) {
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
    fn shared_counts_store_and_load_every_field() {
        let shared = SharedCounts::new();
        let new = Counts {
            known_total: 1,
            unknown_files: 2,
            transferred: 3,
            files_total: 4,
            files_transferred: 5,
            added: 6,
        };
        shared.store_changes(&Counts::default(), &new);
        assert_eq!(shared.load(Ordering::Acquire), new);
    }
}
