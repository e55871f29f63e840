//! bg_result: the numbered result codes of the C interface, their messages, and the mapping
//! from the core's errors.

use std::ffi::{c_char, CStr};

use bgprogress::Error;

use crate::boundary::catch_panic;

/// The result of a bgprogress function: BG_OK (0) or an error code. The values are part of
/// the ABI and never change; bg_result_message describes each.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum bg_result {
    /// Success.
    BG_OK = 0,
    /// A required pointer argument was NULL.
    BG_ERR_NULL_POINTER = 1,
    /// The answer needs BytesTotal, and it is BG_SIZE_UNKNOWN.
    BG_ERR_SIZE_UNKNOWN = 2,
    /// BytesTransferred is, or would become, greater than a known BytesTotal.
    BG_ERR_BYTES_EXCEED_TOTAL = 3,
    /// FilesTransferred is, or would become, greater than FilesTotal.
    BG_ERR_FILES_EXCEED_TOTAL = 4,
    /// A byte count would reach UINT64_MAX (reserved for BG_SIZE_UNKNOWN).
    BG_ERR_OVERFLOW = 5,
    /// A file count would pass UINT32_MAX.
    BG_ERR_TOO_MANY_FILES = 6,
    /// No transfer rate can be estimated yet (tracker only).
    BG_ERR_NOT_ENOUGH_DATA = 7,
    /// A panic was caught at the boundary (never expected), memory for a temporary copy
    /// could not be allocated, or a count no array in memory can have was passed.
    BG_ERR_INTERNAL = 8,
    /// A size was resolved, but no file of unknown size is pending (tracker only).
    BG_ERR_NO_UNKNOWN_SIZE = 9,
    /// More bytes rewound than were transferred (tracker only).
    BG_ERR_UNDERFLOW = 10,
    /// A range has length 0, or does not lie inside the file, or its end passes UINT64_MAX.
    BG_ERR_INVALID_RANGE = 11,
    /// Two ranges share a byte.
    BG_ERR_OVERLAPPING_RANGES = 12,
    /// A writer held the tracker through every try (bg_tracker_try_snapshot only).
    BG_ERR_BUSY = 13,
    /// A job name is not 1 to 64 bytes of A-Z a-z 0-9 . _ -, or starts with . (published jobs).
    BG_ERR_INVALID_NAME = 14,
    /// No published job has that name.
    BG_ERR_NOT_FOUND = 15,
    /// The name is held by a live publisher, or the tracker is published already.
    BG_ERR_EXISTS = 16,
    /// The jobs directory or a job file is another user's, writable by group or others, or a
    /// symbolic link, or the system refused access.
    BG_ERR_PERMISSION = 17,
    /// A job file is not a valid job file of this library's layout.
    BG_ERR_CORRUPT = 18,
    /// A job state above BG_JOB_STATE_CANCELLED (8).
    BG_ERR_INVALID_STATE = 19,
    /// Another failure of the operating system: bg_last_os_error gives its code.
    BG_ERR_IO = 20,
}

impl From<Error> for bg_result {
    fn from(e: Error) -> Self {
        use bg_result::*;
        match e {
            Error::SizeUnknown => BG_ERR_SIZE_UNKNOWN,
            Error::BytesExceedTotal => BG_ERR_BYTES_EXCEED_TOTAL,
            Error::FilesExceedTotal => BG_ERR_FILES_EXCEED_TOTAL,
            Error::Overflow => BG_ERR_OVERFLOW,
            Error::TooManyFiles => BG_ERR_TOO_MANY_FILES,
            Error::NotEnoughData => BG_ERR_NOT_ENOUGH_DATA,
            Error::NoUnknownSize => BG_ERR_NO_UNKNOWN_SIZE,
            Error::Underflow => BG_ERR_UNDERFLOW,
            Error::InvalidRange => BG_ERR_INVALID_RANGE,
            Error::OverlappingRanges => BG_ERR_OVERLAPPING_RANGES,
            Error::AllocationFailed => BG_ERR_INTERNAL,
            Error::Busy => BG_ERR_BUSY,
            Error::InvalidName => BG_ERR_INVALID_NAME,
            Error::NotFound => BG_ERR_NOT_FOUND,
            Error::Exists => BG_ERR_EXISTS,
            Error::Permission => BG_ERR_PERMISSION,
            Error::Corrupt => BG_ERR_CORRUPT,
            Error::InvalidState => BG_ERR_INVALID_STATE,
            Error::Io => BG_ERR_IO,
        }
    }
}

/// The highest bg_result value: every number from BG_OK (0) to BG_RESULT_LAST is a
/// bg_result, and bg_result_message answers "unknown bg_result value" above it.
pub const BG_RESULT_LAST: u32 = 20;

impl bg_result {
    /// Every code, in the order of its number (a test checks the order and that every core
    /// error's code is here; the length is checked against BG_RESULT_LAST at compile time).
    const ALL: [bg_result; 21] = {
        use bg_result::*;
        [
            BG_OK,
            BG_ERR_NULL_POINTER,
            BG_ERR_SIZE_UNKNOWN,
            BG_ERR_BYTES_EXCEED_TOTAL,
            BG_ERR_FILES_EXCEED_TOTAL,
            BG_ERR_OVERFLOW,
            BG_ERR_TOO_MANY_FILES,
            BG_ERR_NOT_ENOUGH_DATA,
            BG_ERR_INTERNAL,
            BG_ERR_NO_UNKNOWN_SIZE,
            BG_ERR_UNDERFLOW,
            BG_ERR_INVALID_RANGE,
            BG_ERR_OVERLAPPING_RANGES,
            BG_ERR_BUSY,
            BG_ERR_INVALID_NAME,
            BG_ERR_NOT_FOUND,
            BG_ERR_EXISTS,
            BG_ERR_PERMISSION,
            BG_ERR_CORRUPT,
            BG_ERR_INVALID_STATE,
            BG_ERR_IO,
        ]
    };

    /// The code with this number, if there is one.
    fn from_code(code: u32) -> Option<bg_result> {
        Self::ALL.get(usize::try_from(code).ok()?).copied()
    }

    /// The English sentence for this code: the core's message for the codes that come from
    /// its errors (a test keeps them equal), so that bg_job_progress_format's reasons and
    /// bg_result_message agree.
    fn message(self) -> &'static CStr {
        use bg_result::*;
        match self {
            BG_OK => c"success",
            BG_ERR_NULL_POINTER => c"a required pointer argument was NULL",
            BG_ERR_SIZE_UNKNOWN => c"the total size is not known (BG_SIZE_UNKNOWN)",
            BG_ERR_BYTES_EXCEED_TOTAL => {
                c"the transferred bytes are, or would be, more than the total"
            }
            BG_ERR_FILES_EXCEED_TOTAL => {
                c"the transferred files are, or would be, more than the total"
            }
            BG_ERR_OVERFLOW => c"a byte count would reach UINT64_MAX, reserved for BG_SIZE_UNKNOWN",
            BG_ERR_TOO_MANY_FILES => c"a file count would pass UINT32_MAX",
            BG_ERR_NOT_ENOUGH_DATA => c"no transfer rate can be estimated yet",
            BG_ERR_INTERNAL => {
                c"internal error: a panic was caught, memory could not be allocated, or a count no array can have was passed"
            }
            BG_ERR_NO_UNKNOWN_SIZE => c"no file of unknown size is pending",
            BG_ERR_UNDERFLOW => c"more bytes were rewound than were transferred",
            BG_ERR_INVALID_RANGE => c"a range is empty, outside the file, or ends past UINT64_MAX",
            BG_ERR_OVERLAPPING_RANGES => c"two ranges share a byte",
            BG_ERR_BUSY => c"a writer held the tracker through every try; try again",
            BG_ERR_INVALID_NAME => {
                c"a job name is 1 to 64 bytes of A-Z a-z 0-9 . _ -, not starting with a dot"
            }
            BG_ERR_NOT_FOUND => c"no published job has that name",
            BG_ERR_EXISTS => {
                c"the name is held by a live publisher, or the tracker is published already"
            }
            BG_ERR_PERMISSION => {
                c"refused: another user's, writable by others, a symbolic link, or not allowed"
            }
            BG_ERR_CORRUPT => c"the job file is not a valid job file of this layout",
            BG_ERR_INVALID_STATE => c"a job state is at most 8 (BG_JOB_STATE_CANCELLED)",
            BG_ERR_IO => c"the operating system failed the request (see bg_last_os_error)",
        }
    }
}

/// A static, non-NULL English sentence describing r, a bg_result value; for a number that
/// is no bg_result value, "unknown bg_result value". Never free it.
#[no_mangle]
pub extern "C" fn bg_result_message(r: u32) -> *const c_char {
    catch_panic(UNKNOWN.as_ptr(), || {
        bg_result::from_code(r)
            .map_or(UNKNOWN, bg_result::message)
            .as_ptr()
    })
}

/// The message for a number that is no bg_result value.
const UNKNOWN: &CStr = c"unknown bg_result value";

const _: () = assert!(bg_result::ALL.len() == BG_RESULT_LAST as usize + 1);

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;

    fn text(p: *const c_char) -> &'static str {
        unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("")
    }

    #[test]
    fn codes_are_listed_in_order() {
        for (i, r) in bg_result::ALL.iter().enumerate() {
            assert_eq!(*r as usize, i, "{r:?} out of order");
        }
        assert_eq!(bg_result::from_code(BG_RESULT_LAST + 1), None);
    }

    #[test]
    fn codes_round_trip() {
        for code in 0..=1000u32 {
            if let Some(r) = bg_result::from_code(code) {
                assert_eq!(r as u32, code);
            }
        }
        assert_eq!(bg_result::from_code(0), Some(bg_result::BG_OK));
        assert_eq!(
            bg_result::from_code(1),
            Some(bg_result::BG_ERR_NULL_POINTER)
        );
        assert_eq!(bg_result::from_code(u32::MAX), None);
        // Every code an error maps to is known to from_code (and so to bg_result_message).
        for e in Error::ALL {
            let r = bg_result::from(e);
            assert_eq!(bg_result::from_code(r as u32), Some(r), "{e:?}");
        }
    }

    #[test]
    fn core_errors_keep_their_messages() {
        for e in Error::ALL {
            let r = bg_result::from(e);
            assert_ne!(r, bg_result::BG_OK);
            if r != bg_result::BG_ERR_INTERNAL {
                assert_eq!(
                    r.message().to_str().ok(),
                    Some(e.to_string().as_str()),
                    "{e:?}"
                );
            }
        }
    }

    #[test]
    fn messages_are_distinct_and_unknown_codes_are_said_so() {
        let codes: Vec<u32> = (0..=1000)
            .filter(|&c| bg_result::from_code(c).is_some())
            .collect();
        // Numbered from 0 without gaps (c-tests/c/layout_static.c pins each number).
        assert_eq!(codes, (0..codes.len() as u32).collect::<Vec<u32>>());
        let texts: Vec<&str> = codes.iter().map(|&c| text(bg_result_message(c))).collect();
        for (i, a) in texts.iter().enumerate() {
            assert!(!a.is_empty());
            assert!(texts.iter().skip(i + 1).all(|b| a != b), "{a}");
        }
        assert_eq!(text(bg_result_message(0)), "success");
        assert_eq!(
            text(bg_result_message(codes.len() as u32)),
            "unknown bg_result value"
        );
        assert_eq!(text(bg_result_message(u32::MAX)), "unknown bg_result value");
    }
}
