//! The one error type, numbered as the C `bg_result` codes.

use core::ffi::CStr;
use core::fmt;

/// Why an operation failed. Each variant is one non-zero C `bg_result` code, with the same
/// number (`error as u32`); the numbers are part of the ABI and never change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Error {
    /// A required pointer argument was NULL (only the C interface can report this).
    NullPointer = 1,
    /// The answer needs the total size, and it is `SIZE_UNKNOWN`.
    SizeUnknown = 2,
    /// The transferred bytes are, or would become, more than a known total.
    BytesExceedTotal = 3,
    /// The transferred files are, or would become, more than the total number of files.
    FilesExceedTotal = 4,
    /// A byte count would reach `u64::MAX`, which is reserved for `SIZE_UNKNOWN`.
    Overflow = 5,
    /// A file count would pass `u32::MAX`.
    TooManyFiles = 6,
    /// No transfer rate can be estimated yet (tracker only).
    NotEnoughData = 7,
    /// A panic or other internal fault was caught at the C boundary; never expected.
    Internal = 8,
    /// A size was resolved, but no file of unknown size is pending (tracker only).
    NoUnknownSize = 9,
    /// More bytes were rewound than were transferred (tracker only).
    Underflow = 10,
    /// A range has length 0, does not lie inside the file, or ends past `u64::MAX`.
    InvalidRange = 11,
    /// Two ranges share a byte.
    OverlappingRanges = 12,
}

impl Error {
    /// Every variant, in the order of their codes.
    pub const ALL: [Error; 12] = [
        Error::NullPointer,
        Error::SizeUnknown,
        Error::BytesExceedTotal,
        Error::FilesExceedTotal,
        Error::Overflow,
        Error::TooManyFiles,
        Error::NotEnoughData,
        Error::Internal,
        Error::NoUnknownSize,
        Error::Underflow,
        Error::InvalidRange,
        Error::OverlappingRanges,
    ];

    /// The C `bg_result` code of this error (never 0, which is `BG_OK`).
    ///
    /// ```
    /// assert_eq!(bgprogress::Error::Overflow.code(), 5);
    /// ```
    pub const fn code(self) -> u32 {
        self as u32
    }

    /// The error with the given `bg_result` code, or `None` for 0 (`BG_OK`) and unknown codes.
    ///
    /// ```
    /// use bgprogress::Error;
    /// assert_eq!(Error::from_code(2), Some(Error::SizeUnknown));
    /// assert_eq!(Error::from_code(0), None);
    /// assert_eq!(Error::from_code(99), None);
    /// ```
    pub fn from_code(code: u32) -> Option<Error> {
        Error::ALL.iter().copied().find(|e| e.code() == code)
    }

    /// A static English sentence that says what went wrong.
    ///
    /// ```
    /// assert_eq!(bgprogress::Error::Underflow.message(), "more bytes were rewound than were transferred");
    /// ```
    pub fn message(self) -> &'static str {
        // The sentences are ASCII: the conversion cannot fail.
        self.c_message().to_str().unwrap_or_default()
    }

    /// [`message`](Self::message) as a NUL-terminated C string, for the C interface.
    pub const fn c_message(self) -> &'static CStr {
        match self {
            Error::NullPointer => c"a required pointer argument was NULL",
            Error::SizeUnknown => c"the total size is not known (BG_SIZE_UNKNOWN)",
            Error::BytesExceedTotal => {
                c"the transferred bytes are, or would be, more than the total"
            }
            Error::FilesExceedTotal => {
                c"the transferred files are, or would be, more than the total"
            }
            Error::Overflow => c"a byte count would reach UINT64_MAX, reserved for BG_SIZE_UNKNOWN",
            Error::TooManyFiles => c"a file count would pass UINT32_MAX",
            Error::NotEnoughData => c"no transfer rate can be estimated yet",
            Error::Internal => c"internal error: a panic was caught at the C boundary",
            Error::NoUnknownSize => c"no file of unknown size is pending",
            Error::Underflow => c"more bytes were rewound than were transferred",
            Error::InvalidRange => c"a range is empty, outside the file, or ends past UINT64_MAX",
            Error::OverlappingRanges => c"two ranges share a byte",
        }
    }
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

    #[test]
    fn codes_are_fixed_and_round_trip() {
        let expected = [1u32, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        for (e, code) in Error::ALL.iter().zip(expected) {
            assert_eq!(e.code(), code);
            assert_eq!(Error::from_code(code), Some(*e));
        }
        assert_eq!(Error::from_code(0), None);
        assert_eq!(Error::from_code(13), None);
        assert_eq!(Error::from_code(u32::MAX), None);
    }

    #[test]
    fn messages_are_distinct_sentences() {
        for (i, a) in Error::ALL.iter().enumerate() {
            assert!(!a.message().is_empty());
            for b in &Error::ALL[i + 1..] {
                assert_ne!(a.message(), b.message());
            }
        }
    }
}
