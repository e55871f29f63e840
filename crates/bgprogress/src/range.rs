//! `BG_FILE_RANGE`: the byte ranges wanted from a file, and how many bytes they make.

#[cfg(feature = "alloc")]
use crate::arith::add_bytes_below_max;
#[cfg(feature = "alloc")]
use crate::{Error, SIZE_UNKNOWN};

/// A `length` that means "to the end of the file" (`BG_LENGTH_TO_EOF`, `UINT64_MAX`).
#[cfg(not(bgprogress_sdk_range_types))] // see lib.rs: for the header only
pub const LENGTH_TO_EOF: u64 = u64::MAX;

/// A range of bytes to download from a file: `BG_FILE_RANGE`.
#[cfg(not(bgprogress_sdk_range_types))] // see lib.rs: for the header only
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[cfg_attr(feature = "bytemuck", derive(bytemuck::Pod, bytemuck::Zeroable))]
#[repr(C)]
pub struct FileRange {
    /// Zero-based offset of the first byte of the range.
    pub initial_offset: u64,
    /// Length of the range in bytes: never 0; `BG_LENGTH_TO_EOF` for "to the end of the file".
    pub length: u64,
}

impl FileRange {
    /// The range of `length` bytes from `initial_offset`.
    ///
    /// ```
    /// use bgprogress::{FileRange, LENGTH_TO_EOF};
    /// let head = FileRange::new(0, 4096);
    /// let tail = FileRange::new(1 << 20, LENGTH_TO_EOF); // from 1 MiB to the end
    /// assert_eq!((head.initial_offset, head.length), (0, 4096));
    /// assert_eq!(tail.length, LENGTH_TO_EOF);
    /// # #[cfg(feature = "alloc")]
    /// assert_eq!(bgprogress::ranges_total(&[head, tail], 2 << 20), Ok(4096 + (1 << 20)));
    /// ```
    pub const fn new(initial_offset: u64, length: u64) -> Self {
        FileRange {
            initial_offset,
            length,
        }
    }

    /// One past the last byte, as u128 so that "to the end of a file of unknown size" can be
    /// 2^64, beyond every finite range; `None` for an invalid range.
    #[cfg(feature = "alloc")]
    fn end(&self, file_size: u64) -> Option<u128> {
        let start = u128::from(self.initial_offset);
        let known = file_size != SIZE_UNKNOWN;
        let end = match self.length {
            0 => return None,
            LENGTH_TO_EOF if known => u128::from(file_size),
            LENGTH_TO_EOF => 1 << 64,
            len => u128::from(self.initial_offset.checked_add(len)?),
        };
        let inside = if self.length == LENGTH_TO_EOF {
            start < end
        } else {
            !known || end <= u128::from(file_size)
        };
        inside.then_some(end)
    }
}

/// The number of bytes to download from a file of `file_size` bytes (`SIZE_UNKNOWN` allowed)
/// when only `ranges` are wanted: the size to give to
/// [`JobProgress::add_file`](crate::JobProgress::add_file).
///
/// No range means the whole file: `file_size`. A `LENGTH_TO_EOF` range of a file of unknown
/// size makes the answer `SIZE_UNKNOWN` (not an error: the total is simply not known yet).
///
/// Errors, in order: for each range in order, [`Error::InvalidRange`] when its length is 0,
/// its end passes `u64::MAX`, or (size known) it does not lie inside the file (a
/// `LENGTH_TO_EOF` range must start before the end); then [`Error::OverlappingRanges`] when
/// two ranges, in any order, share a byte; then [`Error::Overflow`] when the sum would reach
/// `u64::MAX`. The overlap check sorts a copy of the ends: O(n log n) time and O(n) memory
/// (an allocation failure is reported as [`Error::AllocationFailed`]).
///
/// ```
/// use bgprogress::{ranges_total, Error, FileRange, LENGTH_TO_EOF, SIZE_UNKNOWN};
/// let ranges = [FileRange::new(100, 50), FileRange::new(0, 10)];
/// assert_eq!(ranges_total(&ranges, 1000), Ok(60));
/// let tail = [FileRange::new(900, LENGTH_TO_EOF)];
/// assert_eq!(ranges_total(&tail, 1000), Ok(100));
/// assert_eq!(ranges_total(&tail, SIZE_UNKNOWN), Ok(SIZE_UNKNOWN));
/// let overlap = [FileRange::new(0, 10), FileRange::new(9, 1)];
/// assert_eq!(ranges_total(&overlap, 1000), Err(Error::OverlappingRanges));
/// ```
#[cfg(feature = "alloc")]
pub fn ranges_total(ranges: &[FileRange], file_size: u64) -> Result<u64, Error> {
    if ranges.is_empty() {
        return Ok(file_size);
    }
    let mut spans = alloc::vec::Vec::new();
    spans
        .try_reserve_exact(ranges.len())
        .map_err(|_| Error::AllocationFailed)?;
    for r in ranges {
        let end = r.end(file_size).ok_or(Error::InvalidRange)?;
        spans.push((u128::from(r.initial_offset), end));
    }
    spans.sort_unstable();
    if spans.windows(2).any(|w| w[0].1 > w[1].0) {
        return Err(Error::OverlappingRanges);
    }
    let mut total = 0u64;
    for (start, end) in spans {
        // Only "to the end" of a file of unknown size ends past u64::MAX; sorted, it is last.
        let Ok(len) = u64::try_from(end - start) else {
            return Ok(SIZE_UNKNOWN);
        };
        if end > u128::from(u64::MAX) {
            return Ok(SIZE_UNKNOWN);
        }
        total = add_bytes_below_max(total, len)?;
    }
    Ok(total)
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;

    const MAX: u64 = u64::MAX;
    fn r(offset: u64, length: u64) -> FileRange {
        FileRange::new(offset, length)
    }

    #[test]
    fn no_range_is_the_whole_file() {
        assert_eq!(ranges_total(&[], 123), Ok(123));
        assert_eq!(ranges_total(&[], SIZE_UNKNOWN), Ok(SIZE_UNKNOWN));
    }

    #[test]
    fn sums_disjoint_ranges_in_any_order() {
        assert_eq!(
            ranges_total(&[r(50, 10), r(0, 50), r(60, 40)], 100),
            Ok(100)
        );
        assert_eq!(ranges_total(&[r(99, 1)], 100), Ok(1));
        assert_eq!(ranges_total(&[r(10, 5)], SIZE_UNKNOWN), Ok(5));
    }

    #[test]
    fn invalid_ranges() {
        assert_eq!(ranges_total(&[r(0, 0)], 100), Err(Error::InvalidRange));
        assert_eq!(ranges_total(&[r(99, 2)], 100), Err(Error::InvalidRange));
        assert_eq!(
            ranges_total(&[r(100, LENGTH_TO_EOF)], 100),
            Err(Error::InvalidRange)
        );
        assert_eq!(
            ranges_total(&[r(0, LENGTH_TO_EOF)], 0),
            Err(Error::InvalidRange)
        );
        assert_eq!(
            ranges_total(&[r(2, MAX - 1)], SIZE_UNKNOWN),
            Err(Error::InvalidRange)
        );
        // An end of exactly u64::MAX is fine.
        assert_eq!(ranges_total(&[r(1, MAX - 1)], SIZE_UNKNOWN), Ok(MAX - 1));
        // Invalid is reported before an overlap found earlier in the list.
        assert_eq!(
            ranges_total(&[r(0, 10), r(5, 10), r(0, 0)], 100),
            Err(Error::InvalidRange)
        );
    }

    #[test]
    fn overlaps() {
        assert_eq!(
            ranges_total(&[r(10, 5), r(0, 11)], 100),
            Err(Error::OverlappingRanges)
        );
        assert_eq!(ranges_total(&[r(10, 5), r(0, 10)], 100), Ok(15));
        assert_eq!(
            ranges_total(&[r(5, 1), r(5, 1)], 100),
            Err(Error::OverlappingRanges)
        );
        assert_eq!(
            ranges_total(&[r(50, LENGTH_TO_EOF), r(60, 1)], SIZE_UNKNOWN),
            Err(Error::OverlappingRanges)
        );
        assert_eq!(
            ranges_total(&[r(50, LENGTH_TO_EOF), r(40, 10)], SIZE_UNKNOWN),
            Ok(SIZE_UNKNOWN)
        );
        assert_eq!(
            ranges_total(&[r(50, LENGTH_TO_EOF), r(40, 10)], 100),
            Ok(60)
        );
    }

    #[test]
    fn overflow_only_past_the_last_byte() {
        // Two ranges covering [0, MAX): MAX bytes, which would be SIZE_UNKNOWN.
        assert_eq!(
            ranges_total(&[r(1, MAX - 1), r(0, 1)], SIZE_UNKNOWN),
            Err(Error::Overflow)
        );
        assert_eq!(ranges_total(&[r(1, MAX - 1)], SIZE_UNKNOWN), Ok(MAX - 1));
    }

    #[test]
    fn many_ranges_in_reverse_order() {
        let ranges: alloc::vec::Vec<_> = (0..200_000u64).rev().map(|i| r(i * 2, 1)).collect();
        assert_eq!(ranges_total(&ranges, SIZE_UNKNOWN), Ok(200_000));
    }
}
