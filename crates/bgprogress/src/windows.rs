//! The `windows` crate's BITS structs and ours: the same layout, so conversions cost nothing
//! (feature `windows`, Windows targets only).
//!
//! By value, `From` goes both ways for all four structs. By reference, `AsRef` views what
//! `IBackgroundCopyJob::GetProgress` (or `IBackgroundCopyFile::GetProgress`, ...) filled as
//! our type without copying, and [`FileProgress::from_sdk_slice`] views a whole array, so
//! every rule applies to the SDK's structs directly:
//!
//! ```no_run
//! use bgprogress::{FileProgress, JobProgress};
//! use windows::Win32::Networking::BackgroundIntelligentTransferService as bits;
//!
//! # fn sample(job: &bits::IBackgroundCopyJob, files: &[bits::BG_FILE_PROGRESS]) -> windows::core::Result<()> {
//! let mut progress = bits::BG_JOB_PROGRESS::default();
//! unsafe { job.GetProgress(&mut progress)? };
//! let progress: &JobProgress = progress.as_ref();
//! progress.validate().expect("BITS reports a valid progress");
//! let sum = JobProgress::from_files(FileProgress::from_sdk_slice(files));
//! # let _ = sum; Ok(()) }
//! ```
#![allow(unsafe_code)] // the reference views below, each with its layout proof
#![cfg_attr(docsrs, doc(cfg(all(windows, feature = "windows"))))]

use core::mem::{align_of, offset_of, size_of};

use windows::core::BOOL;
use windows::Win32::Networking::BackgroundIntelligentTransferService as bits;

use crate::{FileProgress, FileRange, JobProgress, ReplyProgress};

/// Proof, at compile time, that each pair has the same size, alignment and member offsets.
macro_rules! same_layout {
    ($ours:ty, $sdk:ty, $($field:ident = $sdk_field:ident),+) => {
        const _: () = {
            assert!(size_of::<$ours>() == size_of::<$sdk>());
            assert!(align_of::<$ours>() == align_of::<$sdk>());
            $(assert!(offset_of!($ours, $field) == offset_of!($sdk, $sdk_field));)+
        };
    };
}

same_layout!(
    JobProgress,
    bits::BG_JOB_PROGRESS,
    bytes_total = BytesTotal,
    bytes_transferred = BytesTransferred,
    files_total = FilesTotal,
    files_transferred = FilesTransferred
);
same_layout!(
    FileProgress,
    bits::BG_FILE_PROGRESS,
    bytes_total = BytesTotal,
    bytes_transferred = BytesTransferred,
    completed = Completed
);
same_layout!(
    ReplyProgress,
    bits::BG_JOB_REPLY_PROGRESS,
    bytes_total = BytesTotal,
    bytes_transferred = BytesTransferred
);
same_layout!(
    FileRange,
    bits::BG_FILE_RANGE,
    initial_offset = InitialOffset,
    length = Length
);
const _: () =
    assert!(size_of::<BOOL>() == size_of::<i32>() && align_of::<BOOL>() == align_of::<i32>());

impl From<bits::BG_JOB_PROGRESS> for JobProgress {
    fn from(p: bits::BG_JOB_PROGRESS) -> Self {
        JobProgress::new(
            p.BytesTotal,
            p.BytesTransferred,
            p.FilesTotal,
            p.FilesTransferred,
        )
    }
}

impl From<JobProgress> for bits::BG_JOB_PROGRESS {
    fn from(p: JobProgress) -> Self {
        bits::BG_JOB_PROGRESS {
            BytesTotal: p.bytes_total,
            BytesTransferred: p.bytes_transferred,
            FilesTotal: p.files_total,
            FilesTransferred: p.files_transferred,
        }
    }
}

impl From<bits::BG_FILE_PROGRESS> for FileProgress {
    /// `Completed` is kept as it is (any non-zero `BOOL` is TRUE).
    fn from(p: bits::BG_FILE_PROGRESS) -> Self {
        FileProgress {
            bytes_total: p.BytesTotal,
            bytes_transferred: p.BytesTransferred,
            completed: p.Completed.0,
        }
    }
}

impl From<FileProgress> for bits::BG_FILE_PROGRESS {
    fn from(p: FileProgress) -> Self {
        bits::BG_FILE_PROGRESS {
            BytesTotal: p.bytes_total,
            BytesTransferred: p.bytes_transferred,
            Completed: BOOL(p.completed),
        }
    }
}

impl From<bits::BG_JOB_REPLY_PROGRESS> for ReplyProgress {
    fn from(p: bits::BG_JOB_REPLY_PROGRESS) -> Self {
        ReplyProgress::new(p.BytesTotal, p.BytesTransferred)
    }
}

impl From<ReplyProgress> for bits::BG_JOB_REPLY_PROGRESS {
    fn from(p: ReplyProgress) -> Self {
        bits::BG_JOB_REPLY_PROGRESS {
            BytesTotal: p.bytes_total,
            BytesTransferred: p.bytes_transferred,
        }
    }
}

impl From<bits::BG_FILE_RANGE> for FileRange {
    fn from(r: bits::BG_FILE_RANGE) -> Self {
        FileRange::new(r.InitialOffset, r.Length)
    }
}

impl From<FileRange> for bits::BG_FILE_RANGE {
    fn from(r: FileRange) -> Self {
        bits::BG_FILE_RANGE {
            InitialOffset: r.initial_offset,
            Length: r.length,
        }
    }
}

/// `AsRef` views of the SDK's structs as ours, without copying.
macro_rules! view {
    ($sdk:ty => $ours:ty) => {
        impl AsRef<$ours> for $sdk {
            fn as_ref(&self) -> &$ours {
                // SAFETY: both are repr(C) with members of the same types at the same offsets
                // and the same size and alignment (`same_layout!` above), and every bit
                // pattern of those members is a valid value of either type.
                unsafe { &*(self as *const $sdk).cast::<$ours>() }
            }
        }
    };
}

view!(bits::BG_JOB_PROGRESS => JobProgress);
view!(bits::BG_FILE_PROGRESS => FileProgress);
view!(bits::BG_JOB_REPLY_PROGRESS => ReplyProgress);
view!(bits::BG_FILE_RANGE => FileRange);

impl FileProgress {
    /// The SDK's `BG_FILE_PROGRESS` array viewed as ours, without copying: what
    /// `IBackgroundCopyFile::GetProgress` filled, ready for [`JobProgress::from_files`].
    pub fn from_sdk_slice(files: &[bits::BG_FILE_PROGRESS]) -> &[FileProgress] {
        // SAFETY: the element types have the same size, alignment and layout (`same_layout!`),
        // so the array has the same stride; any bit pattern is valid for both.
        unsafe { core::slice::from_raw_parts(files.as_ptr().cast::<FileProgress>(), files.len()) }
    }
}

impl FileRange {
    /// The SDK's `BG_FILE_RANGE` array viewed as ours, without copying, ready for
    /// [`ranges_total`](crate::ranges_total).
    pub fn from_sdk_slice(ranges: &[bits::BG_FILE_RANGE]) -> &[FileRange] {
        // SAFETY: as for `FileProgress::from_sdk_slice`.
        unsafe { core::slice::from_raw_parts(ranges.as_ptr().cast::<FileRange>(), ranges.len()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_value_both_ways() {
        let sdk = bits::BG_JOB_PROGRESS {
            BytesTotal: u64::MAX,
            BytesTransferred: 7,
            FilesTotal: u32::MAX,
            FilesTransferred: 3,
        };
        let ours = JobProgress::from(sdk);
        assert_eq!(ours, JobProgress::new(u64::MAX, 7, u32::MAX, 3));
        assert_eq!(bits::BG_JOB_PROGRESS::from(ours), sdk);

        let file = bits::BG_FILE_PROGRESS {
            BytesTotal: 10,
            BytesTransferred: 10,
            Completed: BOOL(-1),
        };
        let ours = FileProgress::from(file);
        assert!(ours.is_transferred());
        assert_eq!(ours.completed, -1);
        assert_eq!(bits::BG_FILE_PROGRESS::from(ours), file);

        let reply = bits::BG_JOB_REPLY_PROGRESS {
            BytesTotal: 9,
            BytesTransferred: 4,
        };
        assert_eq!(
            bits::BG_JOB_REPLY_PROGRESS::from(ReplyProgress::from(reply)),
            reply
        );
        let range = bits::BG_FILE_RANGE {
            InitialOffset: 4096,
            Length: u64::MAX,
        };
        assert_eq!(bits::BG_FILE_RANGE::from(FileRange::from(range)), range);
    }

    #[test]
    fn views_share_the_memory() {
        let sdk = bits::BG_JOB_PROGRESS {
            BytesTotal: 200,
            BytesTransferred: 50,
            FilesTotal: 2,
            FilesTransferred: 0,
        };
        let view: &JobProgress = sdk.as_ref();
        assert!(core::ptr::eq(
            view as *const JobProgress as *const u8,
            &sdk as *const _ as *const u8
        ));
        assert_eq!(view.percent(), Ok(25));

        let files = [
            bits::BG_FILE_PROGRESS {
                BytesTotal: 100,
                BytesTransferred: 100,
                Completed: BOOL(1),
            },
            bits::BG_FILE_PROGRESS {
                BytesTotal: 300,
                BytesTransferred: 20,
                Completed: BOOL(0),
            },
        ];
        let sum = JobProgress::from_files(FileProgress::from_sdk_slice(&files));
        assert_eq!(sum, Ok(JobProgress::new(400, 120, 2, 1)));
        let ranges = [bits::BG_FILE_RANGE {
            InitialOffset: 0,
            Length: 100,
        }];
        assert_eq!(
            FileRange::from_sdk_slice(&ranges)[0],
            FileRange::new(0, 100)
        );
    }
}
