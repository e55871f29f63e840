//! loom models of the tracker's request protocols, with their internals in view (the public
//! API's models are in `tests/loom.rs`). `make loom` runs them, and runs each deliberately
//! broken variant, which its model must catch (that test is then `should_panic`):
//!
//! - `--cfg bgprogress_broken_take`: a writer takes a reader's request with a look and a
//!   plain store instead of a compare-and-swap (`mailbox::take_request`);
//!   [`a_withdraw_racing_a_take_leaves_no_slot_behind`] fails.
//! - `--cfg bgprogress_broken_reader`: a reader beaten by writers reads under the writers'
//!   lock; [`a_lone_writer_never_finds_the_lock_held`] fails.

use loom::sync::Arc;
use loom::thread;

use super::counts::Op;
use super::mailbox::{ALL_MOVES, MOVES};
use super::Tracker;
use crate::JobProgress;

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.max_branches = 20_000;
    builder.check(f);
}

/// A reader asks, then takes its answer or withdraws, and asks again in the slot it left
/// (the only one under loom), while a writer takes and answers requests: every move of the
/// slot's table happens in some interleaving, and none leaves a slot or a count behind.
#[test]
#[cfg_attr(
    bgprogress_broken_take,
    should_panic(expected = "a slot or the count was left")
)]
fn a_withdraw_racing_a_take_leaves_no_slot_behind() {
    model(|| {
        let t = Arc::new(Tracker::new());
        t.add_file(10).unwrap();
        let reader = {
            let t = Arc::clone(&t);
            thread::spawn(move || {
                for _ in 0..2 {
                    let Some(request) = t.waiting.mailbox.ask() else {
                        continue; // left ABANDONED: its writer frees it
                    };
                    match request.answer() {
                        Ok(job) => {
                            assert!(job.bytes_transferred >= 1, "answered before a commit");
                            assert_eq!(job.validate(), Ok(()));
                        }
                        Err(request) => drop(request),
                    }
                }
            })
        };
        for _ in 0..2 {
            t.add_bytes(1).unwrap();
        }
        reader.join().unwrap();
        // Whatever the reader's last request became, one more update settles it.
        t.add_bytes(1).unwrap();
        if let Some(request) = t.waiting.mailbox.ask() {
            drop(request);
        }
        assert!(t.waiting.mailbox.is_idle(), "a slot or the count was left");
        assert_eq!(t.snapshot(), JobProgress::new(10, 3, 1, 0));
    });
    let moves = MOVES.load(std::sync::atomic::Ordering::Relaxed);
    for (from, to) in ALL_MOVES {
        assert!(
            moves & 1 << (from * 8 + to) != 0,
            "move {from} -> {to} never made"
        );
    }
}

/// Readers never take the writers' lock: a lone writer finds it free at every update, however
/// a reader (beaten into asking, under loom after one failed read) interleaves.
#[test]
#[cfg_attr(
    bgprogress_broken_reader,
    should_panic(expected = "a lone writer found the lock held")
)]
fn a_lone_writer_never_finds_the_lock_held() {
    model(|| {
        let t = Arc::new(Tracker::new());
        t.add_file(10).unwrap();
        let reader = {
            let t = Arc::clone(&t);
            thread::spawn(move || {
                assert_eq!(t.snapshot().validate(), Ok(()));
            })
        };
        for _ in 0..3 {
            let guard = t.hot.latch.try_write();
            assert!(guard.is_some(), "a lone writer found the lock held");
            t.apply(guard.unwrap(), Some(Op::AddBytes(1))).unwrap();
        }
        reader.join().unwrap();
        assert_eq!(t.snapshot(), JobProgress::new(10, 3, 1, 0));
    });
}
