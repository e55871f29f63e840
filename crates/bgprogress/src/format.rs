//! The text of a job's progress, and writing text into a C-style buffer.

use core::fmt::{self, Display, Write};

use crate::JobProgress;

/// A byte count as people read it: `n B` below 1024, else `n / 1024^k` truncated to two
/// decimals with the largest unit that fits (`KiB` … `EiB`), computed exactly in integers, so
/// `1048575` is `1023.99 KiB`, never `1024.00 KiB`.
///
/// ```
/// use bgprogress::Size;
/// assert_eq!(Size(1023).to_string(), "1023 B");
/// assert_eq!(Size(1536).to_string(), "1.50 KiB");
/// assert_eq!(Size(1048575).to_string(), "1023.99 KiB");
/// assert_eq!(Size(u64::MAX).to_string(), "15.99 EiB");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size(pub u64);

impl Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        let n = self.0;
        if n < 1024 {
            return write!(f, "{n} B");
        }
        // The largest k with 1024^k <= n: 10 bits per step.
        let k = (63 - n.leading_zeros()) / 10;
        let hundredths = (u128::from(n) * 100) >> (10 * k);
        let unit = UNITS[k as usize - 1];
        write!(f, "{}.{:02} {unit}", hundredths / 100, hundredths % 100)
    }
}

/// The contract's text:
/// `1.50 MiB of 3.00 MiB (50%), 1 of 2 files` when the size is known,
/// `1.50 MiB of unknown size, 1 of 2 files` when it is not, and for an invalid value the
/// figures without a percentage followed by ` [invalid: <reason>]`.
///
/// ```
/// use bgprogress::{JobProgress, SIZE_UNKNOWN};
/// assert_eq!(JobProgress::new(SIZE_UNKNOWN, 10, 2, 0).to_string(), "10 B of unknown size, 0 of 2 files");
/// assert_eq!(
///     JobProgress::new(10, 11, 1, 0).to_string(),
///     "11 B of 10 B, 0 of 1 files [invalid: the transferred bytes are, or would be, more than the total]"
/// );
/// ```
impl Display for JobProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of ", Size(self.bytes_transferred))?;
        if self.is_size_known() {
            write!(f, "{}", Size(self.bytes_total))?;
        } else {
            f.write_str("unknown size")?;
        }
        let (percent, invalid) = match (self.validate(), self.percent()) {
            (Err(e), _) => (None, Some(e)),
            (Ok(()), Ok(p)) => (Some(p), None),
            (Ok(()), Err(_)) => (None, None), // size unknown
        };
        if let Some(p) = percent {
            write!(f, " ({p}%)")?;
        }
        write!(
            f,
            ", {} of {} files",
            self.files_transferred, self.files_total
        )?;
        if let Some(e) = invalid {
            write!(f, " [invalid: {e}]")?;
        }
        Ok(())
    }
}

/// A buffer of this many bytes always holds the whole text of a job's progress, NUL included
/// (`BG_FORMAT_BUFFER_SIZE` in C): the longest text is well under it.
pub const FORMAT_BUFFER_SIZE: usize = 256;

/// Writes `text` into `buf` with the C `snprintf` contract and returns the length of the whole
/// text (without a NUL): at most `buf.len()` bytes are written, the last of them a NUL, so the
/// text is cut when the buffer is too short; an empty `buf` is left alone.
///
/// ```
/// use bgprogress::{format_to_buffer, JobProgress};
/// let job = JobProgress::new(100, 50, 1, 0);
/// let mut buf = [0xffu8; 8];
/// let len = format_to_buffer(&job, &mut buf);
/// assert_eq!(len, "50 B of 100 B (50%), 0 of 1 files".len());
/// assert_eq!(&buf, b"50 B of\0");
/// ```
pub fn format_to_buffer(text: &dyn Display, buf: &mut [u8]) -> usize {
    let mut w = Truncating {
        buf,
        written: 0,
        len: 0,
    };
    // Truncating::write_str never fails, and Display impls that fail on their own are the
    // caller's; the length counted so far is the best answer then.
    let _ = write!(w, "{text}");
    if let Some(last) = w.buf.len().checked_sub(1) {
        w.buf[w.written.min(last)] = 0;
    }
    w.len
}

/// Keeps what fits before the final NUL, and counts everything.
struct Truncating<'a> {
    buf: &'a mut [u8],
    written: usize,
    len: usize,
}

impl Write for Truncating<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self
            .buf
            .len()
            .saturating_sub(1)
            .saturating_sub(self.written);
        let n = room.min(s.len());
        self.buf[self.written..self.written + n].copy_from_slice(&s.as_bytes()[..n]);
        self.written += n;
        self.len += s.len();
        Ok(())
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::SIZE_UNKNOWN;

    #[test]
    fn sizes_at_unit_edges() {
        let cases: [(u64, &str); 12] = [
            (0, "0 B"),
            (1023, "1023 B"),
            (1024, "1.00 KiB"),
            (1048575, "1023.99 KiB"),
            (1048576, "1.00 MiB"),
            ((1 << 30) - 1, "1023.99 MiB"),
            (1 << 30, "1.00 GiB"),
            (1 << 40, "1.00 TiB"),
            (1 << 50, "1.00 PiB"),
            ((1 << 60) - 1, "1023.99 PiB"),
            (1 << 60, "1.00 EiB"),
            (u64::MAX - 1, "15.99 EiB"),
        ];
        for (n, text) in cases {
            assert_eq!(Size(n).to_string(), text, "{n}");
        }
    }

    #[test]
    fn job_texts() {
        let mib = 1024 * 1024;
        assert_eq!(
            JobProgress::new(3 * mib, mib + mib / 2, 2, 1).to_string(),
            "1.50 MiB of 3.00 MiB (50%), 1 of 2 files"
        );
        assert_eq!(
            JobProgress::new(SIZE_UNKNOWN, 0, 0, 0).to_string(),
            "0 B of unknown size, 0 of 0 files"
        );
        assert_eq!(
            JobProgress::new(SIZE_UNKNOWN, u64::MAX, 0, 0).to_string(),
            format!(
                "15.99 EiB of unknown size, 0 of 0 files [invalid: {}]",
                crate::Error::Overflow
            )
        );
        assert_eq!(
            JobProgress::new(0, 0, 1, 2).to_string(),
            format!(
                "0 B of 0 B, 2 of 1 files [invalid: {}]",
                crate::Error::FilesExceedTotal
            )
        );
        assert_eq!(
            JobProgress::new(0, 0, 0, 0).to_string(),
            "0 B of 0 B (0%), 0 of 0 files"
        );
    }

    #[test]
    fn longest_texts_fit_the_buffer_size() {
        let max = u64::MAX;
        for job in [
            JobProgress::new(max - 1, max - 1, u32::MAX, u32::MAX),
            JobProgress::new(1023 << 50, (1023 << 50) + 1, u32::MAX, u32::MAX),
            JobProgress::new(SIZE_UNKNOWN, max, u32::MAX - 1, u32::MAX),
        ] {
            let longest_reason = crate::Error::ALL
                .iter()
                .map(|e| e.message().len())
                .max()
                .unwrap();
            let bound = job.to_string().len() + longest_reason;
            assert!(bound < FORMAT_BUFFER_SIZE, "{job}");
        }
    }

    #[test]
    fn buffer_follows_snprintf() {
        let job = JobProgress::new(10, 5, 1, 0);
        let text = job.to_string();
        for len in 0..text.len() + 3 {
            let mut buf = vec![0xAAu8; len];
            assert_eq!(format_to_buffer(&job, &mut buf), text.len());
            if len > 0 {
                let kept = (len - 1).min(text.len());
                assert_eq!(&buf[..kept], &text.as_bytes()[..kept]);
                assert_eq!(buf[kept], 0);
                assert!(buf[kept + 1..].iter().all(|&b| b == 0xAA));
            }
        }
    }
}
