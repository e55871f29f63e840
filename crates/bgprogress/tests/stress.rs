//! Many writers and readers on one tracker, free-running: every snapshot valid, whole and
//! never going backwards, and nothing lost. `make stress` also runs it against a build with
//! `--cfg bgprogress_force_contended` (every snapshot asks the writers, every update is
//! posted), where it prints how often each contended path ran and requires the main ones.
#![cfg(not(loom))]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::Arc;

use bgprogress::{JobProgress, Tracker, SIZE_UNKNOWN};

const WRITERS: usize = 4;
const READERS: usize = 2;
const FILE_SIZE: u64 = 1000;

/// What returned Ok, per writer.
#[derive(Default)]
struct Done {
    files: u64,
    unknown: u64,
    resolved: u64,
    bytes: u64,
    rewound: u64,
    completed: u64,
}

fn iterations() -> u64 {
    let default = if cfg!(debug_assertions) {
        20_000
    } else {
        200_000
    };
    std::env::var("BGT_STRESS_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn write(t: &Tracker, seed: u64, rewinds: &(AtomicU64, AtomicU64)) -> Done {
    let mut done = Done::default();
    let mut s = seed;
    for _ in 0..iterations() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let n = 1 + (s >> 32) % 64;
        match s % 100 {
            0..=9 => done.files += u64::from(t.add_file(FILE_SIZE).is_ok()),
            10..=11 => done.unknown += u64::from(t.add_file(SIZE_UNKNOWN).is_ok()),
            12..=13 => done.resolved += u64::from(t.resolve_size(FILE_SIZE).is_ok()),
            14..=73 => done.bytes += if t.add_bytes(n).is_ok() { n } else { 0 },
            74..=89 => done.completed += u64::from(t.complete_file().is_ok()),
            _ => {
                rewinds.0.fetch_add(n, SeqCst);
                done.rewound += if t.rewind_bytes(n).is_ok() { n } else { 0 };
                rewinds.1.fetch_add(n, SeqCst);
            }
        }
    }
    done
}

/// Reads until the writers stop: each snapshot checked against the one before. Returns how
/// many it checked.
fn read(t: &Tracker, running: &AtomicBool, rewinds: &(AtomicU64, AtomicU64)) -> u64 {
    let (mut prev, mut prev_finished, mut checked) = (JobProgress::default(), 0, 0);
    loop {
        let last = !running.load(SeqCst);
        let finished_before = rewinds.1.load(SeqCst);
        let cur = t.snapshot();
        let announced_after = rewinds.0.load(SeqCst);
        assert_eq!(cur.validate(), Ok(()), "{cur:?}");
        if cur.bytes_total != SIZE_UNKNOWN {
            assert_eq!(
                cur.bytes_total,
                FILE_SIZE * u64::from(cur.files_total),
                "torn"
            );
        }
        assert!(cur.files_total >= prev.files_total, "{prev:?} then {cur:?}");
        assert!(cur.files_transferred >= prev.files_transferred);
        if cur.bytes_total != SIZE_UNKNOWN && prev.bytes_total != SIZE_UNKNOWN {
            assert!(cur.bytes_total >= prev.bytes_total);
        }
        // Bytes drop only by the rewinds that finished after the previous snapshot began.
        assert!(
            cur.bytes_transferred + (announced_after - prev_finished) >= prev.bytes_transferred
        );
        if let Ok(p) = t.try_snapshot() {
            assert_eq!(p.validate(), Ok(()));
        }
        prev = cur;
        prev_finished = finished_before;
        checked += 1;
        if last {
            return checked;
        }
    }
}

#[test]
fn writers_and_readers_at_once() {
    let t = Arc::new(Tracker::new());
    let running = Arc::new(AtomicBool::new(true));
    let rewinds = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
    let (done, checked) = std::thread::scope(|s| {
        let readers: Vec<_> = (0..READERS)
            .map(|_| s.spawn(|| read(&t, &running, &rewinds)))
            .collect();
        let writers: Vec<_> = (0..WRITERS as u64)
            .map(|i| {
                let (t, rewinds) = (&t, &rewinds);
                s.spawn(move || write(t, 0x9E37_79B9_7F4A_7C15_u64.wrapping_mul(i + 1), rewinds))
            })
            .collect();
        let done: Vec<_> = writers.into_iter().map(|w| w.join()).collect();
        // Before any unwrap: readers stop even when a writer panicked.
        running.store(false, SeqCst);
        let done: Vec<Done> = done.into_iter().map(|d| d.unwrap()).collect();
        let checked: u64 = readers.into_iter().map(|r| r.join().unwrap()).sum();
        (done, checked)
    });
    let sum = |f: fn(&Done) -> u64| done.iter().map(f).sum::<u64>();
    let (files, unknown, resolved) = (sum(|d| d.files), sum(|d| d.unknown), sum(|d| d.resolved));
    // Nothing lost: the last snapshot is the sum of every update that returned Ok.
    let last = t.snapshot();
    assert_eq!(u64::from(last.files_total), files + unknown);
    assert_eq!(u64::from(last.files_transferred), sum(|d| d.completed));
    assert_eq!(
        last.bytes_transferred,
        sum(|d| d.bytes) - sum(|d| d.rewound)
    );
    let total = if unknown > resolved {
        SIZE_UNKNOWN
    } else {
        (files + resolved) * FILE_SIZE
    };
    assert_eq!(last.bytes_total, total);
    eprintln!(
        "stress: {WRITERS} writers x {} updates, {READERS} readers checked {checked} snapshots",
        iterations()
    );
    #[cfg(bgprogress_force_contended)]
    {
        let paths = t.paths();
        for (path, n) in paths {
            eprintln!("stress: path \"{path}\": {n}");
        }
        for required in [0, 1, 4, 5] {
            assert!(paths[required].1 > 0, "{} never ran", paths[required].0);
        }
    }
}
