//! Updates that starved writers hand to whoever holds the lock: the writers' fairness.
//!
//! The writers' lock is a compare-and-swap, so it serves no one in order: a writer that keeps
//! the tracker's cache line does bursts of updates, which is what makes contended updates
//! fast, and with many writers on few cores the lock is often held by a preempted writer. A
//! writer that tried for a while (the back-off's spins) therefore posts its update here and
//! waits for the answer: [`Queue::post_and_wait`]. The update lives in a [`Waiter`] on that
//! writer's own stack, pushed on a lock-free list, so any number of writers can post at
//! once. The next writer that takes the lock takes the whole list ([`Queue::take`]), applies
//! every update on it with its own in the same critical section, and answers them after its
//! commit ([`Batch::answer`]), so a writer that reads its answer finds its update in every
//! later snapshot.
//!
//! A posted writer waits only for the next critical section that starts after its post, by
//! any writer (and tries the lock itself meanwhile): no writer starves, however many there
//! are.
//!
//! A waiter's states, and who moves it:
//!
//! | from      | to       | by                                       | how               |
//! |-----------|----------|------------------------------------------|-------------------|
//! | (stack)   | `POSTED` | its writer ([`Queue::post_and_wait`])    | push: CAS on head |
//! | `POSTED`  | taken    | the lock's holder ([`Queue::take`])      | swap of head      |
//! | taken     | `DONE`   | that holder, after its commit            | Release store     |
//! | `DONE`    | (gone)   | its writer, which returns the answer     | Acquire load      |
//!
//! Only the holder that took a waiter touches it until `DONE`, and nobody after: its writer
//! returns then, and its stack frame goes.
#![allow(unsafe_code)] // the posted updates live on their writers' stacks

use core::ptr;

use super::backoff::Backoff;
use super::counts::{Counts, Op};
use super::sync::{AtomicPtr, AtomicU32, Handover, Ordering};
use crate::Error;

const POSTED: u32 = 0;
const DONE: u32 = 1;

/// A posted update, on the stack of the writer that posted it.
#[derive(Debug)]
pub(super) struct Waiter {
    op: Op,
    /// The next waiter on the list (set before the push, read by the holder that took it).
    next: AtomicPtr<Waiter>,
    state: AtomicU32,
    /// The outcome: written by the holder that took the waiter, read by its writer after
    /// `DONE` (Release / Acquire).
    answer: Handover<Result<(), Error>>,
}

/// The list of posted updates.
#[derive(Debug)]
pub(super) struct Queue {
    head: AtomicPtr<Waiter>,
}

/// The waiters one holder took: answered after its commit, by [`Batch::answer`] or by the
/// drop (so no waiter is left without its answer, even on a panic).
#[derive(Debug)]
#[must_use = "the posted writers wait for their answers"]
pub(super) struct Batch {
    first: *const Waiter,
}

impl Queue {
    pub(super) fn new() -> Self {
        Queue {
            head: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Whether some update may be posted: the lock's holder then calls [`take`](Self::take).
    #[inline(always)]
    pub(super) fn any(&self) -> bool {
        !self.head.load(Ordering::Relaxed).is_null()
    }

    /// Posts `op` and waits for its answer, calling `serve` between looks (it takes the lock
    /// when it is free and serves the posted updates, this one included).
    pub(super) fn post_and_wait(&self, op: Op, mut serve: impl FnMut()) -> Result<(), Error> {
        let waiter = Waiter {
            op,
            next: AtomicPtr::new(ptr::null_mut()),
            state: AtomicU32::new(POSTED),
            answer: Handover::new(Ok(())),
        };
        let me = ptr::addr_of!(waiter).cast_mut();
        let mut head = self.head.load(Ordering::Relaxed);
        loop {
            waiter.next.store(head, Ordering::Relaxed);
            // Release: the holder that takes the list sees `op` and `next`.
            match self
                .head
                .compare_exchange_weak(head, me, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => break,
                Err(now) => head = now,
            }
        }
        let mut backoff = Backoff::default();
        loop {
            // Acquire: the answer stored before DONE.
            if waiter.state.load(Ordering::Acquire) == DONE {
                // SAFETY: the holder wrote the answer before DONE and touches nothing after.
                return unsafe { waiter.answer.get() };
            }
            serve();
            // Also after serving: the holder that took this update may be between its commit
            // and its answer.
            backoff.wait();
        }
    }

    /// For the writer that holds the lock: takes every posted update.
    #[inline]
    pub(super) fn take(&self) -> Batch {
        // Acquire: each waiter's `op` and `next`, stored before its push.
        Batch {
            first: self.head.swap(ptr::null_mut(), Ordering::Acquire),
        }
    }
}

impl Batch {
    /// The waiters, in the order they are on the list.
    fn waiters(&self) -> impl Iterator<Item = &Waiter> {
        // SAFETY: a taken waiter lives until its answer (its writer waits for it), and only
        // this batch has it.
        let mut at = self.first;
        core::iter::from_fn(move || {
            let waiter = unsafe { at.as_ref()? };
            at = waiter.next.load(Ordering::Relaxed);
            Some(waiter)
        })
    }

    /// Applies every update to `counts`, each all or nothing, and keeps its outcome for the
    /// answer. Returns whether one of them changed the counts.
    pub(super) fn apply(&self, counts: &mut Counts) -> bool {
        let mut changed = false;
        for waiter in self.waiters() {
            let result = counts.apply(waiter.op);
            changed |= result.is_ok();
            // SAFETY: its writer reads the answer only after DONE.
            unsafe { waiter.answer.set(result) };
        }
        changed
    }

    /// Answers every update: after the commit that applied them.
    pub(super) fn answer(self) {
        drop(self);
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        let mut at = self.first;
        // SAFETY: as in `waiters`; `next` is read before DONE, after which the waiter may go.
        while let Some(waiter) = unsafe { at.as_ref() } {
            at = waiter.next.load(Ordering::Relaxed);
            // Release: its writer sees the answer.
            waiter.state.store(DONE, Ordering::Release);
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn posted_updates_are_applied_once_and_answered_after() {
        let queue = Queue::new();
        assert!(!queue.any());
        let (answered, applied) = (AtomicBool::new(false), AtomicBool::new(false));
        std::thread::scope(|s| {
            let poster = s.spawn(|| {
                let answer = queue.post_and_wait(Op::AddBytes(5), || {});
                answered.store(true, Ordering::SeqCst);
                answer
            });
            while !queue.any() {
                std::thread::yield_now();
            }
            let batch = queue.take();
            assert!(!queue.any(), "the list was not emptied");
            let mut counts = Counts {
                unknown_files: 1,
                files_total: 1,
                ..Counts::default()
            };
            assert!(batch.apply(&mut counts));
            applied.store(true, Ordering::SeqCst);
            assert_eq!((counts.transferred, counts.added), (5, 5));
            std::thread::sleep(std::time::Duration::from_millis(20));
            assert!(
                !answered.load(Ordering::SeqCst),
                "answered before the commit"
            );
            batch.answer();
            assert_eq!(poster.join().unwrap(), Ok(()));
        });
        assert!(applied.load(Ordering::SeqCst));
    }

    #[test]
    fn any_number_of_writers_post_at_once() {
        let queue = Queue::new();
        let posters = 40;
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..posters)
                .map(|_| s.spawn(|| queue.post_and_wait(Op::CompleteFile, || {})))
                .collect();
            // One file: the first complete_file applied succeeds, every other is refused.
            let mut counts = Counts {
                files_total: 1,
                ..Counts::default()
            };
            let mut served = 0;
            while served < posters {
                let batch = queue.take();
                served += batch.waiters().count();
                batch.apply(&mut counts);
                batch.answer();
                std::thread::yield_now();
            }
            let answers: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            assert_eq!(answers.iter().filter(|a| a.is_ok()).count(), 1);
            assert!(answers
                .iter()
                .all(|a| a.is_ok() || *a == Err(Error::FilesExceedTotal)));
            assert_eq!(counts.files_transferred, 1);
        });
    }
}
