//! Updates that a starved writer hands to whoever holds the lock: the writers' fairness.
//!
//! The writers' lock is a compare-and-swap, so it serves no one in order: a writer that keeps
//! the tracker's cache line does bursts of updates, which is what makes contended updates
//! fast, and with many writers on few cores the lock is often held by a preempted writer. A
//! writer that tried for a while (the back-off's spins) therefore posts its update in a slot
//! here and waits for the answer; every writer that takes the lock applies the posted updates
//! along with its own, in the same critical section, and answers them after its commit. A
//! starved writer waits at most until some writer's next update, and never needs to be
//! running when the lock is free.

use super::counts::{Counts, Op};
use super::sync::{AtomicU32, AtomicU64, Ordering};
use crate::Error;

/// Slots for posted updates. More starved writers than this keep trying the lock (and the
/// slots) until one is free.
#[cfg(not(loom))]
pub(super) const SLOTS: usize = 8;
#[cfg(loom)] // fewer places for loom to explore
pub(super) const SLOTS: usize = 2;

// A slot's state: its phase in the low byte, the update's kind or the answer above it.
const FREE: u64 = 0;
/// A writer claimed the slot and is writing its update.
const CLAIMED: u64 = 1;
/// The update is ready for a writer that holds the lock.
const POSTED: u64 = 2;
/// A writer that holds the lock applied it (the answer is in, `answer << 8`), and answers
/// after its commit.
const TAKEN: u64 = 3;
/// The answer is in (`answer << 8`).
const DONE: u64 = 4;

/// The updates that starved writers posted.
#[derive(Debug)]
#[repr(align(64))] // off the counts' cache line: looked at by every writer, written rarely
pub(super) struct Requests {
    /// How many slots are `POSTED`: writers look at the slots only when this is not 0.
    pending: AtomicU32,
    slots: [Slot; SLOTS],
}

#[derive(Debug)]
struct Slot {
    state: AtomicU64,
    arg: AtomicU64,
}

/// A posted update: [`Ticket::answer`] says when it is done.
#[derive(Debug)]
#[must_use = "the slot stays taken until its answer is read"]
pub(super) struct Ticket<'a> {
    slot: &'a Slot,
}

/// The slots whose updates one writer applied (a bit each): answered after its commit with
/// [`Requests::answer`].
#[derive(Debug, Default)]
#[must_use = "the served updates wait for their answer"]
pub(super) struct Served {
    slots: u32,
    /// Some served update succeeded: the counts changed.
    pub(super) changed: bool,
}

const _: () = assert!(SLOTS <= 32);

impl Requests {
    pub(super) fn new() -> Self {
        Requests {
            pending: AtomicU32::new(0),
            slots: core::array::from_fn(|_| Slot {
                state: AtomicU64::new(FREE),
                arg: AtomicU64::new(0),
            }),
        }
    }

    /// Posts `op` in a free slot, or `None` when every slot is in use.
    pub(super) fn post(&self, op: Op) -> Option<Ticket<'_>> {
        let (kind, arg) = op.encode();
        let slot = self.slots.iter().find(|s| {
            s.state.load(Ordering::Relaxed) == FREE
                && s.state
                    .compare_exchange(FREE, CLAIMED, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
        })?;
        slot.arg.store(arg, Ordering::Relaxed);
        // Release: a writer that sees POSTED sees the argument.
        slot.state
            .store(POSTED | u64::from(kind) << 8, Ordering::Release);
        self.pending.fetch_add(1, Ordering::Relaxed);
        Some(Ticket { slot })
    }

    /// Whether some update may be posted (a writer that holds the lock then calls
    /// [`serve`](Self::serve)).
    #[inline(always)]
    pub(super) fn any_posted(&self) -> bool {
        self.pending.load(Ordering::Relaxed) != 0
    }

    /// For a writer that holds the lock: applies every posted update to `counts` and marks
    /// it taken, so that no later writer applies it again.
    pub(super) fn serve(&self, mut counts: Counts) -> (Counts, Served) {
        let mut served = Served::default();
        for (i, slot) in self.slots.iter().enumerate() {
            // Acquire: the argument stored before POSTED.
            let state = slot.state.load(Ordering::Acquire);
            if state & 0xff != POSTED {
                continue;
            }
            let op = Op::decode((state >> 8) as u8, slot.arg.load(Ordering::Relaxed));
            let result = counts.apply(op);
            served.changed |= result.is_ok();
            // Only a writer that holds the lock moves a slot from POSTED: a plain store. The
            // next writer sees it by the lock's Release / Acquire.
            slot.state.store(
                TAKEN | u64::from(answer_code(result)) << 8,
                Ordering::Relaxed,
            );
            self.pending.fetch_sub(1, Ordering::Relaxed);
            served.slots |= 1 << i;
        }
        (counts, served)
    }

    /// Answers the updates in `served`: after the commit, so that a writer that reads its
    /// answer finds its update in every later snapshot.
    #[inline]
    pub(super) fn answer(&self, served: Served) {
        if served.slots != 0 {
            self.answer_slots(served.slots);
        }
    }

    #[cold]
    fn answer_slots(&self, served: u32) {
        for (i, slot) in self.slots.iter().enumerate() {
            if served & 1 << i != 0 {
                // Relaxed load: this thread stored TAKEN, and no one else moves the slot.
                let taken = slot.state.load(Ordering::Relaxed);
                slot.state.store(taken & !0xff | DONE, Ordering::Release);
            }
        }
    }
}

impl Ticket<'_> {
    /// The update's outcome once a writer applied it and committed; the slot is free again.
    #[inline]
    pub(super) fn answer(&self) -> Option<Result<(), Error>> {
        let state = self.slot.state.load(Ordering::Acquire);
        if state & 0xff != DONE {
            return None;
        }
        self.slot.state.store(FREE, Ordering::Release);
        Some(from_answer_code((state >> 8) as u8))
    }
}

/// The errors an update can have, numbered for a slot's answer (0 is `Ok`).
const UPDATE_ERRORS: [Error; 6] = [
    Error::Overflow,
    Error::BytesExceedTotal,
    Error::FilesExceedTotal,
    Error::TooManyFiles,
    Error::NoUnknownSize,
    Error::Underflow,
];

fn answer_code(result: Result<(), Error>) -> u8 {
    match result {
        Ok(()) => 0,
        Err(e) => UPDATE_ERRORS
            .iter()
            .position(|&u| u == e)
            .map_or(u8::MAX, |i| i as u8 + 1),
    }
}

fn from_answer_code(code: u8) -> Result<(), Error> {
    match code {
        0 => Ok(()),
        // u8::MAX: an error no update rule has (a new rule's error missing from the table).
        _ => Err(UPDATE_ERRORS
            .get(usize::from(code) - 1)
            .copied()
            .unwrap_or(Error::Overflow)),
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip() {
        assert_eq!(from_answer_code(answer_code(Ok(()))), Ok(()));
        for e in UPDATE_ERRORS {
            assert_eq!(from_answer_code(answer_code(Err(e))), Err(e));
        }
    }

    #[test]
    fn a_posted_update_is_applied_once_and_answered_after() {
        let requests = Requests::new();
        let first = requests.post(Op::AddBytes(5)).unwrap();
        let second = requests.post(Op::RewindBytes(9)).unwrap();
        assert!(first.answer().is_none());
        let start = Counts {
            unknown_files: 1,
            files_total: 1,
            ..Counts::default()
        };
        let (counts, served) = requests.serve(start);
        assert!(served.changed);
        assert_eq!(
            (counts.transferred, counts.added),
            (5, 5),
            "applied once each"
        );
        assert!(first.answer().is_none(), "answered before the commit");
        let (again, none) = requests.serve(counts);
        assert_eq!((again, none.slots), (counts, 0), "applied twice");
        requests.answer(served);
        assert_eq!(first.answer(), Some(Ok(())));
        assert_eq!(second.answer(), Some(Err(Error::Underflow)));
    }

    #[test]
    fn slots_run_out_and_come_back() {
        let requests = Requests::new();
        let tickets: Vec<_> = (0..SLOTS)
            .map(|_| requests.post(Op::CompleteFile).unwrap())
            .collect();
        assert!(requests.post(Op::CompleteFile).is_none());
        let one_file = Counts {
            files_total: 1,
            ..Counts::default()
        };
        let (_, served) = requests.serve(one_file);
        requests.answer(served);
        let answers: Vec<_> = tickets.iter().map(|t| t.answer()).collect();
        assert_eq!(answers[0], Some(Ok(())));
        assert!(answers[1..]
            .iter()
            .all(|a| *a == Some(Err(Error::FilesExceedTotal))));
        assert!(requests.post(Op::CompleteFile).is_some());
    }
}
