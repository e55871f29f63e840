//! Feeds arbitrary bytes as structs and arguments to every C helper: nothing may crash, and
//! every error must leave its struct as it was.
#![no_main]

use bgprogress::{FileProgress, FileRange, JobProgress, ReplyProgress};
use bgprogress_ffi::*;
use libfuzzer_sys::fuzz_target;

/// Reads little-endian u64s from the input, then zeros.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn u64(&mut self) -> u64 {
        let (head, rest) = self.0.split_at(self.0.len().min(8));
        self.0 = rest;
        let mut bytes = [0u8; 8];
        bytes[..head.len()].copy_from_slice(head);
        u64::from_le_bytes(bytes)
    }
    fn job(&mut self) -> JobProgress {
        let (a, b, c) = (self.u64(), self.u64(), self.u64());
        JobProgress::new(a, b, c as u32, (c >> 32) as u32)
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let job = input.job();
    let arg = input.u64();
    unsafe {
        let mut out32 = 0u32;
        let mut out64 = 0u64;
        let mut outf = 0.0f64;
        bg_job_progress_validate(&job);
        bg_job_progress_is_size_known(&job);
        bg_job_progress_is_complete(&job);
        bg_job_progress_percent(&job, &mut out32);
        if bg_job_progress_fraction(&job, &mut outf) == bg_result::BG_OK {
            assert!((0.0..=1.0).contains(&outf));
        }
        bg_job_progress_remaining_bytes(&job, &mut out64);
        let mut buf = [0 as std::ffi::c_char; 96];
        let len = bg_job_progress_format(&job, buf.as_mut_ptr(), (arg % 97) as usize);
        assert_eq!(len, job.to_string().len());

        type Mutator = unsafe extern "C" fn(*mut JobProgress, u64) -> bg_result;
        for f in [
            bg_job_progress_add_file as Mutator,
            bg_job_progress_add_bytes,
        ] {
            let mut changed = job;
            if f(&mut changed, arg) != bg_result::BG_OK {
                assert_eq!(changed, job);
            } else {
                assert_eq!(changed.validate(), Ok(()));
            }
        }
        let mut changed = job;
        if bg_job_progress_complete_file(&mut changed) != bg_result::BG_OK {
            assert_eq!(changed, job);
        }

        let mut files = Vec::new();
        let mut ranges = Vec::new();
        while !input.0.is_empty() && files.len() < 64 {
            let (t, b, c) = (input.u64(), input.u64(), input.u64());
            files.push(FileProgress {
                bytes_total: t,
                bytes_transferred: b,
                completed: c as i32,
            });
            ranges.push(FileRange::new(t, b));
        }
        let mut out = job;
        if bg_job_progress_from_files(files.as_ptr(), files.len(), &mut out) == bg_result::BG_OK {
            assert_eq!(out.validate(), Ok(()));
        } else {
            assert_eq!(out, job);
        }
        if let Some(f) = files.first() {
            bg_file_progress_is_transferred(f);
        }
        bg_file_ranges_total(ranges.as_ptr(), ranges.len(), arg, &mut out64);
        let reply = ReplyProgress::new(job.bytes_total, job.bytes_transferred);
        bg_job_reply_progress_percent(&reply, &mut out32);
        bg_result_message(arg as u32);
    }
});
