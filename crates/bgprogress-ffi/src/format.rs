//! Writing text into a C buffer with the snprintf contract.

use core::fmt::{self, Display, Write};

/// A buffer of this many bytes always holds the whole text of a job's progress, NUL included:
/// the longest text is well under it.
pub const FORMAT_BUFFER_SIZE: usize = 256;

/// Writes `text` into `buf` with the C `snprintf` contract and returns the length of the whole
/// text (without a NUL): at most `buf.len()` bytes are written, the last of them a NUL, so the
/// text is cut when the buffer is too short; an empty `buf` is left alone.
pub(crate) fn format_to_buffer(text: &dyn Display, buf: &mut [u8]) -> usize {
    let room = buf.len().saturating_sub(1);
    let (text_part, _) = buf.split_at_mut(room);
    let mut w = Truncating {
        rest: text_part,
        len: 0,
    };
    // Truncating::write_str never fails, and Display impls that fail on their own are the
    // caller's; the length counted so far is the best answer then.
    let _ = write!(w, "{text}");
    let (written, len) = (room - w.rest.len(), w.len);
    if let Some(nul) = buf.get_mut(written) {
        *nul = 0;
    }
    len
}

/// Keeps what fits in `rest` (the room before the final NUL), and counts everything.
struct Truncating<'a> {
    rest: &'a mut [u8],
    len: usize,
}

impl Write for Truncating<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let n = self.rest.len().min(s.len());
        let (head, tail) = std::mem::take(&mut self.rest).split_at_mut(n);
        head.copy_from_slice(s.as_bytes().get(..n).unwrap_or_default());
        self.rest = tail;
        self.len += s.len();
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;
    use bgprogress::{JobProgress, SIZE_UNKNOWN};

    #[test]
    fn longest_texts_fit_the_buffer_size() {
        let max = u64::MAX;
        for job in [
            JobProgress::new(max - 1, max - 1, u32::MAX, u32::MAX),
            JobProgress::new(1023 << 50, (1023 << 50) + 1, u32::MAX, u32::MAX),
            JobProgress::new(SIZE_UNKNOWN, max, u32::MAX - 1, u32::MAX),
        ] {
            let longest_reason = (1..=12u32)
                .map(|c| {
                    unsafe { std::ffi::CStr::from_ptr(crate::bg_result_message(c)) }
                        .to_bytes()
                        .len()
                })
                .max()
                .unwrap_or(usize::MAX);
            let bound = job.to_string().len() + longest_reason;
            assert!(bound < FORMAT_BUFFER_SIZE, "{job}");
        }
    }

    #[test]
    fn buffer_follows_snprintf() {
        let job = JobProgress::new(10, 5, 1, 0);
        let text = job.to_string();
        for len in 0..text.len() + 3 {
            let mut buf = vec![0xAAu8; len];
            assert_eq!(format_to_buffer(&job, &mut buf), text.len());
            if len > 0 {
                let kept = (len - 1).min(text.len());
                assert_eq!(&buf[..kept], &text.as_bytes()[..kept]);
                assert_eq!(buf[kept], 0);
                assert!(buf[kept + 1..].iter().all(|&b| b == 0xAA));
            }
        }
    }
}
