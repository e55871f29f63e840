//! Snapshots that a reader beaten by writers asks of them: the readers' bound.
//!
//! A reader's optimistic read fails only when two commits land during it, so a reader that
//! keeps failing is racing writers that commit flat out. Such a reader asks for the state in
//! a slot here ([`Mailbox::ask`]) and goes on trying its own reads; the next writer that
//! commits takes the request ([`Mailbox::take`], under the lock) and, after its commit,
//! writes the state it committed into the slot ([`Taken::answer`]). Whichever comes first
//! ends the snapshot. The reader never takes the writers' lock, and no writer ever waits for
//! a reader: a reader writes only its own slot, and a slot a reader left is freed by the
//! writer that had taken it. The answer is the state of a commit made after the request, so
//! the snapshot is still linearizable.
//!
//! A slot's states, and who moves it. Every move out of a state that a reader and a writer
//! may both move (`ASKED`, `FILLING`) is a compare-and-swap, so exactly one of them wins.
//!
//! | from        | to          | by                                           | how      |
//! |-------------|-------------|----------------------------------------------|----------|
//! | `FREE`      | `ASKED`     | a reader ([`Mailbox::ask`])                  | CAS      |
//! | `ASKED`     | `FREE`      | its reader, giving up ([`Request`]'s drop)   | CAS      |
//! | `ASKED`     | `FILLING`   | the lock's holder ([`Mailbox::take`])        | CAS      |
//! | `FILLING`   | `ANSWERED`  | that holder, after its commit                | CAS      |
//! | `FILLING`   | `ABANDONED` | its reader, giving up                        | CAS      |
//! | `ABANDONED` | `FREE`      | the holder that took it (its CAS failed)     | store    |
//! | `ANSWERED`  | `FREE`      | its reader, having read the answer           | store    |
//!
//! `asked` counts the slots in `ASKED`: it goes up before a slot becomes `ASKED`, and down
//! only by the one that wins the move out of it.
#![allow(unsafe_code)] // the answers are handed over by the slots' states

use super::sync::{AtomicU32, Handover, Ordering};
use crate::JobProgress;

/// Readers that can ask at once; more keep to their own reads until a slot is free.
#[cfg(not(loom))]
pub(super) const SLOTS: usize = 8;
#[cfg(loom)] // fewer places for loom to explore
pub(super) const SLOTS: usize = 1;

const FREE: u32 = 0;
const ASKED: u32 = 1;
const FILLING: u32 = 2;
const ANSWERED: u32 = 3;
const ABANDONED: u32 = 4;

/// The readers' requests.
#[derive(Debug)]
pub(super) struct Mailbox {
    /// How many slots are `ASKED`: writers look at the slots only when this is not 0.
    asked: AtomicU32,
    slots: [Slot; SLOTS],
}

#[derive(Debug)]
struct Slot {
    state: AtomicU32,
    /// The answer: written while `FILLING` by the holder that took the request, read by the
    /// reader after `ANSWERED` (Release / Acquire).
    job: Handover<JobProgress>,
}

/// A reader's request: withdrawn when dropped, unless its answer was read.
#[derive(Debug)]
#[must_use = "dropping the request withdraws it"]
pub(super) struct Request<'a> {
    mailbox: &'a Mailbox,
    slot: &'a Slot,
}

/// The requests one holder took (a bit each): answered after its commit.
#[derive(Debug)]
#[must_use = "the readers' requests wait for their answers"]
pub(super) struct Taken<'a> {
    mailbox: &'a Mailbox,
    slots: u32,
}

const _: () = assert!(SLOTS <= 32);

/// The moves of the table above that loom's models made (a bit each: `from * 8 + to`), so
/// that they can check they reached every one.
#[cfg(all(test, loom))]
pub(super) static MOVES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[inline(always)]
fn moved(_from: u32, _to: u32) {
    #[cfg(all(test, loom))]
    MOVES.fetch_or(1 << (_from * 8 + _to), std::sync::atomic::Ordering::Relaxed);
}

/// Every move of the table, as [`MOVES`] records them.
#[cfg(all(test, loom))]
pub(super) const ALL_MOVES: [(u32, u32); 7] = [
    (FREE, ASKED),
    (ASKED, FREE),
    (ASKED, FILLING),
    (FILLING, ANSWERED),
    (FILLING, ABANDONED),
    (ABANDONED, FREE),
    (ANSWERED, FREE),
];

impl Mailbox {
    pub(super) fn new() -> Self {
        Mailbox {
            asked: AtomicU32::new(0),
            slots: core::array::from_fn(|_| Slot {
                state: AtomicU32::new(FREE),
                job: Handover::new(JobProgress::default()),
            }),
        }
    }

    /// Asks for the state in a free slot, or `None` when every slot is in use.
    pub(super) fn ask(&self) -> Option<Request<'_>> {
        let slot = self.slots.iter().find(|s| {
            s.state.load(Ordering::Relaxed) == FREE && {
                // Counted first, so that a writer that takes the request finds it counted.
                self.asked.fetch_add(1, Ordering::Relaxed);
                // Release: a writer that sees ASKED sees the count (and, with AcqRel, a
                // reader that asks again in a slot it left sees its own earlier moves).
                let won = s
                    .state
                    .compare_exchange(FREE, ASKED, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok();
                if won {
                    moved(FREE, ASKED);
                } else {
                    self.asked.fetch_sub(1, Ordering::Relaxed);
                }
                won
            }
        })?;
        Some(Request {
            mailbox: self,
            slot,
        })
    }

    /// Whether some reader may be asking: the lock's holder then calls [`take`](Self::take).
    #[inline(always)]
    pub(super) fn any(&self) -> bool {
        self.asked.load(Ordering::Relaxed) != 0
    }

    /// For the writer that holds the lock: takes every request.
    pub(super) fn take(&self) -> Taken<'_> {
        let mut slots = 0;
        for (i, slot) in self.slots.iter().enumerate() {
            if slot.state.load(Ordering::Relaxed) != ASKED {
                continue;
            }
            if take_request(&slot.state) {
                moved(ASKED, FILLING);
                self.asked.fetch_sub(1, Ordering::Relaxed);
                slots |= 1 << i;
            }
        }
        Taken {
            mailbox: self,
            slots,
        }
    }

    /// Whether no request is in the mailbox: every slot free and none counted (for tests).
    #[cfg(test)]
    pub(super) fn is_idle(&self) -> bool {
        self.asked.load(Ordering::SeqCst) == 0
            && self
                .slots
                .iter()
                .all(|s| s.state.load(Ordering::SeqCst) == FREE)
    }
}

/// `ASKED` to `FILLING`, if the reader has not withdrawn meanwhile.
#[inline]
fn take_request(state: &AtomicU32) -> bool {
    // Deliberately wrong, for the tests that must catch it (`make loom`): the move out of
    // `ASKED` as a look and a plain store, which a withdraw can land between.
    #[cfg(bgprogress_broken_take)]
    {
        if state.load(Ordering::Acquire) != ASKED {
            return false;
        }
        super::contention::at(super::contention::Point::TakingRequest);
        state.store(FILLING, Ordering::Relaxed);
        true
    }
    // The reader may withdraw here: only one of the two compare-and-swaps wins.
    #[cfg(not(bgprogress_broken_take))]
    {
        super::contention::at(super::contention::Point::TakingRequest);
        state
            .compare_exchange(ASKED, FILLING, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }
}

impl Taken<'_> {
    /// Answers the requests with `job`, the state committed: after the commit, so that no
    /// reader gets a state that other readers cannot see yet.
    #[inline]
    pub(super) fn answer(self, job: &JobProgress) {
        if self.slots != 0 {
            self.answer_slots(job);
        }
    }

    #[cold]
    fn answer_slots(self, job: &JobProgress) {
        for (i, slot) in self.mailbox.slots.iter().enumerate() {
            if self.slots & 1 << i == 0 {
                continue;
            }
            // SAFETY: the slot is FILLING, or ABANDONED by its reader, which reads it no more;
            // either way only this writer touches it.
            unsafe { slot.job.set(*job) };
            // Release: the reader that sees ANSWERED sees the job.
            if slot
                .state
                .compare_exchange(FILLING, ANSWERED, Ordering::Release, Ordering::Relaxed)
                .is_err()
            {
                // ABANDONED: this writer frees it (Release: the next reader to ask in it
                // asks after this writer's last access).
                slot.state.store(FREE, Ordering::Release);
                moved(ABANDONED, FREE);
            } else {
                moved(FILLING, ANSWERED);
            }
        }
    }
}

impl Request<'_> {
    /// Whether a writer took the request and has not answered yet.
    #[inline]
    pub(super) fn is_taken(&self) -> bool {
        self.slot.state.load(Ordering::Relaxed) == FILLING
    }

    /// The job a writer committed, once it answered; the slot is then free again.
    #[inline]
    pub(super) fn answer(self) -> Result<JobProgress, Self> {
        // Acquire: the job stored before ANSWERED.
        if self.slot.state.load(Ordering::Acquire) != ANSWERED {
            return Err(self);
        }
        // SAFETY: ANSWERED: the writer is done with the slot, and only this reader moves it.
        let job = unsafe { self.slot.job.get() };
        self.slot.state.store(FREE, Ordering::Release);
        moved(ANSWERED, FREE);
        core::mem::forget(self);
        Ok(job)
    }
}

impl Drop for Request<'_> {
    /// Withdraws the request without waiting: frees the slot, or leaves it to the writer
    /// that took it.
    fn drop(&mut self) {
        let state = &self.slot.state;
        let mut now = state.load(Ordering::Acquire);
        loop {
            let to = match now {
                ASKED => FREE,
                FILLING => ABANDONED,
                // ANSWERED: nobody else moves it now.
                _ => {
                    state.store(FREE, Ordering::Release);
                    moved(ANSWERED, FREE);
                    return;
                }
            };
            // Release: the next reader (or the writer) sees this reader's last access first.
            match state.compare_exchange(now, to, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => {
                    moved(now, to);
                    if now == ASKED {
                        self.mailbox.asked.fetch_sub(1, Ordering::Relaxed);
                    }
                    return;
                }
                // A writer took or answered it meanwhile: at most twice.
                Err(moved) => now = moved,
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    const JOB: JobProgress = JobProgress::new(10, 4, u32::MAX, 3);

    #[test]
    fn a_request_is_answered_with_the_committed_job() {
        let mailbox = Mailbox::new();
        assert!(!mailbox.any());
        let request = mailbox.ask().unwrap();
        assert!(mailbox.any());
        let request = request.answer().unwrap_err();
        let taken = mailbox.take();
        assert!(!mailbox.any());
        assert_eq!(mailbox.take().slots, 0, "taken twice");
        let request = request.answer().unwrap_err();
        taken.answer(&JOB);
        assert_eq!(request.answer().unwrap(), JOB);
        assert!(mailbox.is_idle());
    }

    #[test]
    fn a_request_withdrawn_at_any_point_frees_its_slot() {
        let mailbox = Mailbox::new();
        // Before a writer took it.
        drop(mailbox.ask().unwrap());
        assert!(mailbox.is_idle());
        // After: the writer frees it instead of answering.
        let request = mailbox.ask().unwrap();
        let taken = mailbox.take();
        drop(request);
        assert!(!mailbox.is_idle());
        taken.answer(&JOB);
        assert!(mailbox.is_idle());
        // After the answer.
        let request = mailbox.ask().unwrap();
        mailbox.take().answer(&JOB);
        drop(request);
        assert!(mailbox.is_idle());
    }

    #[test]
    fn an_answer_touches_only_the_requests_it_took() {
        let mailbox = Mailbox::new();
        let taken_one = mailbox.ask().unwrap();
        let taken = mailbox.take();
        let later = mailbox.ask().unwrap(); // asked after the take: for the next writer
        taken.answer(&JOB);
        assert_eq!(taken_one.answer().unwrap(), JOB);
        let later = later.answer().unwrap_err();
        assert!(mailbox.any(), "the later request was dropped");
        mailbox.take().answer(&JOB);
        assert_eq!(later.answer().unwrap(), JOB);
        assert!(mailbox.is_idle());
    }

    #[test]
    fn slots_run_out_and_come_back_each_one() {
        let mailbox = Mailbox::new();
        let requests: Vec<_> = (0..SLOTS).map(|_| mailbox.ask().unwrap()).collect();
        assert!(mailbox.ask().is_none());
        assert_eq!(mailbox.asked.load(Ordering::SeqCst), SLOTS as u32);
        let taken = mailbox.take();
        assert_eq!(taken.slots, (1 << SLOTS) - 1, "every slot taken");
        taken.answer(&JOB);
        for request in requests {
            assert_eq!(request.answer().unwrap(), JOB);
        }
        assert!(mailbox.is_idle());
        // Each slot again, the last one alone.
        let mut all: Vec<_> = (0..SLOTS).map(|_| mailbox.ask().unwrap()).collect();
        let last = all.pop().unwrap();
        drop(all);
        let taken = mailbox.take();
        assert_eq!(taken.slots, 1 << (SLOTS - 1));
        taken.answer(&JOB);
        assert_eq!(last.answer().unwrap(), JOB);
        assert!(mailbox.is_idle());
    }
}
