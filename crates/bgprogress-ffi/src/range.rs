//! BG_FILE_RANGE: the bytes of a file when only some ranges are wanted.

use bgprogress::{ranges_total, FileRange};

use crate::boundary::{ffi_result, output, read_slice};
use crate::error::bg_result;

/// Writes to *out the number of bytes to download from a file of file_size bytes
/// (BG_SIZE_UNKNOWN allowed) when only the count ranges at ranges are wanted: the size to
/// give to bg_job_progress_add_file. No range (count 0) means the whole file, file_size; a
/// BG_LENGTH_TO_EOF range of a file of unknown size makes it BG_SIZE_UNKNOWN (BG_OK).
/// Errors, in order: BG_ERR_NULL_POINTER when out is NULL, or ranges is NULL with count > 0;
/// then, range by range, BG_ERR_INVALID_RANGE for a Length of 0, an end past UINT64_MAX, or
/// (size known) a range not inside the file (a BG_LENGTH_TO_EOF range must start before its
/// end); then BG_ERR_OVERLAPPING_RANGES when two ranges, in any order, share a byte; then
/// BG_ERR_OVERFLOW when the sum would reach UINT64_MAX. Takes O(count log count) time and a
/// temporary copy of the ranges; if that cannot be allocated, BG_ERR_INTERNAL.
///
/// # Safety
/// ranges is NULL or points to count BG_FILE_RANGE; out is NULL or writable. Any alignment;
/// out may lie inside the array.
#[no_mangle]
pub unsafe extern "C" fn bg_file_ranges_total(
    ranges: *const FileRange,
    count: usize,
    file_size: u64,
    out: *mut u64,
) -> bg_result {
    ffi_result(|| {
        let o = output(out)?;
        let total = ranges_total(&read_slice(ranges, count)?, file_size)?;
        o.put(total);
        Ok(())
    })
}
