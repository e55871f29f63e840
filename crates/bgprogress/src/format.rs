//! The text of a job's progress.

use core::fmt::{self, Display};

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
}
