//! Compile-time proof that the types have the documented layout on the target being built.
//!
//! The documented declarations are `UINT64, UINT64, ULONG, ULONG` (job), `UINT64, UINT64, BOOL`
//! (file), `UINT64, UINT64` (reply, range), with 32-bit `ULONG` and `BOOL`. A C compiler aligns
//! `UINT64` as the target's ABI says (8 on most targets, 4 on i686 Linux), so the expected
//! sizes are written in terms of that alignment. The C tests check the same against the C
//! compiler itself.

use core::mem::{align_of, offset_of, size_of};

use crate::{FileProgress, FileRange, JobProgress, ReplyProgress};

// Used by the const block below (rustc before 1.78 reports them unused).
#[allow(dead_code)]
const U64_ALIGN: usize = align_of::<u64>();

/// `n` rounded up to a multiple of the alignment of `u64`.
#[allow(dead_code)]
const fn padded(n: usize) -> usize {
    n.div_ceil(U64_ALIGN) * U64_ALIGN
}

const _: () = {
    assert!(size_of::<JobProgress>() == 24);
    assert!(align_of::<JobProgress>() == U64_ALIGN);
    assert!(offset_of!(JobProgress, bytes_total) == 0);
    assert!(offset_of!(JobProgress, bytes_transferred) == 8);
    assert!(offset_of!(JobProgress, files_total) == 16);
    assert!(offset_of!(JobProgress, files_transferred) == 20);

    assert!(size_of::<FileProgress>() == padded(20));
    assert!(align_of::<FileProgress>() == U64_ALIGN);
    assert!(offset_of!(FileProgress, bytes_total) == 0);
    assert!(offset_of!(FileProgress, bytes_transferred) == 8);
    assert!(offset_of!(FileProgress, completed) == 16);

    assert!(size_of::<ReplyProgress>() == 16);
    assert!(align_of::<ReplyProgress>() == U64_ALIGN);
    assert!(offset_of!(ReplyProgress, bytes_total) == 0);
    assert!(offset_of!(ReplyProgress, bytes_transferred) == 8);

    assert!(size_of::<FileRange>() == 16);
    assert!(align_of::<FileRange>() == U64_ALIGN);
    assert!(offset_of!(FileRange, initial_offset) == 0);
    assert!(offset_of!(FileRange, length) == 8);
};
