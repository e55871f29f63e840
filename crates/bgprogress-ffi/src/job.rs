//! bg_job_progress_*: reading and changing a BG_JOB_PROGRESS.

use std::ffi::c_char;

use bgprogress::JobProgress;

use crate::boundary::{answer, catch_panic, ffi_result, output, read, text_buffer};
use crate::error::bg_result;
use crate::format::{format_to_buffer, FORMAT_BUFFER_SIZE};

/// Checks that *p is consistent. Returns, checked in this order: BG_ERR_NULL_POINTER;
/// BG_ERR_BYTES_EXCEED_TOTAL when the size is known and BytesTransferred > BytesTotal;
/// BG_ERR_OVERFLOW when BytesTransferred == UINT64_MAX; BG_ERR_FILES_EXCEED_TOTAL when
/// FilesTransferred > FilesTotal; else BG_OK.
///
/// # Safety
/// p is NULL or points to a BG_JOB_PROGRESS (at any alignment).
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_validate(p: *const JobProgress) -> bg_result {
    ffi_result(|| Ok(read(p)?.validate()?))
}

/// Whether p is non-NULL and its BytesTotal is not BG_SIZE_UNKNOWN.
///
/// # Safety
/// p is NULL or points to a BG_JOB_PROGRESS (at any alignment).
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_is_size_known(p: *const JobProgress) -> bool {
    catch_panic(false, || read(p).is_ok_and(|p| p.is_size_known()))
}

/// Whether p is non-NULL, valid, has at least one file, every file is transferred, the size
/// is known and every byte is transferred.
///
/// # Safety
/// p is NULL or points to a BG_JOB_PROGRESS (at any alignment).
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_is_complete(p: *const JobProgress) -> bool {
    catch_panic(false, || read(p).is_ok_and(|p| p.is_complete()))
}

/// Writes to *out the percentage done, floor(BytesTransferred × 100 / BytesTotal) computed
/// exactly (100 only when every byte is in, even near UINT64_MAX). When BytesTotal is 0 it
/// counts files instead: floor(FilesTransferred × 100 / FilesTotal), 0 when FilesTotal is 0.
/// Errors: BG_ERR_NULL_POINTER, those of bg_job_progress_validate, then BG_ERR_SIZE_UNKNOWN.
/// *out is written only on BG_OK.
///
/// # Safety
/// p is NULL or points to a BG_JOB_PROGRESS; out is NULL or writable. Any alignment; out may
/// overlap *p.
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_percent(
    p: *const JobProgress,
    out: *mut u32,
) -> bg_result {
    answer(p, out, JobProgress::percent)
}

/// Writes to *out the fraction done in [0.0, 1.0], on the same basis and with the same errors
/// as bg_job_progress_percent: 1.0 only when the basis is complete, above 0.0 as soon as its
/// numerator is above 0 (never rounded to an end, even near UINT64_MAX).
///
/// # Safety
/// p is NULL or points to a BG_JOB_PROGRESS; out is NULL or writable. Any alignment; out may
/// overlap *p.
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_fraction(
    p: *const JobProgress,
    out: *mut f64,
) -> bg_result {
    answer(p, out, JobProgress::fraction)
}

/// Writes to *out the bytes still to transfer, BytesTotal − BytesTransferred. Errors:
/// BG_ERR_NULL_POINTER, those of bg_job_progress_validate, then BG_ERR_SIZE_UNKNOWN.
///
/// # Safety
/// p is NULL or points to a BG_JOB_PROGRESS; out is NULL or writable. Any alignment; out may
/// overlap *p.
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_remaining_bytes(
    p: *const JobProgress,
    out: *mut u64,
) -> bg_result {
    answer(p, out, JobProgress::remaining_bytes)
}

/// Writes a line of text describing *p into buf, with the snprintf contract: returns the
/// length of the whole text (without its NUL), writes at most len bytes, NUL included, and
/// always NUL-terminates when len > 0; buf may be NULL when len is 0 (a NULL buf is never
/// written). A buffer of BG_FORMAT_BUFFER_SIZE bytes always holds the whole text.
///
/// The text: "1.50 MiB of 3.00 MiB (50%), 1 of 2 files" when the size is known;
/// "1.50 MiB of unknown size, 1 of 2 files" when not; for an invalid struct the figures
/// without a percentage followed by " \[invalid: REASON\]", REASON being the
/// bg_result_message of its error; "(null)" for a NULL p. Sizes below 1024 are "N B",
/// others KiB to EiB truncated to two decimals.
///
/// # Safety
/// p is NULL or points to a BG_JOB_PROGRESS (any alignment); buf is NULL or has len writable
/// bytes. buf may overlap *p: *p is read before anything is written.
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_format(
    p: *const JobProgress,
    buf: *mut c_char,
    len: usize,
) -> usize {
    catch_panic(0, || {
        let job = read(p);
        // The text always fits in BG_FORMAT_BUFFER_SIZE bytes: no larger slice is needed.
        let buf = text_buffer(buf, len, FORMAT_BUFFER_SIZE);
        match job {
            Ok(job) => format_to_buffer(&job, buf),
            Err(_) => format_to_buffer(&"(null)", buf),
        }
    })
}

/// Applies `rule` to a copy of *p and writes the copy back only when the rule succeeds.
///
/// # Safety
/// p is NULL or points to a readable and writable BG_JOB_PROGRESS (any alignment).
unsafe fn change(
    p: *mut JobProgress,
    rule: impl FnOnce(&mut JobProgress) -> Result<(), bgprogress::Error>,
) -> bg_result {
    ffi_result(|| {
        let mut job = read(p)?;
        rule(&mut job)?;
        output(p)?.put(job);
        Ok(())
    })
}

/// Adds one file of size bytes (BG_SIZE_UNKNOWN when not known) to *p, all or nothing.
/// Errors, in order: BG_ERR_NULL_POINTER; those of bg_job_progress_validate;
/// BG_ERR_TOO_MANY_FILES past UINT32_MAX files; BG_ERR_OVERFLOW when the known total would
/// reach UINT64_MAX. A file of unknown size, or an unknown total, makes BytesTotal
/// BG_SIZE_UNKNOWN (for good: use a bg_tracker to resolve sizes later).
///
/// # Safety
/// p is NULL or points to a writable BG_JOB_PROGRESS (any alignment).
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_add_file(p: *mut JobProgress, size: u64) -> bg_result {
    change(p, |job| job.add_file(size))
}

/// Counts n more transferred bytes in *p, all or nothing. Errors, in order:
/// BG_ERR_NULL_POINTER; those of bg_job_progress_validate; BG_ERR_OVERFLOW when
/// BytesTransferred would reach UINT64_MAX; BG_ERR_BYTES_EXCEED_TOTAL when it would pass a
/// known BytesTotal.
///
/// # Safety
/// p is NULL or points to a writable BG_JOB_PROGRESS (any alignment).
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_add_bytes(p: *mut JobProgress, n: u64) -> bg_result {
    change(p, |job| job.add_bytes(n))
}

/// Counts one more transferred file in *p, all or nothing. Errors, in order:
/// BG_ERR_NULL_POINTER; those of bg_job_progress_validate; BG_ERR_FILES_EXCEED_TOTAL when
/// FilesTransferred would pass FilesTotal.
///
/// # Safety
/// p is NULL or points to a writable BG_JOB_PROGRESS (any alignment).
#[no_mangle]
pub unsafe extern "C" fn bg_job_progress_complete_file(p: *mut JobProgress) -> bg_result {
    change(p, JobProgress::complete_file)
}
