//! Every exported function called through raw pointers, as C calls it: outputs that alias
//! inputs, structs and arrays at odd addresses, a buffer one past the end with `len == 0`,
//! and NULL. Run by `cargo test`, and by `make miri` under Miri with both Stacked Borrows and
//! Tree Borrows, which report any undefined behaviour these calls would have.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::ffi::{c_char, CStr};
use std::mem::{size_of, MaybeUninit};
use std::ptr::{addr_of_mut, null, null_mut};

use bgprogress::{FileProgress, FileRange, JobProgress, ReplyProgress, SIZE_UNKNOWN};
use bgprogress_ffi::*;

/// Bytes with room for `N` bytes at an odd address (offset 1 of an 8-aligned buffer).
#[repr(C, align(8))]
struct Odd<const N: usize>([u8; N]);

impl<const N: usize> Odd<N> {
    fn new() -> Self {
        Odd([0; N])
    }
    /// A pointer to offset 1, cast to `T`: misaligned for any `T` aligned above 1.
    fn at<T>(&mut self) -> *mut T {
        assert!(size_of::<T>() < N);
        unsafe { self.0.as_mut_ptr().add(1).cast() }
    }
    /// Stores `values` at offset 1 and returns the misaligned pointer to them.
    fn holding<T: Copy>(&mut self, values: &[T]) -> *mut T {
        assert!(size_of_val(values) < N);
        let p: *mut T = self.at();
        for (i, v) in values.iter().enumerate() {
            unsafe { p.add(i).write_unaligned(*v) };
        }
        p
    }
}

fn text(buf: &[c_char]) -> String {
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

#[test]
fn job_functions_with_aliasing_outputs() {
    let job = JobProgress::new(4 << 30, 3 << 29, 2, 1);
    let mut expect = [0 as c_char; FORMAT_BUFFER_SIZE];
    let len = unsafe { bg_job_progress_format(&job, expect.as_mut_ptr(), expect.len()) };

    // The struct's own bytes as the text buffer.
    let mut j = MaybeUninit::new(job);
    let p = j.as_mut_ptr();
    let n = unsafe { bg_job_progress_format(p, p.cast(), size_of::<JobProgress>()) };
    assert_eq!(n, len);
    let got = unsafe { CStr::from_ptr(p.cast::<c_char>()) }
        .to_string_lossy()
        .into_owned();
    assert_eq!(got, text(&expect)[..size_of::<JobProgress>() - 1]);

    // Outputs written over the struct they read.
    let mut j = MaybeUninit::new(job);
    let p = j.as_mut_ptr();
    assert_eq!(
        unsafe { bg_job_progress_percent(p, p.cast()) },
        bg_result::BG_OK
    );
    assert_eq!(unsafe { p.cast::<u32>().read() }, job.percent().unwrap());
    let mut j = MaybeUninit::new(job);
    let p = j.as_mut_ptr();
    assert_eq!(
        unsafe { bg_job_progress_fraction(p, p.cast()) },
        bg_result::BG_OK
    );
    assert_eq!(unsafe { p.cast::<f64>().read() }, job.fraction().unwrap());
    let mut j = MaybeUninit::new(job);
    let p = j.as_mut_ptr();
    let field = unsafe { addr_of_mut!((*p).bytes_transferred) };
    assert_eq!(
        unsafe { bg_job_progress_remaining_bytes(p, field) },
        bg_result::BG_OK
    );
    assert_eq!(unsafe { field.read() }, job.remaining_bytes().unwrap());
}

#[test]
fn job_functions_at_odd_addresses() {
    let job = JobProgress::new(300, 100, 3, 1);
    let mut odd = Odd::<64>::new();
    let p = odd.holding(&[job]);
    let mut out = Odd::<16>::new();
    unsafe {
        assert_eq!(bg_job_progress_validate(p), bg_result::BG_OK);
        assert!(bg_job_progress_is_size_known(p));
        assert!(!bg_job_progress_is_complete(p));
        assert_eq!(bg_job_progress_percent(p, out.at()), bg_result::BG_OK);
        assert_eq!(out.at::<u32>().read_unaligned(), 33);
        assert_eq!(bg_job_progress_fraction(p, out.at()), bg_result::BG_OK);
        assert_eq!(
            bg_job_progress_remaining_bytes(p, out.at()),
            bg_result::BG_OK
        );
        assert_eq!(out.at::<u64>().read_unaligned(), 200);
        assert_eq!(bg_job_progress_add_file(p, 100), bg_result::BG_OK);
        assert_eq!(bg_job_progress_add_bytes(p, 50), bg_result::BG_OK);
        assert_eq!(bg_job_progress_complete_file(p), bg_result::BG_OK);
        assert_eq!(
            bg_job_progress_add_bytes(p, 1000),
            bg_result::BG_ERR_BYTES_EXCEED_TOTAL
        );
        assert_eq!(p.read_unaligned(), JobProgress::new(400, 150, 4, 2));
        let mut buf = [0 as c_char; 64];
        bg_job_progress_format(p, buf.as_mut_ptr(), buf.len());
        assert_eq!(text(&buf), "150 B of 400 B (37%), 2 of 4 files");
        // The text buffer at an odd address too (bytes have no alignment, but still).
        let n = bg_job_progress_format(p, p.cast::<c_char>().add(29), 20);
        assert_eq!(n, 34);
    }
}

#[test]
fn buffers_one_past_the_end_and_nulls() {
    let job = JobProgress::new(100, 50, 1, 0);
    let mut buf = [b'x' as c_char; 16];
    unsafe {
        let end = buf.as_mut_ptr().add(buf.len());
        assert_eq!(bg_job_progress_format(&job, end, 0), 33);
        assert_eq!(bg_job_progress_format(&job, null_mut(), 0), 33);
        assert_eq!(bg_job_progress_format(&job, null_mut(), 10), 33);
        assert_eq!(
            bg_job_progress_format(null(), buf.as_mut_ptr(), buf.len()),
            6
        );
        assert_eq!(text(&buf), "(null)");
        let mut out = 7u32;
        assert_eq!(
            bg_job_progress_percent(null(), &mut out),
            bg_result::BG_ERR_NULL_POINTER
        );
        assert_eq!(
            bg_job_progress_percent(&job, null_mut()),
            bg_result::BG_ERR_NULL_POINTER
        );
        assert_eq!(
            bg_job_progress_add_bytes(null_mut(), 1),
            bg_result::BG_ERR_NULL_POINTER
        );
        assert_eq!(
            bg_job_progress_from_files(null(), 0, null_mut()),
            bg_result::BG_ERR_NULL_POINTER
        );
        let mut sum = JobProgress::new(1, 1, 1, 1);
        assert_eq!(
            bg_job_progress_from_files(null(), 0, &mut sum),
            bg_result::BG_OK
        );
        assert_eq!(sum, JobProgress::default());
        // An empty array one past the end of another.
        let files = [FileProgress::new(1, 1, true)];
        assert_eq!(
            bg_job_progress_from_files(files.as_ptr().add(1), 0, &mut sum),
            bg_result::BG_OK
        );
        let ranges = [FileRange::new(0, 1)];
        let mut total = 0u64;
        assert_eq!(
            bg_file_ranges_total(ranges.as_ptr().add(1), 0, 9, &mut total),
            bg_result::BG_OK
        );
        assert_eq!(total, 9);
        assert_eq!(
            bg_file_ranges_total(null(), 1, 9, &mut total),
            bg_result::BG_ERR_NULL_POINTER
        );
        assert!(!bg_file_progress_is_transferred(null()));
        assert_eq!(
            bg_job_reply_progress_percent(null(), &mut out),
            bg_result::BG_ERR_NULL_POINTER
        );
        assert_eq!(out, 7);
        assert!(!bg_result_message(99).is_null());
        assert!(!bg_version().is_null());
    }
}

#[test]
fn arrays_aliased_and_at_odd_addresses() {
    let files = [
        FileProgress::new(100, 100, true),
        FileProgress::new(200, 50, false),
        FileProgress::new(SIZE_UNKNOWN, 7, false),
    ];
    let want = JobProgress::from_files(&files).unwrap();
    unsafe {
        // The output inside the array it reads.
        let mut copy = files;
        let out = copy.as_mut_ptr().add(1).cast::<JobProgress>();
        assert_eq!(
            bg_job_progress_from_files(copy.as_ptr(), 3, out),
            bg_result::BG_OK
        );
        assert_eq!(out.read_unaligned(), want);
        // The array and the output at odd addresses.
        let mut odd = Odd::<128>::new();
        let p = odd.holding(&files);
        let mut out = Odd::<32>::new();
        assert_eq!(bg_job_progress_from_files(p, 3, out.at()), bg_result::BG_OK);
        assert_eq!(out.at::<JobProgress>().read_unaligned(), want);
        assert!(bg_file_progress_is_transferred(p));

        let ranges = [FileRange::new(0, 10), FileRange::new(100, 20)];
        let mut copy = ranges;
        let out = addr_of_mut!(copy[1].length);
        assert_eq!(
            bg_file_ranges_total(copy.as_ptr(), 2, 1000, out),
            bg_result::BG_OK
        );
        assert_eq!(out.read(), 30);
        let mut odd = Odd::<64>::new();
        let p = odd.holding(&ranges);
        let mut out = Odd::<16>::new();
        assert_eq!(bg_file_ranges_total(p, 2, 1000, out.at()), bg_result::BG_OK);
        assert_eq!(out.at::<u64>().read_unaligned(), 30);

        let mut reply = MaybeUninit::new(ReplyProgress::new(200, 50));
        let r = reply.as_mut_ptr();
        assert_eq!(bg_job_reply_progress_percent(r, r.cast()), bg_result::BG_OK);
        assert_eq!(r.cast::<u32>().read(), 25);
    }
}

/// A tracker handle that threads share, as C threads share the pointer.
#[derive(Clone, Copy)]
struct Handle(*mut bg_tracker);
// SAFETY: the tracker is Sync; the handle is only a pointer to it.
unsafe impl Send for Handle {}

#[test]
fn tracker_from_a_few_threads() {
    let t = bg_tracker_new();
    assert!(!t.is_null());
    let handle = Handle(t);
    unsafe { assert_eq!(bg_tracker_add_file(t, SIZE_UNKNOWN), bg_result::BG_OK) };
    let writers: Vec<_> = (0..3)
        .map(|_| {
            std::thread::spawn(move || {
                let t = { handle }.0;
                for _ in 0..20 {
                    unsafe {
                        assert_eq!(bg_tracker_add_bytes(t, 3), bg_result::BG_OK);
                    }
                }
                unsafe { assert_eq!(bg_tracker_add_file(t, 10), bg_result::BG_OK) };
            })
        })
        .collect();
    let reader = std::thread::spawn(move || {
        let t = { handle }.0.cast_const();
        let mut odd = Odd::<32>::new();
        for _ in 0..20 {
            unsafe {
                assert_eq!(bg_tracker_snapshot(t, odd.at()), bg_result::BG_OK);
                let p = odd.at::<JobProgress>().read_unaligned();
                assert_eq!(p.validate(), Ok(()));
                match bg_tracker_try_snapshot(t, odd.at()) {
                    bg_result::BG_OK | bg_result::BG_ERR_BUSY => {}
                    other => panic!("{other:?}"),
                }
            }
        }
    });
    for w in writers {
        w.join().unwrap();
    }
    reader.join().unwrap();
    unsafe {
        let mut p = JobProgress::default();
        assert_eq!(bg_tracker_snapshot(t, &mut p), bg_result::BG_OK);
        assert_eq!(p, JobProgress::new(SIZE_UNKNOWN, 180, 4, 0));
        assert_eq!(bg_tracker_resolve_size(t, 150), bg_result::BG_OK);
        assert_eq!(bg_tracker_rewind_bytes(t, 1), bg_result::BG_OK);
        assert_eq!(bg_tracker_complete_file(t), bg_result::BG_OK);
        let mut rate = -1.0;
        let r = bg_tracker_rate(t, &mut rate);
        assert!(r == bg_result::BG_OK || r == bg_result::BG_ERR_NOT_ENOUGH_DATA);
        let mut eta = -1.0;
        let r = bg_tracker_eta(t, &mut eta);
        assert!(r == bg_result::BG_OK || r == bg_result::BG_ERR_NOT_ENOUGH_DATA);
        assert_eq!(
            bg_tracker_snapshot(null(), &mut p),
            bg_result::BG_ERR_NULL_POINTER
        );
        bg_tracker_free(t);
        bg_tracker_free(null_mut());
    }
}
