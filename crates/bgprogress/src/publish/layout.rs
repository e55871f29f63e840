//! The job file's layout (version 1): what a publisher writes and what a reader accepts.
//! Pure code on byte slices, so that every rule is tested and fuzzed without files.
//!
//! ```text
//! offset size  header (64 bytes)
//!      0    8  magic "BGPJOB\0\0"
//!      8    4  layout version (1)
//!     12    4  the layout's size in bytes (256): the file is at least this long
//!     16    4  0x01020304 in the writer's byte order (a file of another byte order is refused)
//!     20    4  0
//!     24    8  the publisher's process id
//!     32    8  its start time (Linux: clock ticks since boot, /proc/PID/stat field 22; else 0)
//!     40    4  the job's state (BG_JOB_STATE_*, 0 to 8)
//!     44    4  1 once the publication is closed, else 0
//!     48   16  0
//! slot 0 at 64, slot 1 at 128 (64 bytes each, one cache line): the commit numbered `seq`
//! goes to slot seq % 2
//!     +0    8  seq (1 for the first)
//!     +8    8  BytesTotal       +16  8  BytesTransferred
//!    +24    4  FilesTotal       +28  4  FilesTransferred
//!    +32    8  every byte ever added (wrapping): the rate's measure
//!    +40    8  check: a hash of +0..+40, so that a slot torn by a concurrent write (or by a
//!              publisher killed while writing it) is told from a whole one
//!    +48   16  0
//! 192     64  0
//! ```
//!
//! Integers are in the writer's byte order (the file never leaves its machine). A reader takes
//! the whole slot with the highest `seq` that passes every check, so it never waits: the
//! writer is always writing the other slot. The state and the closed flag are single words
//! of the header, written on their own: their values differ only in the low byte, so no read
//! can tear them into a value that was never written.

use crate::{Error, JobProgress};

/// The layout's size, and the least size of a job file.
pub const SIZE: usize = 256;
const MAGIC: [u8; 8] = *b"BGPJOB\0\0";
const VERSION: u32 = 1;
const BYTE_ORDER: u32 = 0x0102_0304;
const SLOTS: [usize; 2] = [64, 128];
const SLOT_SIZE: usize = 64;
const TAIL: usize = 192;
/// The offsets of the state and of the closed flag (header words).
pub const STATE_AT: usize = 40;
/// See [`STATE_AT`].
pub const CLOSED_AT: usize = 44;
/// The offset of a slot's check.
pub const CHECK_AT: usize = 40;
/// The words of a slot that the check covers (+0..+40; the reserved +48..+64 must be zero).
pub const CHECKED: usize = 5;
/// The highest state (`BG_JOB_STATE_CANCELLED`).
pub const STATE_MAX: u32 = 8;

/// Who published the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner {
    /// The publisher's process id.
    pub pid: u64,
    /// Its start time (0 where the system gives none).
    pub start: u64,
}

/// One commit as a slot holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The commit's number (1 for the first).
    pub seq: u64,
    /// The job's progress.
    pub job: JobProgress,
    /// Every byte ever added, wrapping.
    pub added: u64,
}

/// A job file's contents as a reader accepts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Read {
    /// The publisher.
    pub owner: Owner,
    /// `BG_JOB_STATE_*`.
    pub state: u32,
    /// The publication was closed.
    pub closed: bool,
    /// The newest whole, valid slot.
    pub slot: Slot,
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut w = [0; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u32::from_ne_bytes(w)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_ne_bytes(w)
}

/// A hash of a slot's words: each multiplied by its own odd constant, the products combined
/// with xor (independent products: it costs a commit little). Not cryptographic (a hostile
/// file can forge it; every field is checked anyway), only a detector of torn writes: a slot
/// that has one word of another write has another hash (an odd multiplier is a bijection),
/// and one with several such words has the same hash with a chance of about 2^-64.
#[inline]
pub fn check(words: &[u64; CHECKED]) -> u64 {
    const K: [u64; CHECKED] = [
        0x9e37_79b9_7f4a_7c15,
        0xc2b2_ae3d_27d4_eb4f,
        0x1656_67b1_9e37_79f9,
        0x85eb_ca77_c2b2_ae63,
        0x27d4_eb2f_1656_67c5,
    ];
    words
        .iter()
        .zip(K)
        .fold(0x6a09_e667_f3bc_c909, |h, (w, k)| h ^ w.wrapping_mul(k))
}

/// The header a publisher writes: its state is `BG_JOB_STATE_TRANSFERRING` (2), not closed.
pub fn header(owner: Owner) -> [u8; 64] {
    let mut h = [0u8; 64];
    h[..8].copy_from_slice(&MAGIC);
    h[8..12].copy_from_slice(&VERSION.to_ne_bytes());
    h[12..16].copy_from_slice(&(SIZE as u32).to_ne_bytes());
    h[16..20].copy_from_slice(&BYTE_ORDER.to_ne_bytes());
    h[24..32].copy_from_slice(&owner.pid.to_ne_bytes());
    h[32..40].copy_from_slice(&owner.start.to_ne_bytes());
    h[STATE_AT..STATE_AT + 4].copy_from_slice(&2u32.to_ne_bytes());
    h
}

/// The words a publisher stores for a slot: [`CHECKED`] words at +0, then the check (at
/// [`CHECK_AT`]). The reserved words are zero from the file's creation and never written.
#[inline]
pub fn slot_words(s: &Slot) -> ([u64; CHECKED], u64) {
    let w = [
        s.seq,
        s.job.bytes_total,
        s.job.bytes_transferred,
        pack(s.job.files_total, s.job.files_transferred),
        s.added,
    ];
    (w, check(&w))
}

/// Two u32 as the u64 word at their offset: the lower offset first in memory.
#[inline]
fn pack(first: u32, second: u32) -> u64 {
    let mut b = [0u8; 8];
    b[..4].copy_from_slice(&first.to_ne_bytes());
    b[4..].copy_from_slice(&second.to_ne_bytes());
    u64::from_ne_bytes(b)
}

/// The offset of slot `seq % 2`.
#[inline]
pub fn slot_offset(seq: u64) -> usize {
    SLOTS[0] + (seq & 1) as usize * SLOT_SIZE
}

/// Checks a header: magic, version, size, byte order, state, closed flag, reserved bytes,
/// and that `len` (the file's size) holds the layout. [`Error::Corrupt`] otherwise.
pub fn parse_header(b: &[u8], len: u64) -> Result<(Owner, u32, bool), Error> {
    if b.len() < SIZE || len < SIZE as u64 || b[..8] != MAGIC {
        return Err(Error::Corrupt);
    }
    if u32_at(b, 8) != VERSION || u32_at(b, 12) as usize != SIZE || u32_at(b, 16) != BYTE_ORDER {
        return Err(Error::Corrupt);
    }
    if u32_at(b, 20) != 0
        || b[48..64].iter().any(|&x| x != 0)
        || b[TAIL..SIZE].iter().any(|&x| x != 0)
    {
        return Err(Error::Corrupt);
    }
    let state = u32_at(b, STATE_AT);
    let closed = match u32_at(b, CLOSED_AT) {
        0 => false,
        1 => true,
        _ => return Err(Error::Corrupt),
    };
    if state > STATE_MAX {
        return Err(Error::Corrupt);
    }
    let owner = Owner {
        pid: u64_at(b, 24),
        start: u64_at(b, 32),
    };
    Ok((owner, state, closed))
}

/// One slot, if it is whole and valid: its check matches, its reserved bytes are zero, its
/// job passes [`JobProgress::validate`], and its number fits its place.
fn parse_slot(b: &[u8], index: usize) -> Option<Slot> {
    let at = SLOTS[index];
    let s = &b[at..at + SLOT_SIZE];
    let mut words = [0u64; CHECKED];
    for (i, w) in words.iter_mut().enumerate() {
        *w = u64_at(s, 8 * i);
    }
    if check(&words) != u64_at(s, CHECK_AT) || s[CHECK_AT + 8..].iter().any(|&x| x != 0) {
        return None;
    }
    let slot = Slot {
        seq: u64_at(s, 0),
        job: JobProgress::new(u64_at(s, 8), u64_at(s, 16), u32_at(s, 24), u32_at(s, 28)),
        added: u64_at(s, 32),
    };
    let placed = slot.seq != 0 && (slot.seq % 2) as usize == index;
    (placed && slot.job.validate().is_ok()).then_some(slot)
}

/// A file's first [`SIZE`] bytes (`b` may be longer) as a reader accepts them: the header
/// ([`parse_header`]) and its newest whole, valid slot; [`Error::Corrupt`] when neither slot
/// is.
pub fn parse(b: &[u8], len: u64) -> Result<Read, Error> {
    let (owner, state, closed) = parse_header(b, len)?;
    let slot = match (parse_slot(b, 0), parse_slot(b, 1)) {
        (Some(a), Some(c)) => {
            if a.seq > c.seq {
                a
            } else {
                c
            }
        }
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => return Err(Error::Corrupt),
    };
    Ok(Read {
        owner,
        state,
        closed,
        slot,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(slots: &[Slot]) -> [u8; SIZE] {
        let mut b = [0u8; SIZE];
        b[..64].copy_from_slice(&header(Owner { pid: 42, start: 7 }));
        for s in slots {
            let at = slot_offset(s.seq);
            let (words, check) = slot_words(s);
            for (i, w) in words.iter().enumerate() {
                b[at + 8 * i..at + 8 * i + 8].copy_from_slice(&w.to_ne_bytes());
            }
            b[at + CHECK_AT..at + CHECK_AT + 8].copy_from_slice(&check.to_ne_bytes());
        }
        b
    }

    fn slot(seq: u64, done: u64) -> Slot {
        Slot {
            seq,
            job: JobProgress::new(1000, done, 2, 1),
            added: done,
        }
    }

    #[test]
    fn the_newest_whole_slot_wins() {
        let b = file(&[slot(3, 300), slot(4, 400)]);
        let r = parse(&b, SIZE as u64).unwrap();
        assert_eq!(r.owner, Owner { pid: 42, start: 7 });
        assert_eq!((r.state, r.closed, r.slot), (2, false, slot(4, 400)));
        // Slot 4 torn (one byte of its job changed): slot 3 is the answer.
        let mut torn = b;
        torn[slot_offset(4) + 16] ^= 1;
        assert_eq!(parse(&torn, SIZE as u64).unwrap().slot, slot(3, 300));
        // Both torn: corrupt.
        torn[slot_offset(3) + 8] ^= 0x80;
        assert_eq!(parse(&torn, SIZE as u64), Err(Error::Corrupt));
    }

    #[test]
    fn every_header_field_is_checked() {
        let b = file(&[slot(1, 10)]);
        assert!(parse(&b, SIZE as u64).is_ok());
        for at in (0..24).chain(48..64).chain(TAIL..SIZE) {
            let mut bad = b;
            bad[at] ^= 0x10;
            assert_eq!(parse(&bad, SIZE as u64), Err(Error::Corrupt), "byte {at}");
        }
        let mut bad = b;
        bad[STATE_AT..STATE_AT + 4].copy_from_slice(&(STATE_MAX + 1).to_ne_bytes());
        assert_eq!(parse(&bad, SIZE as u64), Err(Error::Corrupt));
        let mut last = b;
        last[STATE_AT..STATE_AT + 4].copy_from_slice(&STATE_MAX.to_ne_bytes());
        assert_eq!(parse(&last, SIZE as u64).unwrap().state, STATE_MAX);
        let mut bad = b;
        bad[CLOSED_AT..CLOSED_AT + 4].copy_from_slice(&2u32.to_ne_bytes());
        assert_eq!(parse(&bad, SIZE as u64), Err(Error::Corrupt));
        let mut closed = b;
        closed[CLOSED_AT..CLOSED_AT + 4].copy_from_slice(&1u32.to_ne_bytes());
        closed[STATE_AT..STATE_AT + 4].copy_from_slice(&6u32.to_ne_bytes());
        let r = parse(&closed, SIZE as u64).unwrap();
        assert_eq!((r.state, r.closed), (6, true));
        assert_eq!(parse(&b, SIZE as u64 - 1), Err(Error::Corrupt)); // the file is short
        assert_eq!(parse(&b[..SIZE - 1], SIZE as u64), Err(Error::Corrupt));
    }

    #[test]
    fn invalid_slots_are_refused_even_with_a_good_check() {
        let mut s = slot(1, 10);
        s.job.bytes_transferred = 1001; // more than the total
        assert_eq!(parse(&file(&[s]), SIZE as u64), Err(Error::Corrupt));
        let mut s = slot(1, 10);
        s.seq = 0;
        assert_eq!(parse(&file(&[s]), SIZE as u64), Err(Error::Corrupt));
        // A slot in the wrong place: seq 2 written at slot 1's offset.
        let mut b = file(&[slot(2, 10)]);
        let (from, to) = (slot_offset(2), slot_offset(3));
        b.copy_within(from..from + SLOT_SIZE, to);
        b[from..from + SLOT_SIZE].fill(0);
        assert_eq!(parse(&b, SIZE as u64), Err(Error::Corrupt));
        // A reserved byte set in a slot whose check matches.
        let mut b = file(&[slot(1, 10)]);
        b[slot_offset(1) + CHECK_AT + 8] = 1;
        assert_eq!(parse(&b, SIZE as u64), Err(Error::Corrupt));
    }

    #[test]
    fn one_changed_word_always_changes_the_check() {
        let w = [1, 2, 3, 4, 5];
        for i in 0..CHECKED {
            for delta in [1u64, 1 << 63, u64::MAX] {
                let mut v = w;
                v[i] ^= delta;
                assert_ne!(check(&v), check(&w));
            }
        }
    }

    #[test]
    fn the_byte_order_marker_is_what_the_writer_wrote() {
        let b = file(&[slot(1, 10)]);
        assert_eq!(u32_at(&b, 16), 0x0102_0304);
        let mut swapped = b;
        swapped[16..20].reverse();
        assert_eq!(parse(&swapped, SIZE as u64), Err(Error::Corrupt));
    }
}
