//! Published jobs: a tracker's progress read from other processes (the core's `publish`
//! module has the rules).

use std::ffi::{c_char, c_void};

use bgprogress::{JobProgress, JobView, Publication};

use crate::boundary::{catch_panic, checked, ffi_result, handle, output, release};
use crate::error::bg_result;
use crate::tracker::{bg_tracker, tracker};

/// A publication of a tracker (the publisher's side), from bg_tracker_publish. Opaque.
#[allow(non_camel_case_types)]
pub struct bg_publication {
    inner: Publication,
}

/// A reader's view of a published job, from bg_job_open. Opaque.
#[allow(non_camel_case_types)]
pub struct bg_job_view {
    inner: JobView,
}

/// The state of a published job: BITS's BG_JOB_STATE values. A job is published as
/// BG_JOB_STATE_TRANSFERRING; bg_publication_set_state changes it.
pub const BG_JOB_STATE_QUEUED: u32 = 0;
/// See BG_JOB_STATE_QUEUED.
pub const BG_JOB_STATE_CONNECTING: u32 = 1;
/// See BG_JOB_STATE_QUEUED.
pub const BG_JOB_STATE_TRANSFERRING: u32 = 2;
/// See BG_JOB_STATE_QUEUED.
pub const BG_JOB_STATE_SUSPENDED: u32 = 3;
/// See BG_JOB_STATE_QUEUED.
pub const BG_JOB_STATE_ERROR: u32 = 4;
/// See BG_JOB_STATE_QUEUED.
pub const BG_JOB_STATE_TRANSIENT_ERROR: u32 = 5;
/// See BG_JOB_STATE_QUEUED.
pub const BG_JOB_STATE_TRANSFERRED: u32 = 6;
/// See BG_JOB_STATE_QUEUED.
pub const BG_JOB_STATE_ACKNOWLEDGED: u32 = 7;
/// See BG_JOB_STATE_QUEUED. The highest state.
pub const BG_JOB_STATE_CANCELLED: u32 = 8;

/// Called by bg_jobs_list with each name and the caller's context; returning false stops the
/// walk.
#[allow(non_camel_case_types)]
pub type bg_job_name_fn =
    Option<unsafe extern "C" fn(name: *const c_char, context: *mut c_void) -> bool>;

/// A name from C: NULL is BG_ERR_NULL_POINTER, bytes that are no job name BG_ERR_INVALID_NAME.
///
/// # Safety
/// p is NULL or points to a NUL-terminated string (only its first NAME_MAX + 1 bytes are
/// read when it is longer).
unsafe fn name<'a>(p: *const c_char) -> Result<&'a str, bg_result> {
    let p = checked(p)?.cast::<u8>();
    // A name is at most NAME_MAX bytes: look no further than the byte after them for its end.
    let mut len = 0;
    while len <= bgprogress::publish::NAME_MAX && *p.add(len) != 0 {
        len += 1;
    }
    name_text(std::slice::from_raw_parts(p, len))
}

/// The bytes before a name's NUL (NAME_MAX + 1 of them when none came sooner) as text:
/// BG_ERR_INVALID_NAME when too long or not UTF-8. The name rules themselves are the core's,
/// applied by the call that takes the name.
fn name_text(bytes: &[u8]) -> Result<&str, bg_result> {
    if bytes.len() > bgprogress::publish::NAME_MAX {
        return Err(bg_result::BG_ERR_INVALID_NAME);
    }
    std::str::from_utf8(bytes).map_err(|_| bg_result::BG_ERR_INVALID_NAME)
}

unsafe fn view<'a>(v: *const bg_job_view) -> Result<&'a JobView, bg_result> {
    handle(v).map(|v| &v.inner)
}

/// Publishes t under name for the user's other processes: its state now, then every
/// committed update, written by the committing writer as part of the commit (no thread is
/// started). The job file is NAME.job in the user's jobs directory: $BGPROGRESS_DIR when set,
/// else $XDG_RUNTIME_DIR/bgprogress, else /tmp/bgprogress-UID, created with mode 0700; the
/// file is created exclusively with mode 0600 (on Windows: %BGPROGRESS_DIR%, else
/// %LOCALAPPDATA%\bgprogress, else the temporary directory's bgprogress; their ACLs decide
/// who may read). The state starts as BG_JOB_STATE_TRANSFERRING.
/// On BG_OK *out is a publication to close with bg_publication_close (bg_tracker_free closes
/// it too; the bg_publication must still be closed). Errors, in order: BG_ERR_NULL_POINTER;
/// BG_ERR_INVALID_NAME (1 to 64 bytes of A-Z a-z 0-9 . _ -, not starting with .);
/// BG_ERR_PERMISSION when the directory, or what is at the name, is a symbolic link (on
/// Windows any reparse point) or, on Unix, another user's or writable by group or others;
/// BG_ERR_EXISTS when a live publisher holds the name (a stale one is replaced) or t is
/// published already; BG_ERR_IO (bg_last_os_error says why; on systems other than Unix and
/// Windows, always). *out is written only on BG_OK.
///
/// A publisher's job file must not be truncated by another process while it is published:
/// the publisher writes it through a shared mapping.
///
/// # Safety
/// t is NULL or a live tracker; name is NULL or a NUL-terminated string; out is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_publish(
    t: *mut bg_tracker,
    name: *const c_char,
    out: *mut *mut bg_publication,
) -> bg_result {
    ffi_result(|| {
        let (t, name, o) = (tracker(t)?, self::name(name)?, output(out)?);
        let inner = t.publish(name)?;
        o.put(Box::into_raw(Box::new(bg_publication { inner })));
        Ok(())
    })
}

/// Sets the published job's state (BG_JOB_STATE_*) and publishes it at once. After the
/// tracker was freed it changes nothing and returns BG_OK. Errors: BG_ERR_NULL_POINTER;
/// BG_ERR_INVALID_STATE above BG_JOB_STATE_CANCELLED (8).
///
/// # Safety
/// p is NULL or a live publication.
#[no_mangle]
pub unsafe extern "C" fn bg_publication_set_state(
    p: *const bg_publication,
    state: u32,
) -> bg_result {
    ffi_result(|| {
        let p = p.as_ref().ok_or(bg_result::BG_ERR_NULL_POINTER)?;
        Ok(p.inner.set_state(state)?)
    })
}

/// Removes the name (new bg_job_open calls answer BG_ERR_NOT_FOUND; views already open keep
/// reading the last state, marked closed) and releases p. NULL is a no-op.
///
/// # Safety
/// p is NULL or a publication from bg_tracker_publish not yet closed.
#[no_mangle]
pub unsafe extern "C" fn bg_publication_close(p: *mut bg_publication) {
    release(p)
}

/// Opens the published job name of the user's jobs directory for reading. On BG_OK *out is a
/// view to release with bg_job_close. Errors, in order: BG_ERR_NULL_POINTER;
/// BG_ERR_INVALID_NAME; BG_ERR_PERMISSION (the directory or the job file is another user's,
/// writable by group or others, or a symbolic link); BG_ERR_NOT_FOUND; BG_ERR_CORRUPT when it
/// is no job file of this library's layout (not a regular file, too short, another layout
/// version or byte order, no whole valid state); BG_ERR_IO. *out is written only on BG_OK.
///
/// # Safety
/// name is NULL or a NUL-terminated string; out is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_job_open(name: *const c_char, out: *mut *mut bg_job_view) -> bg_result {
    ffi_result(|| {
        let (name, o) = (self::name(name)?, output(out)?);
        let inner = JobView::open(name)?;
        o.put(Box::into_raw(Box::new(bg_job_view { inner })));
        Ok(())
    })
}

/// Writes the job's progress to *progress and its state (BG_JOB_STATE_*) to *state: with the
/// guarantees of bg_tracker_snapshot (valid, never torn, never older than an earlier read of
/// v). It never waits for the publisher, even one stopped or killed in the middle of an
/// update. The file is read with pread, never mapped: a file truncated or changed under the
/// reader gives BG_ERR_CORRUPT or the view's last state, never SIGBUS, a crash or a hang.
/// Errors: BG_ERR_NULL_POINTER (v, progress or state); BG_ERR_CORRUPT when the file's header
/// no longer passes; BG_ERR_IO. Nothing is written on error.
///
/// # Safety
/// v is NULL or a live view; progress and state are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_job_read(
    v: *const bg_job_view,
    progress: *mut JobProgress,
    state: *mut u32,
) -> bg_result {
    ffi_result(|| {
        let (v, p, s) = (view(v)?, output(progress)?, output(state)?);
        let (job, st) = v.read()?;
        p.put(job);
        s.put(st);
        Ok(())
    })
}

/// Writes the job's rate to *bytes_per_second: the tracker's estimator (bg_tracker_rate's
/// rules and errors) fed by v's own reads, so a view needs 100 ms of its looks for a rate.
/// Errors: BG_ERR_NULL_POINTER; those of bg_job_read; BG_ERR_NOT_ENOUGH_DATA.
///
/// # Safety
/// v is NULL or a live view; bytes_per_second is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_job_rate(
    v: *const bg_job_view,
    bytes_per_second: *mut f64,
) -> bg_result {
    ffi_result(|| {
        let (v, o) = (view(v)?, output(bytes_per_second)?);
        o.put(v.rate()?);
        Ok(())
    })
}

/// Writes the job's ETA in seconds to *seconds: bg_tracker_eta's estimator and errors, fed by
/// v's reads. Errors: BG_ERR_NULL_POINTER; those of bg_job_read; BG_ERR_SIZE_UNKNOWN;
/// BG_ERR_NOT_ENOUGH_DATA.
///
/// # Safety
/// v is NULL or a live view; seconds is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_job_eta(v: *const bg_job_view, seconds: *mut f64) -> bg_result {
    ffi_result(|| {
        let (v, o) = (view(v)?, output(seconds)?);
        o.put(v.eta()?);
        Ok(())
    })
}

/// Writes whether the job is stale to *stale: its publisher has ended (its process id is gone,
/// or belongs to a process that started at another time). A stale job still reads its last
/// state; bg_jobs_prune removes it. Also writes *closed, when closed is not NULL: whether the
/// publication was closed, as of the last read. Error: BG_ERR_NULL_POINTER (v or stale).
///
/// # Safety
/// v is NULL or a live view; stale is NULL or writable; closed is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_job_status(
    v: *const bg_job_view,
    stale: *mut bool,
    closed: *mut bool,
) -> bg_result {
    ffi_result(|| {
        let (v, s) = (view(v)?, output(stale)?);
        s.put(v.is_stale());
        if let Ok(c) = output(closed) {
            c.put(v.is_closed());
        }
        Ok(())
    })
}

/// Writes the publisher's process id to *pid. Error: BG_ERR_NULL_POINTER.
///
/// # Safety
/// v is NULL or a live view; pid is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_job_owner_pid(v: *const bg_job_view, pid: *mut u64) -> bg_result {
    ffi_result(|| {
        let (v, o) = (view(v)?, output(pid)?);
        o.put(v.owner_pid());
        Ok(())
    })
}

/// Releases a view from bg_job_open. NULL is a no-op.
///
/// # Safety
/// v is NULL or a view from bg_job_open not yet closed.
#[no_mangle]
pub unsafe extern "C" fn bg_job_close(v: *mut bg_job_view) {
    release(v)
}

/// Calls fn with each published job's name (stale ones included, sorted) and context, until
/// fn returns false. The name is valid during the call only. Errors: BG_ERR_NULL_POINTER (fn);
/// BG_ERR_PERMISSION for the jobs directory; BG_ERR_IO.
///
/// # Safety
/// fn is NULL or a function that may be called with a name and context.
#[no_mangle]
pub unsafe extern "C" fn bg_jobs_list(f: bg_job_name_fn, context: *mut c_void) -> bg_result {
    ffi_result(|| {
        let f = f.ok_or(bg_result::BG_ERR_NULL_POINTER)?;
        for name in bgprogress::jobs()? {
            let c = std::ffi::CString::new(name).map_err(|_| bg_result::BG_ERR_INTERNAL)?;
            if !f(c.as_ptr(), context) {
                break;
            }
        }
        Ok(())
    })
}

/// Removes the stale jobs (their publishers ended) and writes how many to *removed (when not
/// NULL). Job files that cannot be read as such are left alone. Errors: BG_ERR_PERMISSION for
/// the jobs directory; BG_ERR_IO.
///
/// # Safety
/// removed is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_jobs_prune(removed: *mut u32) -> bg_result {
    ffi_result(|| {
        let n = bgprogress::prune()?;
        if let Ok(o) = output(removed) {
            o.put(n);
        }
        Ok(())
    })
}

/// The operating system's error code (errno; on Windows GetLastError) behind the last
/// BG_ERR_IO that this thread got from a published-jobs function; 0 when there was none.
#[no_mangle]
pub extern "C" fn bg_last_os_error() -> i32 {
    catch_panic(0, bgprogress::last_os_error)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn names_are_at_most_name_max_bytes_of_utf8() {
        let max = bgprogress::publish::NAME_MAX;
        let long = "a".repeat(max + 1);
        assert_eq!(name_text(&long.as_bytes()[..max]), Ok(&long[..max]));
        assert_eq!(
            name_text(long.as_bytes()),
            Err(bg_result::BG_ERR_INVALID_NAME)
        );
        assert_eq!(name_text(b"caf\xe9"), Err(bg_result::BG_ERR_INVALID_NAME));
        assert_eq!(name_text(b""), Ok(""));
        // Through the C path: the scan stops at the NUL, or one byte past NAME_MAX.
        let c = std::ffi::CString::new(long.clone()).unwrap_or_default();
        assert_eq!(
            unsafe { name(c.as_ptr()) },
            Err(bg_result::BG_ERR_INVALID_NAME)
        );
        let c = std::ffi::CString::new(&long[..max]).unwrap_or_default();
        assert_eq!(unsafe { name(c.as_ptr()) }, Ok(&long[..max]));
        assert_eq!(
            unsafe { name(std::ptr::null()) },
            Err(bg_result::BG_ERR_NULL_POINTER)
        );
    }
}
