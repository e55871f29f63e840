//! Model checks the tracker through its public API with loom: every interleaving of writers
//! and readers (within a preemption bound) keeps snapshots valid, whole, monotonic, and
//! loses nothing, including updates that a writer posts for another to apply and snapshots
//! that a reader asks of the writers (under loom a writer posts after one failed try, and a
//! reader asks after one failed read, so the contended tests take those paths). The request
//! protocols' own models, and the broken variants they catch, are in `src/tracker/models.rs`.
//!
//! Run with `make loom` (`RUSTFLAGS="--cfg loom" cargo test --release -p bgprogress --test
//! loom`).
#![cfg(loom)]

use bgprogress::{JobProgress, Tracker, SIZE_UNKNOWN};
use loom::sync::Arc;
use loom::thread;

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    // Spinning writers (waiting for the lock or for their answer) make long paths.
    builder.max_branches = 20_000;
    builder.check(f);
}

/// Every size is 10: a snapshot whose known total is not 10 per file caught an update half
/// done.
fn check_whole(p: &JobProgress) {
    assert_eq!(p.validate(), Ok(()), "{p:?}");
    if p.bytes_total != SIZE_UNKNOWN {
        assert_eq!(
            p.bytes_total,
            10 * u64::from(p.files_total),
            "torn snapshot {p:?}"
        );
    }
}

#[test]
fn reader_sees_whole_updates() {
    model(|| {
        let t = Arc::new(Tracker::new());
        let writer = {
            let t = Arc::clone(&t);
            thread::spawn(move || {
                t.add_file(10).unwrap();
                t.add_bytes(7).unwrap();
                t.complete_file().unwrap();
            })
        };
        let reader = {
            let t = Arc::clone(&t);
            thread::spawn(move || {
                let first = t.snapshot();
                check_whole(&first);
                let second = t.snapshot();
                check_whole(&second);
                assert!(second.files_total >= first.files_total);
                assert!(second.files_transferred >= first.files_transferred);
                assert!(second.bytes_transferred >= first.bytes_transferred);
            })
        };
        writer.join().unwrap();
        reader.join().unwrap();
        assert_eq!(t.snapshot(), JobProgress::new(10, 7, 1, 1));
    });
}

#[test]
fn concurrent_writers_lose_nothing() {
    model(|| {
        let t = Arc::new(Tracker::new());
        t.add_file(SIZE_UNKNOWN).unwrap();
        let a = {
            let t = Arc::clone(&t);
            thread::spawn(move || {
                t.add_file(10).unwrap();
                t.add_bytes(3).unwrap();
            })
        };
        let b = {
            let t = Arc::clone(&t);
            thread::spawn(move || {
                t.resolve_size(10).unwrap();
                t.add_bytes(4).ok();
            })
        };
        check_whole(&t.snapshot());
        a.join().unwrap();
        b.join().unwrap();
        let last = t.snapshot();
        check_whole(&last);
        assert_eq!(last.bytes_total, 20);
        assert_eq!(last.bytes_transferred, 7);
        assert_eq!(last.files_total, 2);
    });
}

/// Two writers contend (one posts its update for the other) while a reader reads with
/// `try_snapshot`, which must also be whole whenever it answers.
#[test]
fn readers_see_whole_updates_from_contending_writers() {
    model(|| {
        let t = Arc::new(Tracker::new());
        let writers: Vec<_> = (0..2)
            .map(|_| {
                let t = Arc::clone(&t);
                thread::spawn(move || {
                    t.add_file(10).unwrap();
                    // An answered update is in every later snapshot, even when another
                    // writer applied it.
                    assert!(t.snapshot().files_total >= 1);
                    t.add_bytes(5).unwrap();
                    assert!(t.snapshot().bytes_transferred >= 5);
                })
            })
            .collect();
        let mut last = t.snapshot();
        check_whole(&last);
        if let Ok(p) = t.try_snapshot() {
            check_whole(&p);
            assert!(p.files_total >= last.files_total);
            last = p;
        }
        let next = t.snapshot();
        check_whole(&next);
        assert!(next.files_total >= last.files_total);
        for w in writers {
            w.join().unwrap();
        }
        assert_eq!(t.snapshot(), JobProgress::new(20, 10, 2, 0));
    });
}
