//! `BG_FILE_PROGRESS`, `BG_FILE_RANGE` and `BG_JOB_REPLY_PROGRESS`.

use bgprogress::{ranges_total, FileProgress, FileRange, JobProgress, ReplyProgress};

use crate::boundary::{
    bg_result, catch_panic, ffi_result, require_elements, try_mut, try_ref, try_slice,
};

/// Writes to `*out` the progress of a job made of the `count` files at `files`: FilesTotal =
/// count, BytesTotal = the sum of the sizes (`BG_SIZE_UNKNOWN` when any is unknown),
/// BytesTransferred = the sum of the transferred bytes, FilesTransferred = the number of files
/// for which `bg_file_progress_is_transferred` holds. Errors, in order: `BG_ERR_NULL_POINTER`
/// when `out` is NULL, or `files` is NULL with `count > 0`; `BG_ERR_TOO_MANY_FILES` when
/// `count > UINT32_MAX` (no file is read); then, file by file, `BG_ERR_BYTES_EXCEED_TOTAL` for
/// a file with more bytes transferred than its known size, and `BG_ERR_OVERFLOW` when the
/// transferred sum, or (while every size is known) the size sum, would reach UINT64_MAX.
///
/// # Safety
/// `files` is NULL or points to `count` valid `BG_FILE_PROGRESS`; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_from_files(
    files: *const FileProgress,
    count: usize,
    out: *mut JobProgress,
) -> bg_result {
    ffi_result(|| {
        let out = try_mut(out)?;
        require_elements(files, count)?;
        // Before the slice is made: a count past UINT32_MAX is refused without reading.
        JobProgress::files_total_for(count)?;
        *out = JobProgress::from_files(try_slice(files, count)?)?;
        Ok(())
    })
}

/// Whether `f` is non-NULL and counts as transferred: Completed is nonzero, or its size is
/// known and BytesTransferred == BytesTotal.
///
/// # Safety
/// `f` is NULL or points to a valid `BG_FILE_PROGRESS`.
#[no_mangle]
pub unsafe extern "C" fn bg_file_progress_is_transferred(f: *const FileProgress) -> bool {
    catch_panic(false, || try_ref(f).is_ok_and(FileProgress::is_transferred))
}

/// Writes to `*out` the number of bytes to download from a file of `file_size` bytes
/// (`BG_SIZE_UNKNOWN` allowed) when only the `count` ranges at `ranges` are wanted: the size
/// to give to `bg_job_progress_add_file`. No range (`count` 0) means the whole file,
/// `file_size`; a `BG_LENGTH_TO_EOF` range of a file of unknown size makes it
/// `BG_SIZE_UNKNOWN` (`BG_OK`). Errors, in order: `BG_ERR_NULL_POINTER` when `out` is NULL, or
/// `ranges` is NULL with `count > 0`; then, range by range, `BG_ERR_INVALID_RANGE` for a
/// Length of 0, an end past UINT64_MAX, or (size known) a range not inside the file (a
/// `BG_LENGTH_TO_EOF` range must start before its end); then `BG_ERR_OVERLAPPING_RANGES` when
/// two ranges, in any order, share a byte; then `BG_ERR_OVERFLOW` when the sum would reach
/// UINT64_MAX. Takes O(count log count) time and a temporary copy of the ranges; if that
/// cannot be allocated, `BG_ERR_INTERNAL`.
///
/// # Safety
/// `ranges` is NULL or points to `count` valid `BG_FILE_RANGE`; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_file_ranges_total(
    ranges: *const FileRange,
    count: usize,
    file_size: u64,
    out: *mut u64,
) -> bg_result {
    ffi_result(|| {
        let out = try_mut(out)?;
        *out = ranges_total(try_slice(ranges, count)?, file_size)?;
        Ok(())
    })
}

/// Writes to `*out` the percentage of the reply received, exact as for a job; an empty reply
/// (BytesTotal 0) is fully received: 100. Errors, in order: `BG_ERR_NULL_POINTER`;
/// `BG_ERR_BYTES_EXCEED_TOTAL` when BytesTransferred > a known BytesTotal; `BG_ERR_OVERFLOW`
/// when BytesTransferred == UINT64_MAX; `BG_ERR_SIZE_UNKNOWN`.
///
/// # Safety
/// `p` is NULL or points to a valid `BG_JOB_REPLY_PROGRESS`; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_job_reply_progress_percent(
    p: *const ReplyProgress,
    out: *mut u32,
) -> bg_result {
    ffi_result(|| {
        let (p, out) = (try_ref(p)?, try_mut(out)?);
        *out = p.percent()?;
        Ok(())
    })
}
