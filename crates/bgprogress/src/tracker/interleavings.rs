//! The tracker's protocols with threads stopped at chosen points (the hooks of
//! [`contention`](super::contention)): the races that free-running tests on few cores never
//! reach, replayed on purpose. Under `--cfg bgprogress_broken_take` and `--cfg
//! bgprogress_broken_reader` (see `models.rs`) the test that replays each break must fail
//! (`make loom` runs them).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc;
use std::time::Duration;

use super::contention::{force, with_hook, Point};
use super::mailbox::SLOTS;
use super::Tracker;
use crate::JobProgress;

/// A tracker that hooks and other threads may share for the rest of the test run.
fn tracker(size: u64) -> &'static Tracker {
    let t = Box::leak(Box::new(Tracker::new()));
    t.add_file(size).unwrap();
    t
}

/// Runs `f` on a new thread and gives its value, or `None` when it has not finished in 5 s
/// (it is then left running).
fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(f()).ok());
    rx.recv_timeout(Duration::from_secs(5)).ok()
}

fn count(t: &Tracker, path: &str) -> u64 {
    let paths = t.paths.read();
    paths.iter().find(|(p, _)| *p == path).unwrap().1
}

/// The race behind a lost update and a hung writer: a reader withdraws its request between
/// a writer's look at it and the writer's move, and a starved writer posts meanwhile.
#[test]
#[cfg_attr(
    bgprogress_broken_take,
    should_panic(expected = "a slot or the count was left behind")
)]
fn a_withdraw_between_a_writers_look_and_its_take_loses_nothing() {
    let t = tracker(100);
    let request = Rc::new(RefCell::new(Some(t.waiting.mailbox.ask().unwrap())));
    let posted = Rc::new(RefCell::new(None));
    let (r, p) = (Rc::clone(&request), Rc::clone(&posted));
    let result = with_hook(
        move |point| {
            if point == Point::TakingRequest && r.borrow().is_some() {
                drop(r.borrow_mut().take()); // the reader got its copy another way
                                             // A writer that cannot get the lock posts its update now.
                let (tx, rx) = mpsc::channel();
                std::thread::spawn(move || tx.send(force(|| t.add_bytes(2))).ok());
                while !t.waiting.queue.any() {
                    std::thread::yield_now();
                }
                *p.borrow_mut() = Some(rx);
            }
        },
        || t.add_bytes(1),
    );
    assert_eq!(result, Ok(()));
    assert!(request.borrow().is_none(), "the hook did not run");
    let posted = posted.borrow_mut().take().unwrap();
    assert_eq!(
        posted.recv_timeout(Duration::from_secs(5)),
        Ok(Ok(())),
        "the posted writer hung"
    );
    // Its Ok means its update is in every later snapshot.
    assert_eq!(t.snapshot(), JobProgress::new(100, 3, 1, 0));
    assert!(
        t.waiting.mailbox.is_idle(),
        "a slot or the count was left behind"
    );
    // Every slot can be asked again, and the next writer answers each.
    let all: Vec<_> = (0..SLOTS).map(|_| t.waiting.mailbox.ask()).collect();
    assert!(all.iter().all(Option::is_some), "a slot was lost");
    t.add_bytes(4).unwrap();
    for request in all.into_iter().flatten() {
        assert_eq!(request.answer().ok(), Some(JobProgress::new(100, 7, 1, 0)));
    }
    assert!(t.waiting.mailbox.is_idle());
}

/// A reader stopped while it waits for an answer (preempted, or in a signal handler) holds
/// no writer up, and the writers' next commit answers it.
#[test]
#[cfg_attr(
    bgprogress_broken_reader,
    should_panic(expected = "writers waited for a reader")
)]
fn writers_complete_updates_while_a_reader_waits() {
    let t = tracker(10_000);
    let stops = Rc::new(RefCell::new(0));
    let s = Rc::clone(&stops);
    let job = force(|| {
        with_hook(
            move |point| {
                if point == Point::ReaderWaiting && *s.borrow() < 2 {
                    *s.borrow_mut() += 1;
                    let done = within_seconds(move || {
                        for _ in 0..1000 {
                            t.add_bytes(1).unwrap();
                        }
                    });
                    assert!(done.is_some(), "writers waited for a reader");
                }
            },
            || t.snapshot(),
        )
    });
    assert_eq!(
        *stops.borrow(),
        1,
        "the reader waited again after an answer"
    );
    assert_eq!(count(t, "reader answered by a writer"), 1);
    // The first commit after the request answers it.
    assert_eq!(job, JobProgress::new(10_000, 1, 1, 0));
}

/// A reader stopped in the middle of a read holds no writer up, and reads again.
#[test]
fn writers_complete_updates_while_a_reader_is_in_a_read() {
    let t = tracker(10_000);
    let stopped = Rc::new(RefCell::new(false));
    let s = Rc::clone(&stopped);
    let job = with_hook(
        move |point| {
            if point == Point::ReaderLoading && !*s.borrow() {
                *s.borrow_mut() = true;
                let done = within_seconds(move || {
                    for _ in 0..1000 {
                        t.add_bytes(1).unwrap();
                    }
                });
                assert!(done.is_some(), "writers waited for a reader");
            }
        },
        || t.snapshot(),
    );
    assert!(*stopped.borrow());
    assert_eq!(job, JobProgress::new(10_000, 1000, 1, 0));
}

/// As a signal handler that interrupts its own thread's tracker call at each point: both
/// snapshots answer at once, with a state between whole updates.
#[test]
fn snapshots_answer_from_inside_any_tracker_call() {
    let t = tracker(1_000_000);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = Rc::clone(&seen);
    force(|| {
        with_hook(
            move |point| {
                let (a, b) = (t.snapshot(), t.try_snapshot().unwrap());
                assert_eq!(a, b);
                assert_eq!(a.validate(), Ok(()));
                s.borrow_mut().push((point, a.bytes_transferred));
            },
            || {
                for _ in 0..3 {
                    // Posted (forced), then served by this thread under the lock.
                    t.add_bytes(5).unwrap();
                    let _ = t.snapshot();
                }
            },
        );
    });
    let seen = seen.borrow();
    for point in [
        Point::Committing,
        Point::ReaderWaiting,
        Point::ReaderLoading,
    ] {
        assert!(
            seen.iter().any(|(p, _)| *p == point),
            "{point:?} not reached"
        );
    }
    // Interrupting the commit: the state before it.
    let committing: Vec<_> = seen
        .iter()
        .filter(|(p, _)| *p == Point::Committing)
        .map(|(_, b)| *b)
        .collect();
    assert_eq!(committing, [0, 5, 10]);
}

/// A writer that took a reader's request and stopped before its answer (preempted) holds
/// that reader only a few rounds: it asks again, and the writers that run answer.
#[test]
fn a_reader_leaves_a_stalled_writers_answer_to_it() {
    let t = tracker(1000);
    let stalled = Rc::new(RefCell::new(None));
    let rounds = Rc::new(RefCell::new(0));
    let (st, r) = (Rc::clone(&stalled), Rc::clone(&rounds));
    let job = force(|| {
        with_hook(
            move |point| {
                if point != Point::ReaderWaiting {
                    return;
                }
                *r.borrow_mut() += 1;
                if st.borrow().is_none() {
                    // The writer that takes the request stops before it answers.
                    *st.borrow_mut() = Some(t.waiting.mailbox.take());
                } else {
                    t.add_bytes(1).unwrap(); // the writers that run
                }
            },
            || t.snapshot(),
        )
    });
    assert_eq!(count(t, "reader left a stalled writer"), 1);
    assert_eq!(count(t, "reader answered by a writer"), 1);
    assert!(*rounds.borrow() < 20, "{} rounds", rounds.borrow());
    // Answered by the first commit after the new request.
    let after = t.snapshot();
    assert!(job.bytes_transferred >= 1 && job.bytes_transferred <= after.bytes_transferred);
    // The stalled writer answers at last: the slot its reader left is freed.
    let taken = stalled.borrow_mut().take().unwrap();
    taken.answer(&after);
    assert!(t.waiting.mailbox.is_idle());
}

/// A request that no writer took (there is none) is kept, not asked again: the reader reads
/// for itself once its rounds are up.
#[test]
fn a_request_nobody_took_is_kept() {
    let t = tracker(10);
    let job = force(|| t.snapshot());
    assert_eq!(job, JobProgress::new(10, 0, 1, 0));
    assert_eq!(count(t, "reader asked"), 1);
    assert_eq!(count(t, "reader left a stalled writer"), 0);
    assert_eq!(count(t, "reader withdrew"), 1);
    assert!(t.waiting.mailbox.is_idle());
}
