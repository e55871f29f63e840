//! bg_tracker: the live, thread-safe progress of a job.

use std::alloc::{alloc, Layout};

use bgprogress::{JobProgress, Tracker};

use crate::boundary::{catch_panic, ffi_result, handle, output, release};
use crate::error::bg_result;

/// A live job progress that any number of threads may update and read at once: an opaque
/// handle. Its functions: bg_tracker_new and bg_tracker_free; the updates
/// bg_tracker_add_file, bg_tracker_add_bytes, bg_tracker_complete_file,
/// bg_tracker_resolve_size and bg_tracker_rewind_bytes; the readings bg_tracker_snapshot,
/// bg_tracker_try_snapshot, bg_tracker_rate and bg_tracker_eta.
///
/// Updates follow the rules and errors of the bg_job_progress_* mutators, all or nothing.
/// The tracker also keeps the sum of the known sizes while some file's size is unknown, so
/// bg_tracker_resolve_size can make BytesTotal known again, and it can take bytes back with
/// bg_tracker_rewind_bytes. Every snapshot passes bg_job_progress_validate and is the
/// state after exactly the updates ordered before it, each whole; successive snapshots never
/// go backwards (BytesTransferred drops only by a rewind, file counts never drop, a known
/// BytesTotal never drops); an update that returned BG_OK is in every snapshot taken after
/// it returned.
///
/// Who waits for whom. Readers never take, hold or wait for the writers' lock, and writers
/// never wait for a reader: the tracker keeps two copies behind one sequence number (a
/// latch), and a reader that writers keep beating asks them for the state, which the next
/// update answers. An uncontended update costs one atomic read-modify-write. A writer that
/// cannot get the tracker for a while hands its update to the writer that has it and waits
/// for that writer's commit; no writer starves, however many there are.
///
/// Signals and fork. bg_tracker_snapshot and bg_tracker_try_snapshot are async-signal-safe:
/// they take no lock, allocate nothing and never wait for a writer, so a signal handler may
/// call them whatever tracker call the signal interrupted on its own thread;
/// bg_tracker_try_snapshot also never yields and gives up with BG_ERR_BUSY if other threads
/// keep completing updates through all its tries. A handler must not call an update of a
/// tracker whose update it interrupted: that update may hold the writers' lock, which the
/// handler's update would wait for forever. bg_tracker_rate and bg_tracker_eta take a mutex
/// and are not async-signal-safe. In a child forked from a multi-threaded process, a
/// tracker that another thread was updating may stay held for updates: there, call only
/// the snapshots (and the bg_job_progress_* helpers, which take no lock and, but for
/// bg_file_ranges_total and misaligned arrays, allocate nothing).
///
/// Leaving a call early is the caller's error. A thread that ends inside any bg_* call
/// (pthread_exit from a signal handler, asynchronous cancellation) ends the process: the
/// panic boundary cannot tell glibc's forced unwind from a panic and aborts. longjmp out of
/// a handler that interrupted a tracker call is undefined: an interrupted update may hold
/// the lock for good, or have its pending update on the stack that longjmp discards.
#[allow(non_camel_case_types)]
pub struct bg_tracker {
    inner: Tracker,
}

/// The tracker behind a handle, or BG_ERR_NULL_POINTER.
///
/// # Safety
/// t is NULL or a live tracker from bg_tracker_new.
pub(crate) unsafe fn tracker<'a>(t: *const bg_tracker) -> Result<&'a Tracker, bg_result> {
    handle(t).map(|t| &t.inner)
}

/// A tracker's answer to `question`, written to `*out` (only on success).
///
/// # Safety
/// t is NULL or a live tracker; out is NULL or writable.
unsafe fn ask<U>(
    t: *const bg_tracker,
    out: *mut U,
    question: impl FnOnce(&Tracker) -> Result<U, bgprogress::Error>,
) -> bg_result {
    ffi_result(|| {
        let (t, o) = (tracker(t)?, output(out)?);
        o.put(question(t)?);
        Ok(())
    })
}

/// A new, empty tracker, or NULL if memory cannot be allocated. Release it with
/// bg_tracker_free.
#[no_mangle]
pub extern "C" fn bg_tracker_new() -> *mut bg_tracker {
    catch_panic(std::ptr::null_mut(), || {
        let layout = Layout::new::<bg_tracker>();
        // SAFETY: the layout is not zero-sized; the memory is written before it is returned,
        // and it is what `Box::from_raw` in `bg_tracker_free` expects (global allocator, same
        // layout).
        unsafe {
            let p = alloc(layout).cast::<bg_tracker>();
            if !p.is_null() {
                p.write(bg_tracker {
                    inner: Tracker::new(),
                });
            }
            p
        }
    })
}

/// Releases a tracker from bg_tracker_new. NULL is a no-op. No other call may use t at the
/// same time or afterwards.
///
/// # Safety
/// t is NULL or a tracker from bg_tracker_new not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_free(t: *mut bg_tracker) {
    release(t)
}

/// Adds a file of size bytes, or of unknown size with BG_SIZE_UNKNOWN. Errors, in order:
/// BG_ERR_NULL_POINTER; BG_ERR_TOO_MANY_FILES; BG_ERR_OVERFLOW when the sum of the known
/// sizes would reach UINT64_MAX (that sum is kept even while some size is unknown).
///
/// # Safety
/// t is NULL or a live tracker.
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_add_file(t: *mut bg_tracker, size: u64) -> bg_result {
    ffi_result(|| Ok(tracker(t)?.add_file(size)?))
}

/// Counts n more transferred bytes. Errors, in order: BG_ERR_NULL_POINTER;
/// BG_ERR_OVERFLOW when BytesTransferred would reach UINT64_MAX; BG_ERR_BYTES_EXCEED_TOTAL
/// when it would pass a known BytesTotal.
///
/// # Safety
/// t is NULL or a live tracker.
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_add_bytes(t: *mut bg_tracker, n: u64) -> bg_result {
    ffi_result(|| Ok(tracker(t)?.add_bytes(n)?))
}

/// Counts one more transferred file. Errors: BG_ERR_NULL_POINTER;
/// BG_ERR_FILES_EXCEED_TOTAL when FilesTransferred would pass FilesTotal.
///
/// # Safety
/// t is NULL or a live tracker.
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_complete_file(t: *mut bg_tracker) -> bg_result {
    ffi_result(|| Ok(tracker(t)?.complete_file()?))
}

/// Says that one file added with BG_SIZE_UNKNOWN now has a known size: it joins the known
/// sum, and BytesTotal is known again once no size is pending. Errors, in order:
/// BG_ERR_NULL_POINTER; BG_ERR_SIZE_UNKNOWN when size is BG_SIZE_UNKNOWN;
/// BG_ERR_NO_UNKNOWN_SIZE when no such file is pending; BG_ERR_OVERFLOW when the known sum
/// would reach UINT64_MAX; BG_ERR_BYTES_EXCEED_TOTAL when it resolves the last unknown size
/// and the total would be below BytesTransferred.
///
/// # Safety
/// t is NULL or a live tracker.
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_resolve_size(t: *mut bg_tracker, size: u64) -> bg_result {
    ffi_result(|| Ok(tracker(t)?.resolve_size(size)?))
}

/// Takes back n transferred bytes, for a file that restarts from zero because its remote
/// copy changed. Errors: BG_ERR_NULL_POINTER; BG_ERR_UNDERFLOW when n is more than
/// BytesTransferred.
///
/// # Safety
/// t is NULL or a live tracker.
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_rewind_bytes(t: *mut bg_tracker, n: u64) -> bg_result {
    ffi_result(|| Ok(tracker(t)?.rewind_bytes(n)?))
}

/// Writes a consistent copy of the progress to *out; it always passes
/// bg_job_progress_validate. Error: BG_ERR_NULL_POINTER (for t or out).
///
/// # Safety
/// t is NULL or a live tracker; out is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_snapshot(
    t: *const bg_tracker,
    out: *mut JobProgress,
) -> bg_result {
    ask(t, out, |t| Ok(t.snapshot()))
}

/// Like bg_tracker_snapshot, but bounded: BG_ERR_BUSY when other threads completed
/// updates during each of a bounded number of tries (a few microseconds in all; each try
/// survives one update, so this takes a stream of them). Never yields; async-signal-safe.
/// Errors: BG_ERR_NULL_POINTER (for t or out); BG_ERR_BUSY. *out is written only on BG_OK.
///
/// # Safety
/// t is NULL or a live tracker; out is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_try_snapshot(
    t: *const bg_tracker,
    out: *mut JobProgress,
) -> bg_result {
    ask(t, out, Tracker::try_snapshot)
}

/// Writes to *bytes_per_second the transfer rate: bytes added (rewinds not taken off) per
/// second, the larger of the average since the last believed change of speed and a fading
/// average of the same span that weighs its recent part most. The estimator samples the
/// counts on a fixed 100 ms grid of the tracker's clock, from the looks that bg_tracker_rate
/// and bg_tracker_eta take (so call one of them regularly, as a progress display does; how
/// often does not change the figures beyond interpolating between two looks). A faster link
/// is followed within seconds; a slower one only when the change is at least 1.8x, far out of
/// the link's own swings and sustained for 2 s; noise, dips that recover and gaps (seconds
/// with no byte, or with 2 % of the average or less) are averaged out; through a stall the
/// rate falls slowly but never to 0. Errors: BG_ERR_NULL_POINTER; BG_ERR_NOT_ENOUGH_DATA
/// until a byte was added and at least 100 ms are covered.
///
/// # Safety
/// t is NULL or a live tracker; bytes_per_second is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_rate(
    t: *const bg_tracker,
    bytes_per_second: *mut f64,
) -> bg_result {
    ask(t, bytes_per_second, Tracker::rate)
}

/// Writes to *seconds the estimated time until every byte is in: a countdown (one second
/// less per second) pulled with a 3 s time constant towards the remaining bytes divided by
/// bg_tracker_rate or, when sooner, the time they take if the newest spell of at least 8 s
/// faster than 1.1 times the average lasts as long again and the rest comes at the average;
/// 0.0 when nothing remains. Through a stall it grows but stays finite; when
/// bytes resume after more than 10 s without any, the first second of them counts at the
/// speed from before the stall. Errors, in order: BG_ERR_NULL_POINTER; BG_ERR_SIZE_UNKNOWN
/// while the size is unknown; then those of bg_tracker_rate.
///
/// # Safety
/// t is NULL or a live tracker; seconds is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_eta(t: *const bg_tracker, seconds: *mut f64) -> bg_result {
    ask(t, seconds, Tracker::eta)
}

/// Test-only, in builds with `--cfg bgprogress_force_contended` (not in the header): writes
/// how often each contended path of t ran, in the order of the core's `Tracker::paths`.
///
/// # Safety
/// t is NULL or a live tracker; counts is NULL or 7 writable uint64_t.
#[cfg(bgprogress_force_contended)]
#[no_mangle]
pub unsafe extern "C" fn bg_tracker_paths(
    t: *const bg_tracker,
    counts: *mut [u64; 7],
) -> bg_result {
    ask(t, counts, |t| Ok(t.paths().map(|(_, n)| n)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn snapshot(t: *const bg_tracker) -> JobProgress {
        let mut p = JobProgress::default();
        // SAFETY: t is a live tracker and p is writable.
        assert_eq!(unsafe { bg_tracker_snapshot(t, &mut p) }, bg_result::BG_OK);
        p
    }

    /// A new tracker is empty even in memory a freed one used: bg_tracker_new writes the
    /// whole tracker (a mutant that skipped the write returned the old one's counts).
    #[test]
    fn a_new_tracker_is_empty_even_in_reused_memory() {
        for _ in 0..16 {
            let t = bg_tracker_new();
            assert!(!t.is_null());
            // SAFETY: t is live until bg_tracker_free.
            unsafe {
                assert_eq!(bg_tracker_add_file(t, 1000), bg_result::BG_OK);
                assert_eq!(bg_tracker_add_bytes(t, 600), bg_result::BG_OK);
            }
            assert_eq!(snapshot(t).bytes_transferred, 600);
            // SAFETY: t came from bg_tracker_new and is freed once.
            unsafe { bg_tracker_free(t) };
            let fresh = bg_tracker_new();
            assert!(!fresh.is_null());
            assert_eq!(snapshot(fresh), JobProgress::default());
            // SAFETY: as above.
            unsafe { bg_tracker_free(fresh) };
        }
    }
}
