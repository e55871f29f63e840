//! The one error type of the crate.

use core::fmt;

/// Why an operation failed.
///
/// A plain Rust error: it knows nothing of C. The C interface (the `bgprogress-ffi` crate)
/// maps each variant to a numbered `bg_result` code of its own.
///
/// ```
/// use bgprogress::{Error, JobProgress};
/// let err = JobProgress::new(10, 11, 1, 0).validate().unwrap_err();
/// assert_eq!(err, Error::BytesExceedTotal);
/// assert_eq!(err.to_string(), "the transferred bytes are, or would be, more than the total");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// The answer needs the total size, and it is `SIZE_UNKNOWN`.
    SizeUnknown,
    /// The transferred bytes are, or would become, more than a known total.
    BytesExceedTotal,
    /// The transferred files are, or would become, more than the total number of files.
    FilesExceedTotal,
    /// A byte count would reach `u64::MAX`, which is reserved for `SIZE_UNKNOWN`.
    Overflow,
    /// A file count would pass `u32::MAX`.
    TooManyFiles,
    /// No transfer rate can be estimated yet (tracker only).
    NotEnoughData,
    /// A size was resolved, but no file of unknown size is pending (tracker only).
    NoUnknownSize,
    /// More bytes were rewound than were transferred (tracker only).
    Underflow,
    /// A range has length 0, does not lie inside the file, or ends past `u64::MAX`.
    InvalidRange,
    /// Two ranges share a byte.
    OverlappingRanges,
    /// Memory for a temporary copy could not be allocated (`ranges_total` only).
    AllocationFailed,
    /// A writer held the tracker through every try (`Tracker::try_snapshot` only).
    Busy,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::SizeUnknown => "the total size is not known (BG_SIZE_UNKNOWN)",
            Error::BytesExceedTotal => {
                "the transferred bytes are, or would be, more than the total"
            }
            Error::FilesExceedTotal => {
                "the transferred files are, or would be, more than the total"
            }
            Error::Overflow => "a byte count would reach UINT64_MAX, reserved for BG_SIZE_UNKNOWN",
            Error::TooManyFiles => "a file count would pass UINT32_MAX",
            Error::NotEnoughData => "no transfer rate can be estimated yet",
            Error::NoUnknownSize => "no file of unknown size is pending",
            Error::Underflow => "more bytes were rewound than were transferred",
            Error::InvalidRange => "a range is empty, outside the file, or ends past UINT64_MAX",
            Error::OverlappingRanges => "two ranges share a byte",
            Error::AllocationFailed => "memory for a temporary copy could not be allocated",
            Error::Busy => "a writer held the tracker through every try; try again",
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
