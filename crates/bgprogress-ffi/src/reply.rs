//! BG_JOB_REPLY_PROGRESS: the reply of an upload-reply job.

use bgprogress::ReplyProgress;

use crate::boundary::answer;
use crate::error::bg_result;

/// Writes to *out the percentage of the reply received, exact as for a job; an empty reply
/// (BytesTotal 0) is fully received: 100. Errors, in order: BG_ERR_NULL_POINTER;
/// BG_ERR_BYTES_EXCEED_TOTAL when BytesTransferred > a known BytesTotal; BG_ERR_OVERFLOW
/// when BytesTransferred == UINT64_MAX; BG_ERR_SIZE_UNKNOWN.
///
/// # Safety
/// p is NULL or points to a BG_JOB_REPLY_PROGRESS; out is NULL or writable. Any alignment;
/// out may overlap *p.
#[no_mangle]
pub unsafe extern "C" fn bg_job_reply_progress_percent(
    p: *const ReplyProgress,
    out: *mut u32,
) -> bg_result {
    answer(p, out, ReplyProgress::percent)
}
