//! Plays random sequences of tracker operations through the C interface against a simple
//! sequential model of the documented rules (u128 arithmetic, no shortcuts), and checks every
//! result code and every snapshot.
#![no_main]

use bgprogress::{JobProgress, SIZE_UNKNOWN};
use bgprogress_ffi::*;
use libfuzzer_sys::fuzz_target;

const MAX: u128 = u64::MAX as u128;

/// The tracker as the documentation describes it.
#[derive(Default)]
struct Model {
    known_total: u128,
    unknown_files: u128,
    transferred: u128,
    files_total: u128,
    files_transferred: u128,
}

impl Model {
    fn job(&self) -> JobProgress {
        JobProgress::new(
            if self.unknown_files > 0 { SIZE_UNKNOWN } else { self.known_total as u64 },
            self.transferred as u64,
            self.files_total as u32,
            self.files_transferred as u32,
        )
    }

    fn add_file(&mut self, size: u64) -> bg_result {
        if self.files_total + 1 > u32::MAX as u128 {
            return bg_result::BG_ERR_TOO_MANY_FILES;
        }
        if size == SIZE_UNKNOWN {
            self.unknown_files += 1;
        } else if self.known_total + size as u128 >= MAX {
            return bg_result::BG_ERR_OVERFLOW;
        } else {
            self.known_total += size as u128;
        }
        self.files_total += 1;
        bg_result::BG_OK
    }

    fn add_bytes(&mut self, n: u64) -> bg_result {
        let sum = self.transferred + n as u128;
        if sum >= MAX {
            return bg_result::BG_ERR_OVERFLOW;
        }
        if self.unknown_files == 0 && sum > self.known_total {
            return bg_result::BG_ERR_BYTES_EXCEED_TOTAL;
        }
        self.transferred = sum;
        bg_result::BG_OK
    }

    fn complete_file(&mut self) -> bg_result {
        if self.files_transferred + 1 > self.files_total {
            return bg_result::BG_ERR_FILES_EXCEED_TOTAL;
        }
        self.files_transferred += 1;
        bg_result::BG_OK
    }

    fn resolve_size(&mut self, size: u64) -> bg_result {
        if size == SIZE_UNKNOWN {
            return bg_result::BG_ERR_SIZE_UNKNOWN;
        }
        if self.unknown_files == 0 {
            return bg_result::BG_ERR_NO_UNKNOWN_SIZE;
        }
        let known = self.known_total + size as u128;
        if known >= MAX {
            return bg_result::BG_ERR_OVERFLOW;
        }
        if self.unknown_files == 1 && known < self.transferred {
            return bg_result::BG_ERR_BYTES_EXCEED_TOTAL;
        }
        self.known_total = known;
        self.unknown_files -= 1;
        bg_result::BG_OK
    }

    fn rewind_bytes(&mut self, n: u64) -> bg_result {
        if n as u128 > self.transferred {
            return bg_result::BG_ERR_UNDERFLOW;
        }
        self.transferred -= n as u128;
        bg_result::BG_OK
    }
}

/// An argument from one byte of choice and eight of value: small, huge or unknown sizes.
fn value(choice: u8, raw: u64) -> u64 {
    match choice % 6 {
        0 => raw % 1024,
        1 => u64::MAX - raw % 1024,
        2 => SIZE_UNKNOWN,
        3 => raw % (1 << 40),
        _ => raw,
    }
}

fuzz_target!(|data: &[u8]| {
    let t = bg_tracker_new();
    assert!(!t.is_null());
    let mut model = Model::default();
    for op in data.chunks(10) {
        let (&code, rest) = op.split_first().unwrap_or((&0, &[]));
        let mut raw = [0u8; 8];
        let tail = rest.get(1..).unwrap_or(&[]);
        raw[..tail.len().min(8)].copy_from_slice(&tail[..tail.len().min(8)]);
        let arg = value(*rest.first().unwrap_or(&0), u64::from_le_bytes(raw));
        let (got, want) = unsafe {
            match code % 6 {
                0 => (bg_tracker_add_file(t, arg), model.add_file(arg)),
                1 => (bg_tracker_add_bytes(t, arg), model.add_bytes(arg)),
                2 => (bg_tracker_complete_file(t), model.complete_file()),
                3 => (bg_tracker_resolve_size(t, arg), model.resolve_size(arg)),
                4 => (bg_tracker_rewind_bytes(t, arg), model.rewind_bytes(arg)),
                _ => {
                    let mut p = JobProgress::new(1, 2, 3, 4);
                    (bg_tracker_try_snapshot(t, &mut p), {
                        assert_eq!(p, model.job());
                        bg_result::BG_OK
                    })
                }
            }
        };
        assert_eq!(got, want, "operation {} with {arg}", code % 6);
        let mut p = JobProgress::default();
        assert_eq!(unsafe { bg_tracker_snapshot(t, &mut p) }, bg_result::BG_OK);
        assert_eq!(p, model.job());
        assert_eq!(p.validate(), Ok(()));
    }
    unsafe { bg_tracker_free(t) };
});
