//! `BG_JOB_PROGRESS`: reading and changing the progress of a whole job.

use crate::arith::{add_bytes_below_max, exact_fraction, exact_percent, within_total};
use crate::{Error, SIZE_UNKNOWN};

/// The progress of a job: `BG_JOB_PROGRESS`.
///
/// The layout is the documented one (`UINT64 BytesTotal; UINT64 BytesTransferred;
/// ULONG FilesTotal; ULONG FilesTransferred;`, with the 32-bit Windows `ULONG`) on every target.
/// For upload jobs the progress applies to the upload file, not the reply file.
///
/// A value is valid when it passes `validate` (`bg_job_progress_validate`); every
/// function that answers a question about it, or changes it, validates it first.
#[cfg(not(bgprogress_sdk_job_types))] // see lib.rs: for the header only
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[cfg_attr(feature = "bytemuck", derive(bytemuck::Pod, bytemuck::Zeroable))]
#[repr(C)]
pub struct JobProgress {
    /// Total number of bytes to transfer for all files of the job, or `BG_SIZE_UNKNOWN` while
    /// the size of any file is not determined. With ranges, only the bytes of the ranges count.
    pub bytes_total: u64,
    /// Number of bytes transferred.
    pub bytes_transferred: u64,
    /// Total number of files to transfer for this job.
    pub files_total: u32,
    /// Number of files transferred.
    pub files_transferred: u32,
}

impl JobProgress {
    /// A job with these counts. It is not validated: call [`validate`](Self::validate).
    ///
    /// ```
    /// let job = bgprogress::JobProgress::new(100, 40, 2, 1);
    /// assert_eq!(job.percent(), Ok(40));
    /// ```
    pub const fn new(
        bytes_total: u64,
        bytes_transferred: u64,
        files_total: u32,
        files_transferred: u32,
    ) -> Self {
        JobProgress {
            bytes_total,
            bytes_transferred,
            files_total,
            files_transferred,
        }
    }

    /// Whether `bytes_total` is known (is not `SIZE_UNKNOWN`).
    #[inline]
    pub const fn is_size_known(&self) -> bool {
        self.bytes_total != SIZE_UNKNOWN
    }

    /// Checks that the counts are consistent, in this order:
    /// size known and `bytes_transferred > bytes_total` → [`Error::BytesExceedTotal`];
    /// `bytes_transferred == u64::MAX` → [`Error::Overflow`];
    /// `files_transferred > files_total` → [`Error::FilesExceedTotal`].
    ///
    /// ```
    /// use bgprogress::{Error, JobProgress};
    /// assert_eq!(JobProgress::new(10, 11, 0, 0).validate(), Err(Error::BytesExceedTotal));
    /// assert_eq!(JobProgress::new(10, 10, 1, 2).validate(), Err(Error::FilesExceedTotal));
    /// assert_eq!(JobProgress::new(10, 10, 2, 2).validate(), Ok(()));
    /// ```
    #[inline]
    pub const fn validate(&self) -> Result<(), Error> {
        if let Err(e) = within_total(self.bytes_transferred, self.bytes_total) {
            Err(e)
        } else if self.bytes_transferred == u64::MAX {
            Err(Error::Overflow)
        } else if self.files_transferred > self.files_total {
            Err(Error::FilesExceedTotal)
        } else {
            Ok(())
        }
    }

    /// Whether the job is valid, has at least one file, every file is transferred, the size
    /// is known and every byte is transferred.
    ///
    /// ```
    /// use bgprogress::JobProgress;
    /// assert!(JobProgress::new(0, 0, 1, 1).is_complete());
    /// assert!(!JobProgress::new(0, 0, 0, 0).is_complete()); // no file at all
    /// ```
    #[inline]
    pub const fn is_complete(&self) -> bool {
        self.validate().is_ok()
            && self.files_total > 0
            && self.files_transferred == self.files_total
            && self.is_size_known()
            && self.bytes_transferred == self.bytes_total
    }

    /// The basis of percent and fraction: `(numerator, denominator)`, bytes when
    /// `bytes_total > 0`, else files; `None` when there is nothing to count at all.
    #[inline]
    fn basis(&self) -> Result<Option<(u64, u64)>, Error> {
        self.validate()?;
        if !self.is_size_known() {
            return Err(Error::SizeUnknown);
        }
        Ok(if self.bytes_total > 0 {
            Some((self.bytes_transferred, self.bytes_total))
        } else if self.files_total > 0 {
            Some((
                u64::from(self.files_transferred),
                u64::from(self.files_total),
            ))
        } else {
            None
        })
    }

    /// The percentage done, `floor(bytes_transferred * 100 / bytes_total)` computed exactly, so
    /// 100 only when every byte is in. With `bytes_total == 0` it counts files instead
    /// (0 when there are none). Errors: the value's own ([`validate`](Self::validate)), then
    /// [`Error::SizeUnknown`].
    ///
    /// ```
    /// use bgprogress::{Error, JobProgress, SIZE_UNKNOWN};
    /// assert_eq!(JobProgress::new(u64::MAX - 1, u64::MAX - 2, 1, 0).percent(), Ok(99));
    /// assert_eq!(JobProgress::new(0, 0, 4, 1).percent(), Ok(25));
    /// assert_eq!(JobProgress::new(SIZE_UNKNOWN, 5, 1, 0).percent(), Err(Error::SizeUnknown));
    /// ```
    #[inline]
    pub fn percent(&self) -> Result<u32, Error> {
        Ok(self.basis()?.map_or(0, |(n, d)| exact_percent(n, d)))
    }

    /// The fraction done, in `[0.0, 1.0]`, on the same basis and with the same errors as
    /// [`percent`](Self::percent): 1.0 only when the basis is complete, above 0.0 as soon as
    /// anything is transferred, even near `u64::MAX`.
    ///
    /// ```
    /// use bgprogress::JobProgress;
    /// let almost = JobProgress::new(u64::MAX - 1, u64::MAX - 2, 1, 0);
    /// assert!(almost.fraction()? < 1.0);
    /// assert_eq!(JobProgress::new(8, 2, 1, 0).fraction()?, 0.25);
    /// # Ok::<(), bgprogress::Error>(())
    /// ```
    #[inline]
    pub fn fraction(&self) -> Result<f64, Error> {
        Ok(self.basis()?.map_or(0.0, |(n, d)| exact_fraction(n, d)))
    }

    /// The bytes still to transfer, `bytes_total - bytes_transferred`. Errors: the value's
    /// own, then [`Error::SizeUnknown`].
    ///
    /// ```
    /// assert_eq!(bgprogress::JobProgress::new(10, 4, 1, 0).remaining_bytes(), Ok(6));
    /// ```
    #[inline]
    pub fn remaining_bytes(&self) -> Result<u64, Error> {
        self.validate()?;
        if !self.is_size_known() {
            return Err(Error::SizeUnknown);
        }
        Ok(self.bytes_total - self.bytes_transferred)
    }

    /// Adds one file of `size` bytes (`SIZE_UNKNOWN` when its size is not known yet), all or
    /// nothing. Errors, in order: the value's own; [`Error::TooManyFiles`] past `u32::MAX`
    /// files; [`Error::Overflow`] when the known total would reach `u64::MAX`. A file of
    /// unknown size makes `bytes_total` `SIZE_UNKNOWN`, and it stays so: the sizes of the
    /// other files are not kept (use a [`Tracker`](crate::Tracker) to resolve sizes later).
    ///
    /// ```
    /// use bgprogress::{JobProgress, SIZE_UNKNOWN};
    /// let mut job = JobProgress::default();
    /// job.add_file(10)?;
    /// assert_eq!((job.bytes_total, job.files_total), (10, 1));
    /// job.add_file(SIZE_UNKNOWN)?;
    /// assert_eq!((job.bytes_total, job.files_total), (SIZE_UNKNOWN, 2));
    /// # Ok::<(), bgprogress::Error>(())
    /// ```
    #[inline]
    pub fn add_file(&mut self, size: u64) -> Result<(), Error> {
        self.validate()?;
        let files_total = self.files_total.checked_add(1).ok_or(Error::TooManyFiles)?;
        let bytes_total = if size == SIZE_UNKNOWN || !self.is_size_known() {
            SIZE_UNKNOWN
        } else {
            add_bytes_below_max(self.bytes_total, size)?
        };
        self.files_total = files_total;
        self.bytes_total = bytes_total;
        Ok(())
    }

    /// Counts `n` more transferred bytes, all or nothing. Errors, in order: the value's own;
    /// [`Error::Overflow`] when the count would reach `u64::MAX`;
    /// [`Error::BytesExceedTotal`] when it would pass a known total.
    ///
    /// ```
    /// use bgprogress::{Error, JobProgress};
    /// let mut job = JobProgress::new(10, 8, 1, 0);
    /// assert_eq!(job.add_bytes(3), Err(Error::BytesExceedTotal));
    /// assert_eq!(job.bytes_transferred, 8); // unchanged
    /// job.add_bytes(2)?;
    /// # Ok::<(), bgprogress::Error>(())
    /// ```
    #[inline]
    pub fn add_bytes(&mut self, n: u64) -> Result<(), Error> {
        self.validate()?;
        let transferred = add_bytes_below_max(self.bytes_transferred, n)?;
        within_total(transferred, self.bytes_total)?;
        self.bytes_transferred = transferred;
        Ok(())
    }

    /// Counts one more transferred file, all or nothing. Errors: the value's own, then
    /// [`Error::FilesExceedTotal`] when it would pass `files_total`.
    ///
    /// ```
    /// use bgprogress::{Error, JobProgress};
    /// let mut job = JobProgress::new(0, 0, 1, 0);
    /// job.complete_file()?;
    /// assert_eq!(job.complete_file(), Err(Error::FilesExceedTotal));
    /// # Ok::<(), bgprogress::Error>(())
    /// ```
    #[inline]
    pub fn complete_file(&mut self) -> Result<(), Error> {
        self.validate()?;
        if self.files_transferred >= self.files_total {
            return Err(Error::FilesExceedTotal);
        }
        self.files_transferred += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: u64 = u64::MAX;

    #[test]
    fn validate_checks_in_documented_order() {
        // Both bytes past the total and files past theirs: bytes win.
        assert_eq!(
            JobProgress::new(1, 2, 0, 1).validate(),
            Err(Error::BytesExceedTotal)
        );
        // Unknown size with transferred == MAX: overflow before files.
        assert_eq!(
            JobProgress::new(SIZE_UNKNOWN, MAX, 0, 1).validate(),
            Err(Error::Overflow)
        );
        assert_eq!(
            JobProgress::new(SIZE_UNKNOWN, MAX - 1, 0, 1).validate(),
            Err(Error::FilesExceedTotal)
        );
        assert_eq!(
            JobProgress::new(SIZE_UNKNOWN, MAX - 1, u32::MAX, u32::MAX).validate(),
            Ok(())
        );
        assert_eq!(JobProgress::new(0, 0, 0, 0).validate(), Ok(()));
    }

    #[test]
    fn percent_is_exact_near_the_limits() {
        assert_eq!(JobProgress::new(MAX - 1, MAX - 1, 0, 0).percent(), Ok(100));
        assert_eq!(JobProgress::new(MAX - 1, MAX - 2, 0, 0).percent(), Ok(99));
        assert_eq!(JobProgress::new(MAX - 1, 1, 0, 0).percent(), Ok(0));
        assert_eq!(JobProgress::new(3, 1, 0, 0).percent(), Ok(33));
        assert_eq!(JobProgress::new(3, 2, 0, 0).percent(), Ok(66));
        assert_eq!(JobProgress::new(0, 0, 0, 0).percent(), Ok(0));
        assert_eq!(JobProgress::new(0, 0, 3, 3).percent(), Ok(100));
        assert_eq!(
            JobProgress::new(0, 0, u32::MAX, u32::MAX - 1).percent(),
            Ok(99)
        );
        assert_eq!(
            JobProgress::new(SIZE_UNKNOWN, 0, 0, 0).percent(),
            Err(Error::SizeUnknown)
        );
        assert_eq!(
            JobProgress::new(SIZE_UNKNOWN, 0, 0, 1).percent(),
            Err(Error::FilesExceedTotal)
        );
    }

    #[test]
    fn fraction_never_rounds_to_the_ends() {
        let f = JobProgress::new(MAX - 1, MAX - 2, 0, 0).fraction().unwrap();
        assert!(f < 1.0 && f > 0.999);
        let f = JobProgress::new(MAX - 1, 1, 0, 0).fraction().unwrap();
        assert!(f > 0.0 && f < 1e-18);
        assert_eq!(JobProgress::new(MAX - 1, MAX - 1, 0, 0).fraction(), Ok(1.0));
        assert_eq!(JobProgress::new(0, 0, 0, 0).fraction(), Ok(0.0));
        assert_eq!(JobProgress::new(0, 0, 4, 2).fraction(), Ok(0.5));
        let f = JobProgress::new(0, 0, u32::MAX, u32::MAX - 1)
            .fraction()
            .unwrap();
        assert!(f < 1.0);
        assert_eq!(
            JobProgress::new(SIZE_UNKNOWN, 0, 0, 0).fraction(),
            Err(Error::SizeUnknown)
        );
    }

    #[test]
    fn remaining_bytes() {
        assert_eq!(
            JobProgress::new(MAX - 1, 0, 0, 0).remaining_bytes(),
            Ok(MAX - 1)
        );
        assert_eq!(JobProgress::new(5, 5, 0, 0).remaining_bytes(), Ok(0));
        assert_eq!(
            JobProgress::new(SIZE_UNKNOWN, 5, 0, 0).remaining_bytes(),
            Err(Error::SizeUnknown)
        );
        assert_eq!(
            JobProgress::new(4, 5, 0, 0).remaining_bytes(),
            Err(Error::BytesExceedTotal)
        );
    }

    #[test]
    fn is_complete() {
        assert!(JobProgress::new(5, 5, 1, 1).is_complete());
        assert!(!JobProgress::new(5, 4, 1, 1).is_complete());
        assert!(!JobProgress::new(5, 5, 2, 1).is_complete());
        assert!(!JobProgress::new(SIZE_UNKNOWN, 5, 1, 1).is_complete());
        assert!(!JobProgress::new(0, 0, 0, 0).is_complete());
        assert!(!JobProgress::new(5, 5, 1, 2).is_complete());
    }

    /// Runs `op` on `job` and checks the all-or-nothing rule: on error, nothing changed.
    fn apply(
        mut job: JobProgress,
        op: impl FnOnce(&mut JobProgress) -> Result<(), Error>,
    ) -> Result<JobProgress, Error> {
        let before = job;
        match op(&mut job) {
            Ok(()) => Ok(job),
            Err(e) => {
                assert_eq!(job, before, "{e:?} changed the value");
                Err(e)
            }
        }
    }

    #[test]
    fn add_file_edges() {
        let j = JobProgress::new(10, 0, 1, 0);
        assert_eq!(
            apply(j, |j| j.add_file(5)),
            Ok(JobProgress::new(15, 0, 2, 0))
        );
        assert_eq!(
            apply(j, |j| j.add_file(SIZE_UNKNOWN)),
            Ok(JobProgress::new(SIZE_UNKNOWN, 0, 2, 0))
        );
        let unknown = JobProgress::new(SIZE_UNKNOWN, 0, 1, 0);
        assert_eq!(
            apply(unknown, |j| j.add_file(5)),
            Ok(JobProgress::new(SIZE_UNKNOWN, 0, 2, 0))
        );
        // The known sum may reach MAX - 1 but not MAX.
        assert_eq!(
            apply(j, |j| j.add_file(MAX - 11)),
            Ok(JobProgress::new(MAX - 1, 0, 2, 0))
        );
        assert_eq!(apply(j, |j| j.add_file(MAX - 10)), Err(Error::Overflow));
        assert_eq!(apply(j, |j| j.add_file(MAX - 1)), Err(Error::Overflow));
        let full = JobProgress::new(10, 0, u32::MAX, 0);
        assert_eq!(apply(full, |j| j.add_file(0)), Err(Error::TooManyFiles));
        // Too many files is checked before the overflow.
        assert_eq!(
            apply(full, |j| j.add_file(MAX - 1)),
            Err(Error::TooManyFiles)
        );
        let bad = JobProgress::new(1, 2, 1, 0);
        assert_eq!(apply(bad, |j| j.add_file(0)), Err(Error::BytesExceedTotal));
    }

    #[test]
    fn add_bytes_edges() {
        let j = JobProgress::new(10, 3, 1, 0);
        assert_eq!(
            apply(j, |j| j.add_bytes(7)),
            Ok(JobProgress::new(10, 10, 1, 0))
        );
        assert_eq!(apply(j, |j| j.add_bytes(8)), Err(Error::BytesExceedTotal));
        assert_eq!(apply(j, |j| j.add_bytes(MAX)), Err(Error::Overflow));
        let u = JobProgress::new(SIZE_UNKNOWN, 3, 1, 0);
        assert_eq!(
            apply(u, |j| j.add_bytes(MAX - 4)),
            Ok(JobProgress::new(SIZE_UNKNOWN, MAX - 1, 1, 0))
        );
        assert_eq!(apply(u, |j| j.add_bytes(MAX - 3)), Err(Error::Overflow));
        let bad = JobProgress::new(1, 0, 1, 2);
        assert_eq!(apply(bad, |j| j.add_bytes(0)), Err(Error::FilesExceedTotal));
    }

    #[test]
    fn complete_file_edges() {
        let j = JobProgress::new(0, 0, u32::MAX, u32::MAX - 1);
        assert_eq!(
            apply(j, |j| j.complete_file()),
            Ok(JobProgress::new(0, 0, u32::MAX, u32::MAX))
        );
        let done = JobProgress::new(0, 0, u32::MAX, u32::MAX);
        assert_eq!(
            apply(done, |j| j.complete_file()),
            Err(Error::FilesExceedTotal)
        );
        let none = JobProgress::new(0, 0, 0, 0);
        assert_eq!(
            apply(none, |j| j.complete_file()),
            Err(Error::FilesExceedTotal)
        );
        let bad = JobProgress::new(SIZE_UNKNOWN, MAX, 1, 0);
        assert_eq!(apply(bad, |j| j.complete_file()), Err(Error::Overflow));
    }
}
