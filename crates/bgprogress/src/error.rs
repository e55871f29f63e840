//! The one error type of the crate.

use core::fmt;

/// Declares [`Error`] from one list: each variant with its doc and its message, from which
/// `Display`, [`Error::message`] and [`Error::ALL`] are made. The C interface maps each
/// variant to a `bg_result` code with an exhaustive match, and its tests walk `ALL`.
macro_rules! errors {
    ($($(#[$doc:meta])* $name:ident => $message:literal,)+) => {
        /// Why an operation failed.
        ///
        /// A plain Rust error: it knows nothing of C. The C interface (the `bgprogress-ffi`
        /// crate) maps each variant to a numbered `bg_result` code of its own.
        ///
        /// ```
        /// use bgprogress::{Error, JobProgress};
        /// let err = JobProgress::new(10, 11, 1, 0).validate().unwrap_err();
        /// assert_eq!(err, Error::BytesExceedTotal);
        /// assert_eq!(err.to_string(), "the transferred bytes are, or would be, more than the total");
        /// assert!(Error::ALL.contains(&err));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Error {
            $($(#[$doc])* $name,)+
        }

        impl Error {
            /// Every error, in the order they are declared.
            pub const ALL: [Error; 0 $(+ { let _ = stringify!($name); 1 })+] = [$(Error::$name,)+];

            /// The English sentence for this error (what `Display` writes).
            pub const fn message(self) -> &'static str {
                match self {
                    $(Error::$name => $message,)+
                }
            }
        }
    };
}

errors! {
    /// The answer needs the total size, and it is `SIZE_UNKNOWN`.
    SizeUnknown => "the total size is not known (BG_SIZE_UNKNOWN)",
    /// The transferred bytes are, or would become, more than a known total.
    BytesExceedTotal => "the transferred bytes are, or would be, more than the total",
    /// The transferred files are, or would become, more than the total number of files.
    FilesExceedTotal => "the transferred files are, or would be, more than the total",
    /// A byte count would reach `u64::MAX`, which is reserved for `SIZE_UNKNOWN`.
    Overflow => "a byte count would reach UINT64_MAX, reserved for BG_SIZE_UNKNOWN",
    /// A file count would pass `u32::MAX`.
    TooManyFiles => "a file count would pass UINT32_MAX",
    /// No transfer rate can be estimated yet (tracker only).
    NotEnoughData => "no transfer rate can be estimated yet",
    /// A size was resolved, but no file of unknown size is pending (tracker only).
    NoUnknownSize => "no file of unknown size is pending",
    /// More bytes were rewound than were transferred (tracker only).
    Underflow => "more bytes were rewound than were transferred",
    /// A range has length 0, does not lie inside the file, or ends past `u64::MAX`.
    InvalidRange => "a range is empty, outside the file, or ends past UINT64_MAX",
    /// Two ranges share a byte.
    OverlappingRanges => "two ranges share a byte",
    /// Memory for a temporary copy could not be allocated (`ranges_total` only).
    AllocationFailed => "memory for a temporary copy could not be allocated",
    /// A writer held the tracker through every try (`Tracker::try_snapshot` only).
    Busy => "a writer held the tracker through every try; try again",
    /// A job's name is empty, longer than 64 bytes, starts with `.`, or has a byte other than
    /// `A-Z a-z 0-9 . _ -` (published jobs).
    InvalidName => "a job name is 1 to 64 bytes of A-Z a-z 0-9 . _ -, not starting with a dot",
    /// No published job has that name (published jobs).
    NotFound => "no published job has that name",
    /// The name is held by a live publisher, or the tracker is published already.
    Exists => "the name is held by a live publisher, or the tracker is published already",
    /// The jobs directory or a job file is another user's, writable by group or others, or a
    /// symbolic link, or the system refused access (published jobs).
    Permission => "refused: another user's, writable by others, a symbolic link, or not allowed",
    /// A job file is not a valid job file of this layout (published jobs).
    Corrupt => "the job file is not a valid job file of this layout",
    /// A job state above 8 (`BG_JOB_STATE_CANCELLED`).
    InvalidState => "a job state is at most 8 (BG_JOB_STATE_CANCELLED)",
    /// Another failure of the operating system (published jobs): see `last_os_error`.
    Io => "the operating system failed the request (see bg_last_os_error)",
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Display writes each error's message, and nothing else.
    #[test]
    fn display_is_the_message() {
        for e in Error::ALL {
            assert_eq!(e.to_string(), e.message(), "{e:?}");
            assert!(!e.message().is_empty(), "{e:?}");
        }
    }
}
