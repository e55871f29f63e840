//! Updates that a starved writer hands to whoever holds the lock (the writers' fairness), and
//! snapshots that a reader beaten by writers asks of whoever holds it (the readers' bound).
//!
//! The writers' lock is a compare-and-swap, so it serves no one in order: a writer that keeps
//! the tracker's cache line does bursts of updates, which is what makes contended updates
//! fast, and with many writers on few cores the lock is often held by a preempted writer. A
//! writer that tried for a while (the back-off's spins) therefore posts its update in a slot
//! here and waits for the answer; every writer that takes the lock applies the posted updates
//! along with its own, in the same critical section, and answers them after its commit. A
//! starved writer waits at most until some writer's next update, and never needs to be
//! running when the lock is free.
//!
//! A reader whose optimistic reads keep failing (writers committing flat out) posts a
//! [`Op::Snapshot`] the same way: the writer that takes it writes the state it commits into
//! the slot. A reader never waits for a writer, though: when it gets its copy another way
//! first, it withdraws the request, and a request withdrawn after a writer took it is freed
//! by that writer ([`ABANDONED`]).

use super::counts::{Counts, Op};
use super::sync::{AtomicU32, AtomicU64, Ordering};
use crate::{Error, JobProgress};

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
/// Withdrawn after a writer took it: that writer frees the slot instead of answering.
const ABANDONED: u64 = 5;

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
    /// The answer to a snapshot: the job's bytes total, bytes transferred, and files total
    /// and transferred (high and low 32 bits).
    job: [AtomicU64; 3],
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
    /// Those that asked for a snapshot.
    snapshots: u32,
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
                job: core::array::from_fn(|_| AtomicU64::new(0)),
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
            if op == Op::Snapshot {
                served.snapshots |= 1 << i;
            }
            let result = counts.apply(op);
            served.changed |= result.is_ok() && op != Op::Snapshot;
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

    /// Answers the updates in `served`, and the snapshots with `job`, the state committed:
    /// after the commit, so that a writer that reads its answer finds its update in every
    /// later snapshot.
    #[inline]
    pub(super) fn answer(&self, served: Served, job: &JobProgress) {
        if served.slots != 0 {
            self.answer_slots(&served, job);
        }
    }

    #[cold]
    fn answer_slots(&self, served: &Served, job: &JobProgress) {
        for (i, slot) in self.slots.iter().enumerate() {
            if served.slots & 1 << i == 0 {
                continue;
            }
            if served.snapshots & 1 << i != 0 {
                let files = u64::from(job.files_total) << 32 | u64::from(job.files_transferred);
                for (cell, value) in
                    slot.job
                        .iter()
                        .zip([job.bytes_total, job.bytes_transferred, files])
                {
                    cell.store(value, Ordering::Relaxed);
                }
            }
            // TAKEN, or ABANDONED by a reader meanwhile; no one else moves the slot.
            let taken = slot.state.load(Ordering::Relaxed);
            // Release: a thread that sees DONE sees the snapshot's figures.
            if taken & 0xff != TAKEN
                || slot
                    .state
                    .compare_exchange(
                        taken,
                        taken & !0xff | DONE,
                        Ordering::Release,
                        Ordering::Relaxed,
                    )
                    .is_err()
            {
                slot.state.store(FREE, Ordering::Release);
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

    /// The job a writer committed, once it answered an [`Op::Snapshot`]; the slot is free
    /// again.
    #[inline]
    pub(super) fn snapshot(&self) -> Option<JobProgress> {
        // Acquire: the figures stored before DONE.
        if self.slot.state.load(Ordering::Acquire) & 0xff != DONE {
            return None;
        }
        let [total, transferred, files] =
            [0, 1, 2].map(|i| self.slot.job[i].load(Ordering::Relaxed));
        self.slot.state.store(FREE, Ordering::Release);
        Some(JobProgress {
            bytes_total: total,
            bytes_transferred: transferred,
            files_total: (files >> 32) as u32,
            files_transferred: files as u32,
        })
    }

    /// Gives the request up without waiting: frees the slot, or leaves it to the writer that
    /// took it.
    pub(super) fn withdraw(self, requests: &Requests) {
        loop {
            let state = self.slot.state.load(Ordering::Acquire);
            let (to, posted) = match state & 0xff {
                POSTED => (FREE, true),
                TAKEN => (ABANDONED, false),
                _ => {
                    // DONE: the answer came; nobody else moves the slot now.
                    self.slot.state.store(FREE, Ordering::Release);
                    return;
                }
            };
            if self
                .slot
                .state
                .compare_exchange(state, to, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                if posted {
                    requests.pending.fetch_sub(1, Ordering::Relaxed);
                }
                return;
            }
        }
    }
}

/// Every error, numbered for a slot's answer from 1 (0 is `Ok`), in `answer_code`'s order.
const ERRORS: [Error; 12] = [
    Error::SizeUnknown,
    Error::BytesExceedTotal,
    Error::FilesExceedTotal,
    Error::Overflow,
    Error::TooManyFiles,
    Error::NotEnoughData,
    Error::NoUnknownSize,
    Error::Underflow,
    Error::InvalidRange,
    Error::OverlappingRanges,
    Error::AllocationFailed,
    Error::Busy,
];

/// A result as a slot's answer. The match is exhaustive, so a new error must get a number.
fn answer_code(result: Result<(), Error>) -> u8 {
    match result {
        Ok(()) => 0,
        Err(e) => match e {
            Error::SizeUnknown => 1,
            Error::BytesExceedTotal => 2,
            Error::FilesExceedTotal => 3,
            Error::Overflow => 4,
            Error::TooManyFiles => 5,
            Error::NotEnoughData => 6,
            Error::NoUnknownSize => 7,
            Error::Underflow => 8,
            Error::InvalidRange => 9,
            Error::OverlappingRanges => 10,
            Error::AllocationFailed => 11,
            Error::Busy => 12,
        },
    }
}

/// The inverse of [`answer_code`] (which makes no other number).
fn from_answer_code(code: u8) -> Result<(), Error> {
    match code.checked_sub(1) {
        None => Ok(()),
        Some(i) => Err(ERRORS
            .get(usize::from(i))
            .copied()
            .unwrap_or(Error::AllocationFailed)),
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip() {
        assert_eq!(from_answer_code(answer_code(Ok(()))), Ok(()));
        for e in ERRORS {
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
        requests.answer(served, &JobProgress::default());
        assert_eq!(first.answer(), Some(Ok(())));
        assert_eq!(second.answer(), Some(Err(Error::Underflow)));
    }

    #[test]
    fn a_snapshot_is_answered_with_the_committed_job_or_withdrawn() {
        let requests = Requests::new();
        let job = JobProgress::new(10, 4, u32::MAX, 3);
        let ticket = requests.post(Op::Snapshot).unwrap();
        assert_eq!(ticket.snapshot(), None);
        let (counts, served) = requests.serve(Counts::default());
        assert!(!served.changed, "a snapshot changes nothing");
        assert_eq!(counts, Counts::default());
        requests.answer(served, &job);
        assert_eq!(ticket.snapshot(), Some(job));

        // Withdrawn before a writer took it: free at once.
        requests.post(Op::Snapshot).unwrap().withdraw(&requests);
        assert!(!requests.any_posted());
        // Withdrawn after: the writer frees it instead of answering.
        let ticket = requests.post(Op::Snapshot).unwrap();
        let (_, served) = requests.serve(Counts::default());
        ticket.withdraw(&requests);
        requests.answer(served, &job);
        // Withdrawn after the answer: free too.
        let ticket = requests.post(Op::Snapshot).unwrap();
        let (_, served) = requests.serve(Counts::default());
        requests.answer(served, &job);
        ticket.withdraw(&requests);
        let all: Vec<_> = (0..SLOTS)
            .map(|_| requests.post(Op::CompleteFile))
            .collect();
        assert!(all.iter().all(Option::is_some), "a slot was not freed");
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
        requests.answer(served, &JobProgress::default());
        let answers: Vec<_> = tickets.iter().map(|t| t.answer()).collect();
        assert_eq!(answers[0], Some(Ok(())));
        assert!(answers[1..]
            .iter()
            .all(|a| *a == Some(Err(Error::FilesExceedTotal))));
        assert!(requests.post(Op::CompleteFile).is_some());
    }
}
