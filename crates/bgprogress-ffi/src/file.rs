//! BG_FILE_PROGRESS, and a job's progress summed from its files.

use bgprogress::{FileProgress, JobProgress};

use crate::boundary::{catch_panic, ffi_result, output, read, read_slice};
use crate::error::bg_result;

/// Writes to *out the progress of a job made of the count files at files: FilesTotal =
/// count, BytesTotal = the sum of the sizes (BG_SIZE_UNKNOWN when any is unknown),
/// BytesTransferred = the sum of the transferred bytes, FilesTransferred = the number of files
/// for which bg_file_progress_is_transferred holds. Errors, in order: BG_ERR_NULL_POINTER
/// when out is NULL, or files is NULL with count > 0; BG_ERR_TOO_MANY_FILES when
/// count > UINT32_MAX (no file is read); then, file by file, BG_ERR_BYTES_EXCEED_TOTAL for
/// a file with more bytes transferred than its known size, and BG_ERR_OVERFLOW when the
/// transferred sum, or (while every size is known) the size sum, would reach UINT64_MAX.
///
/// # Safety
/// files is NULL or points to count BG_FILE_PROGRESS; out is NULL or writable. Any alignment
/// (a misaligned array is copied first: BG_ERR_INTERNAL if that copy cannot be allocated);
/// out may lie inside the array.
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_from_files(
    files: *const FileProgress,
    count: usize,
    out: *mut JobProgress,
) -> bg_result {
    ffi_result(|| {
        let o = output(out)?;
        if files.is_null() && count > 0 {
            return Err(bg_result::BG_ERR_NULL_POINTER);
        }
        // Before the array is read: a count past UINT32_MAX is refused without reading.
        JobProgress::files_total_for(count)?;
        let sum = JobProgress::from_files(&read_slice(files, count)?)?;
        o.put(sum);
        Ok(())
    })
}

/// Whether f is non-NULL and counts as transferred: Completed is nonzero, or its size is
/// known and BytesTransferred == BytesTotal.
///
/// # Safety
/// f is NULL or points to a BG_FILE_PROGRESS (any alignment).
#[no_mangle]
pub unsafe extern "C" fn bg_file_progress_is_transferred(f: *const FileProgress) -> bool {
    catch_panic(false, || read(f).is_ok_and(|f| f.is_transferred()))
}
