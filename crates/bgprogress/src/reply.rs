//! `BG_JOB_REPLY_PROGRESS`: the reply file of an upload-reply job.

use crate::arith::{exact_percent, within_total};
use crate::{Error, SIZE_UNKNOWN};

/// The progress of the reply of an upload-reply job: `BG_JOB_REPLY_PROGRESS`.
#[cfg(not(bgprogress_sdk_reply_types))] // see lib.rs: for the header only
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[cfg_attr(feature = "bytemuck", derive(bytemuck::Pod, bytemuck::Zeroable))]
#[repr(C)]
pub struct ReplyProgress {
    /// Size of the reply in bytes, or `BG_SIZE_UNKNOWN` until it is known.
    pub bytes_total: u64,
    /// Number of bytes of the reply received.
    pub bytes_transferred: u64,
}

impl ReplyProgress {
    /// A reply with these counts. It is not validated.
    ///
    /// ```
    /// use bgprogress::{Error, ReplyProgress, SIZE_UNKNOWN};
    /// assert_eq!(ReplyProgress::new(200, 50).percent(), Ok(25));
    /// assert_eq!(ReplyProgress::new(SIZE_UNKNOWN, 50).percent(), Err(Error::SizeUnknown));
    /// assert_eq!(ReplyProgress::new(1, 2).validate(), Err(Error::BytesExceedTotal));
    /// ```
    pub const fn new(bytes_total: u64, bytes_transferred: u64) -> Self {
        ReplyProgress {
            bytes_total,
            bytes_transferred,
        }
    }

    /// Whether `bytes_total` is known.
    pub const fn is_size_known(&self) -> bool {
        self.bytes_total != SIZE_UNKNOWN
    }

    /// The byte rules of [`JobProgress::validate`](crate::JobProgress::validate):
    /// [`Error::BytesExceedTotal`], then [`Error::Overflow`].
    #[inline]
    pub const fn validate(&self) -> Result<(), Error> {
        if let Err(e) = within_total(self.bytes_transferred, self.bytes_total) {
            Err(e)
        } else if self.bytes_transferred == u64::MAX {
            Err(Error::Overflow)
        } else {
            Ok(())
        }
    }

    /// The percentage received, exact as for a job; an empty reply (`bytes_total == 0`) is
    /// fully received: 100. Errors: the value's own, then [`Error::SizeUnknown`].
    ///
    /// ```
    /// use bgprogress::ReplyProgress;
    /// assert_eq!(ReplyProgress::new(0, 0).percent(), Ok(100));
    /// assert_eq!(ReplyProgress::new(200, 99).percent(), Ok(49));
    /// ```
    #[inline]
    pub fn percent(&self) -> Result<u32, Error> {
        self.validate()?;
        match self.bytes_total {
            SIZE_UNKNOWN => Err(Error::SizeUnknown),
            0 => Ok(100),
            total => Ok(exact_percent(self.bytes_transferred, total)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_known_is_whether_the_total_is_unknown() {
        assert!(!ReplyProgress::new(SIZE_UNKNOWN, 0).is_size_known());
        assert!(ReplyProgress::new(0, 0).is_size_known());
        assert!(ReplyProgress::new(SIZE_UNKNOWN - 1, 7).is_size_known());
    }

    #[test]
    fn percent_edges() {
        let max = u64::MAX;
        assert_eq!(ReplyProgress::new(max - 1, max - 2).percent(), Ok(99));
        assert_eq!(ReplyProgress::new(max - 1, max - 1).percent(), Ok(100));
        assert_eq!(
            ReplyProgress::new(SIZE_UNKNOWN, 0).percent(),
            Err(Error::SizeUnknown)
        );
        assert_eq!(
            ReplyProgress::new(SIZE_UNKNOWN, max).percent(),
            Err(Error::Overflow)
        );
        assert_eq!(
            ReplyProgress::new(1, 2).percent(),
            Err(Error::BytesExceedTotal)
        );
        assert_eq!(
            ReplyProgress::new(0, 1).percent(),
            Err(Error::BytesExceedTotal)
        );
    }
}
