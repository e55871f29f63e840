//! `BG_FILE_PROGRESS`, and the job progress of a set of files.

use crate::arith::{add_bytes_below_max, within_total};
use crate::{Error, JobProgress, SIZE_UNKNOWN};

/// The progress of one file: `BG_FILE_PROGRESS`.
///
/// The layout is the documented one (`UINT64 BytesTotal; UINT64 BytesTransferred;
/// BOOL Completed;`, with the 32-bit Windows `BOOL`) on every target.
#[cfg(not(bgprogress_sdk_job_types))] // see lib.rs: for the header only
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
// Padding after `completed` on most targets: readable from bytes, but not Pod.
#[cfg_attr(feature = "bytemuck", derive(bytemuck::AnyBitPattern))]
#[repr(C)]
pub struct FileProgress {
    /// Size of the file in bytes, or `BG_SIZE_UNKNOWN` while it is not known. With ranges,
    /// only the bytes of the ranges count.
    pub bytes_total: u64,
    /// Number of bytes transferred.
    pub bytes_transferred: u64,
    /// Nonzero (Windows `TRUE`) when the file is available to the user.
    pub completed: i32,
}

impl FileProgress {
    /// A file with these counts, `completed` as 1 or 0.
    ///
    /// ```
    /// use bgprogress::{FileProgress, JobProgress};
    /// let files = [FileProgress::new(100, 100, true), FileProgress::new(300, 50, false)];
    /// assert!(files[0].is_transferred());
    /// assert_eq!(JobProgress::from_files(&files), Ok(JobProgress::new(400, 150, 2, 1)));
    /// ```
    pub const fn new(bytes_total: u64, bytes_transferred: u64, completed: bool) -> Self {
        FileProgress {
            bytes_total,
            bytes_transferred,
            completed: completed as i32,
        }
    }

    /// Whether the file counts as transferred: `completed` is nonzero, or its size is known and
    /// every byte is in.
    ///
    /// ```
    /// use bgprogress::FileProgress;
    /// assert!(FileProgress::new(10, 10, false).is_transferred());
    /// assert!(FileProgress::new(10, 3, true).is_transferred());
    /// assert!(!FileProgress::new(10, 3, false).is_transferred());
    /// ```
    pub const fn is_transferred(&self) -> bool {
        self.completed != 0
            || (self.bytes_total != SIZE_UNKNOWN && self.bytes_transferred == self.bytes_total)
    }
}

impl JobProgress {
    /// The `files_total` of a job of `count` files: [`Error::TooManyFiles`] past `u32::MAX`.
    ///
    /// ```
    /// use bgprogress::{Error, JobProgress};
    /// assert_eq!(JobProgress::files_total_for(7), Ok(7));
    /// assert_eq!(JobProgress::files_total_for(usize::MAX), Err(Error::TooManyFiles));
    /// ```
    pub fn files_total_for(count: usize) -> Result<u32, Error> {
        u32::try_from(count).map_err(|_| Error::TooManyFiles)
    }

    /// The progress of a job made of `files`.
    ///
    /// `files_total` is the number of files, `bytes_total` the sum of their sizes (or
    /// `SIZE_UNKNOWN` when any size is unknown), `bytes_transferred` the sum of their
    /// transferred bytes, `files_transferred` the number that
    /// [are transferred](FileProgress::is_transferred).
    ///
    /// Errors, in order: [`Error::TooManyFiles`] for more than `u32::MAX` files, before any is
    /// read; then, file by file: [`Error::BytesExceedTotal`] for a file with more bytes
    /// transferred than its known size; [`Error::Overflow`] when the transferred sum, or
    /// (while every size is known) the size sum, would reach `u64::MAX`.
    ///
    /// ```
    /// use bgprogress::{FileProgress, JobProgress, SIZE_UNKNOWN};
    /// let files = [FileProgress::new(10, 10, true), FileProgress::new(30, 5, false)];
    /// assert_eq!(JobProgress::from_files(&files)?, JobProgress::new(40, 15, 2, 1));
    /// let files = [FileProgress::new(10, 10, true), FileProgress::new(SIZE_UNKNOWN, 5, false)];
    /// assert_eq!(JobProgress::from_files(&files)?.bytes_total, SIZE_UNKNOWN);
    /// # Ok::<(), bgprogress::Error>(())
    /// ```
    pub fn from_files(files: &[FileProgress]) -> Result<JobProgress, Error> {
        JobProgress::from_files_with(Kernel::detected(), files)
    }

    /// [`from_files`](Self::from_files) with the sums of `kernel` (for benchmarks and tests:
    /// every kernel gives the same answer). A kernel this processor lacks
    /// ([`Kernel::is_available`]) runs as [`Kernel::Scalar`].
    #[doc(hidden)]
    pub fn from_files_with(kernel: Kernel, files: &[FileProgress]) -> Result<JobProgress, Error> {
        let kernel = if kernel.is_available() {
            kernel
        } else {
            Kernel::Scalar
        };
        let files_total = JobProgress::files_total_for(files.len())?;
        let mut job = JobProgress::new(0, 0, files_total, 0);
        for chunk in files.chunks(CHUNK) {
            job.add_files_fast(kernel, chunk)
                .unwrap_or_else(|| job.add_files_one_by_one(chunk))?;
        }
        Ok(job)
    }

    /// Adds `files` one by one, checking each in the documented order.
    fn add_files_one_by_one(&mut self, files: &[FileProgress]) -> Result<(), Error> {
        for f in files {
            let known = f.bytes_total != SIZE_UNKNOWN;
            within_total(f.bytes_transferred, f.bytes_total)?;
            self.bytes_transferred =
                add_bytes_below_max(self.bytes_transferred, f.bytes_transferred)?;
            if !known {
                self.bytes_total = SIZE_UNKNOWN;
            } else if self.is_size_known() {
                self.bytes_total = add_bytes_below_max(self.bytes_total, f.bytes_total)?;
            }
            self.files_transferred += u32::from(f.is_transferred());
        }
        Ok(())
    }

    /// Adds `files` with a branch-free pass over the whole chunk, or answers `None` (changing
    /// nothing) when the chunk needs the one-by-one pass to find which error comes first: a
    /// file with more bytes than its size, or the first file of unknown size. Any other error
    /// in the chunk can only be [`Error::Overflow`], wherever it happens.
    #[inline]
    fn add_files_fast(
        &mut self,
        kernel: Kernel,
        files: &[FileProgress],
    ) -> Option<Result<(), Error>> {
        let ChunkSums {
            total,
            transferred,
            exceed,
            unknown,
            done,
        } = ChunkSums::of(kernel, files);
        if exceed || (unknown && self.is_size_known()) {
            return None;
        }
        // The same rule as one by one, applied to the chunk's sum.
        let add = |count: u64, sum: u128| {
            u64::try_from(sum)
                .map_err(|_| Error::Overflow)
                .and_then(|sum| add_bytes_below_max(count, sum))
        };
        Some((|| {
            let transferred = add(self.bytes_transferred, transferred)?;
            if self.is_size_known() {
                self.bytes_total = add(self.bytes_total, total)?;
            }
            self.bytes_transferred = transferred;
            self.files_transferred += done;
            Ok(())
        })())
    }
}

/// Files per branch-free pass of `from_files`.
const CHUNK: usize = 4096;

/// What one branch-free pass over a chunk of files finds.
struct ChunkSums {
    total: u128,
    transferred: u128,
    /// Some file has more bytes transferred than its size.
    exceed: bool,
    /// Some file's size is unknown.
    unknown: bool,
    done: u32,
}

/// The code that sums a chunk of files for `from_files`: the same loop, compiled for the
/// widest vectors the processor has. Public (hidden) so that benchmarks can measure each.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// Any processor (on x86_64, SSE2: no 64-bit compares, so the loop stays scalar).
    Scalar,
    /// x86_64 with AVX2.
    Avx2,
    /// x86_64 with AVX-512 (F, BW, VL); built only by Rust 1.89 and later (see build.rs).
    Avx512,
}

impl Kernel {
    /// Every kernel, narrowest first.
    pub const ALL: [Kernel; 3] = [Kernel::Scalar, Kernel::Avx2, Kernel::Avx512];

    /// The widest kernel this processor runs, which `from_files` uses.
    pub fn detected() -> Kernel {
        if Kernel::Avx512.is_available() {
            Kernel::Avx512
        } else if Kernel::Avx2.is_available() {
            Kernel::Avx2
        } else {
            Kernel::Scalar
        }
    }

    /// Whether this build has the kernel and this processor runs it.
    pub fn is_available(self) -> bool {
        match self {
            Kernel::Scalar => true,
            #[cfg(all(feature = "std", target_arch = "x86_64"))]
            Kernel::Avx2 => std::is_x86_feature_detected!("avx2"),
            #[cfg(all(feature = "std", target_arch = "x86_64", bgprogress_avx512))]
            Kernel::Avx512 => {
                std::is_x86_feature_detected!("avx512f")
                    && std::is_x86_feature_detected!("avx512bw")
                    && std::is_x86_feature_detected!("avx512vl")
            }
            #[allow(unreachable_patterns)] // every kernel exists on some builds
            _ => false,
        }
    }

    /// Its name: "scalar", "AVX2" or "AVX-512".
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Scalar => "scalar",
            Kernel::Avx2 => "AVX2",
            Kernel::Avx512 => "AVX-512",
        }
    }
}

impl ChunkSums {
    /// The sums of `files` with `kernel`, which the processor runs.
    #[inline]
    fn of(kernel: Kernel, files: &[FileProgress]) -> ChunkSums {
        match kernel {
            #[cfg(all(feature = "std", target_arch = "x86_64"))]
            // SAFETY: `from_files_with` checked that the processor has AVX2.
            #[allow(unsafe_code)]
            Kernel::Avx2 => unsafe { ChunkSums::of_avx2(files) },
            #[cfg(all(feature = "std", target_arch = "x86_64", bgprogress_avx512))]
            // SAFETY: `from_files_with` checked that the processor has AVX-512 F, BW and VL.
            #[allow(unsafe_code)]
            Kernel::Avx512 => unsafe { ChunkSums::of_avx512(files) },
            _ => ChunkSums::of_any(files),
        }
    }

    /// The loop compiled for AVX2, which has the 64-bit compares it needs to vectorize.
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    #[allow(unsafe_code)]
    #[target_feature(enable = "avx2")]
    unsafe fn of_avx2(files: &[FileProgress]) -> ChunkSums {
        ChunkSums::of_any(files)
    }

    /// The loop compiled for AVX-512: twice the lanes, and mask registers for the compares.
    #[cfg(all(feature = "std", target_arch = "x86_64", bgprogress_avx512))]
    #[allow(unsafe_code)]
    #[target_feature(enable = "avx512f,avx512bw,avx512vl")]
    unsafe fn of_avx512(files: &[FileProgress]) -> ChunkSums {
        ChunkSums::of_any(files)
    }

    /// The loop every kernel compiles. Each 64-bit count is summed as its two 32-bit halves in
    /// 64-bit accumulators (no carry is lost below 2^32 files; a chunk has [`CHUNK`]), so
    /// every addition is a 64-bit lane's and the loop vectorises; the halves are joined into
    /// 128-bit sums once, after it. The flags are accumulated as integers for the same reason.
    #[inline(always)]
    fn of_any(files: &[FileProgress]) -> ChunkSums {
        debug_assert!(files.len() <= CHUNK);
        const LOW: u64 = 0xffff_ffff;
        let (mut t_lo, mut t_hi, mut b_lo, mut b_hi) = (0u64, 0u64, 0u64, 0u64);
        let (mut exceed, mut unknown, mut done) = (0u64, 0u64, 0u64);
        for f in files {
            let (t, b) = (f.bytes_total, f.bytes_transferred);
            // b > SIZE_UNKNOWN is impossible: no size test is needed for `exceed`.
            exceed |= u64::from(b > t);
            unknown |= u64::from(t == SIZE_UNKNOWN);
            t_lo += t & LOW;
            t_hi += t >> 32;
            b_lo += b & LOW;
            b_hi += b >> 32;
            // b == t == SIZE_UNKNOWN would count a file of unknown size as transferred, but
            // then the transferred sum overflows and the count is never used.
            done += u64::from((f.completed != 0) | (b == t));
        }
        let join = |lo: u64, hi: u64| (u128::from(hi) << 32) + u128::from(lo);
        ChunkSums {
            total: join(t_lo, t_hi),
            transferred: join(b_lo, b_hi),
            exceed: exceed != 0,
            unknown: unknown != 0,
            // At most CHUNK.
            done: done as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: u64 = u64::MAX;

    #[test]
    fn every_kernel_carries_past_64_bits() {
        let big = FileProgress::new(1 << 58, 1 << 58, false);
        for kernel in Kernel::ALL {
            let files = vec![big; 63];
            assert_eq!(
                JobProgress::from_files_with(kernel, &files),
                Ok(JobProgress::new(63 << 58, 63 << 58, 63, 63)),
                "{kernel:?}"
            );
            let files = vec![big; 64]; // 2^64: one carry in each sum
            assert_eq!(
                JobProgress::from_files_with(kernel, &files),
                Err(Error::Overflow),
                "{kernel:?}"
            );
            let mut files = vec![FileProgress::new(MAX - 1, 0, false); 40];
            files.push(FileProgress::new(5, 6, false)); // first error in file order: overflow
            assert_eq!(
                JobProgress::from_files_with(kernel, &files),
                Err(Error::Overflow),
                "{kernel:?}"
            );
        }
    }

    /// The names that `make bench` prints beside each kernel's row.
    #[test]
    fn kernels_have_their_names() {
        let names = Kernel::ALL.map(Kernel::name);
        assert_eq!(names, ["scalar", "AVX2", "AVX-512"]);
    }

    #[test]
    fn empty_set_is_an_empty_job() {
        assert_eq!(JobProgress::from_files(&[]), Ok(JobProgress::default()));
    }

    #[test]
    fn sums_and_counts() {
        let files = [
            FileProgress::new(10, 10, false),
            FileProgress::new(10, 3, true),
            FileProgress::new(0, 0, false),
            FileProgress::new(7, 1, false),
        ];
        assert_eq!(
            JobProgress::from_files(&files),
            Ok(JobProgress::new(27, 14, 4, 3))
        );
    }

    #[test]
    fn unknown_size_makes_the_total_unknown_and_stops_its_sum() {
        let files = [
            FileProgress::new(SIZE_UNKNOWN, 3, false),
            FileProgress::new(MAX - 1, 0, false),
            FileProgress::new(MAX - 1, 0, false),
        ];
        assert_eq!(
            JobProgress::from_files(&files),
            Ok(JobProgress::new(SIZE_UNKNOWN, 3, 3, 0))
        );
        let f = FileProgress::new(SIZE_UNKNOWN, 3, true);
        assert!(f.is_transferred());
        assert!(!FileProgress::new(SIZE_UNKNOWN, 3, false).is_transferred());
    }

    #[test]
    fn errors_in_file_order() {
        let over = FileProgress::new(5, 6, false);
        let big = FileProgress::new(MAX - 1, MAX - 1, false);
        assert_eq!(
            JobProgress::from_files(&[over, big, big]),
            Err(Error::BytesExceedTotal)
        );
        assert_eq!(
            JobProgress::from_files(&[big, big, over]),
            Err(Error::Overflow)
        );
        // The size sum alone may overflow.
        let size_only = FileProgress::new(MAX - 1, 0, false);
        assert_eq!(
            JobProgress::from_files(&[size_only, FileProgress::new(1, 0, false)]),
            Err(Error::Overflow)
        );
        assert_eq!(
            JobProgress::from_files(&[
                FileProgress::new(MAX - 2, 0, false),
                FileProgress::new(1, 0, false)
            ]),
            Ok(JobProgress::new(MAX - 1, 0, 2, 0))
        );
        // The transferred sum of files of unknown size may overflow too.
        let unknown = FileProgress::new(SIZE_UNKNOWN, MAX - 1, false);
        assert_eq!(
            JobProgress::from_files(&[unknown, FileProgress::new(SIZE_UNKNOWN, 1, false)]),
            Err(Error::Overflow)
        );
    }

    /// The chunked pass against the one-by-one pass over many files, with each kind of
    /// anomaly placed on and around chunk boundaries.
    #[test]
    fn chunked_pass_equals_one_by_one() {
        let base: Vec<FileProgress> = (0..3 * CHUNK as u64 + 17)
            .map(|i| FileProgress::new(i % 1000, (i * 7) % (i % 1000 + 1), i % 3 == 0))
            .collect();
        let anomalies = [
            FileProgress::new(5, 6, false),            // exceeds its size
            FileProgress::new(SIZE_UNKNOWN, 3, false), // unknown size
            FileProgress::new(SIZE_UNKNOWN, SIZE_UNKNOWN, true), // transferred overflow
            FileProgress::new(MAX - 1, 0, false),      // size overflow
            FileProgress::new(MAX - 1, MAX - 1, false), // both
        ];
        let positions = [
            0,
            1,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            2 * CHUNK + 5,
            base.len() - 1,
        ];
        for a in anomalies {
            for &p in &positions {
                for &q in &positions {
                    let mut files = base.clone();
                    files[p] = a;
                    files[q] = anomalies[(q + p) % anomalies.len()];
                    let mut slow = JobProgress::new(0, 0, files.len() as u32, 0);
                    let want = slow.add_files_one_by_one(&files).map(|()| slow);
                    assert_eq!(JobProgress::from_files(&files), want, "{a:?} at {p}, {q}");
                }
            }
        }
        let mut slow = JobProgress::new(0, 0, base.len() as u32, 0);
        slow.add_files_one_by_one(&base).unwrap();
        assert_eq!(JobProgress::from_files(&base), Ok(slow));
    }

    #[test]
    fn result_is_always_valid() {
        let files = [
            FileProgress::new(MAX - 3, MAX - 3, true),
            FileProgress::new(1, 1, false),
        ];
        let job = JobProgress::from_files(&files).unwrap();
        assert_eq!(job.validate(), Ok(()));
        assert!(job.is_complete());
    }
}
