//! `make bench`: bgprogress against the physical floors, as ratios to a baseline measured in
//! the same run. Each pair is measured in alternating rounds (ours, baseline, ours, ...) and
//! the median of each side is kept, so that a noisy, shared machine moves both alike.
//!
//! Prints one tab-separated row per benchmark (`row name ours unit baseline goal`), which
//! `benches/table.awk` turns into the table of the README.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use bgprogress::{FileProgress, JobProgress, Tracker, SIZE_UNKNOWN};

const ROUNDS: usize = 11;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Medians of `ours` and `baseline`, each returning the seconds of one measured round.
fn pair(mut ours: impl FnMut() -> f64, mut baseline: impl FnMut() -> f64) -> (f64, f64) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        a.push(ours());
        b.push(baseline());
    }
    (median(a), median(b))
}

fn timed(f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64()
}

fn row(name: &str, ours: f64, unit: &str, baseline: f64, goal: &str) {
    println!("row\t{name}\t{ours:.3}\t{unit}\t{baseline:.3}\t{goal}");
}

/// Files with sizes and progress spread so that branches are not all predictable.
fn files(n: usize) -> Vec<FileProgress> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let total = x % 1_000_000;
            FileProgress::new(total, (x >> 20) % (total + 1), x & 1 == 0)
        })
        .collect()
}

/// The floor: only the two sums, nothing checked.
fn plain_sum(files: &[FileProgress]) -> (u64, u64) {
    files.iter().fold((0u64, 0u64), |(t, b), f| {
        (
            t.wrapping_add(f.bytes_total),
            b.wrapping_add(f.bytes_transferred),
        )
    })
}

fn bench_from_files(n: usize, label: &str, goal: &str) {
    let files = files(n);
    let want = JobProgress::from_files(&files).expect("valid files");
    assert_eq!(
        plain_sum(&files),
        (want.bytes_total, want.bytes_transferred)
    );
    let (ours, base) = pair(
        || {
            timed(|| {
                black_box(JobProgress::from_files(black_box(&files)).ok());
            })
        },
        || {
            timed(|| {
                black_box(plain_sum(black_box(&files)));
            })
        },
    );
    let bytes = (n * std::mem::size_of::<FileProgress>()) as f64;
    row(label, ours * 1e3, "ms", base * 1e3, goal);
    eprintln!(
        "  {label}: {:.1} GB/s against {:.1} GB/s",
        bytes / ours / 1e9,
        bytes / base / 1e9
    );
}

const OPS: u64 = 20_000_000;

/// A tracker with one file of unknown size: add_bytes is bounded only by u64::MAX.
fn unbounded_tracker() -> Tracker {
    let tracker = Tracker::new();
    tracker.add_file(SIZE_UNKNOWN).expect("a file");
    tracker
}

/// Takes every byte back, so that rounds start alike.
fn rewind_all(tracker: &Tracker) {
    tracker
        .rewind_bytes(tracker.snapshot().bytes_transferred)
        .expect("rewind");
}

fn bench_add_bytes_one_thread() {
    let tracker = unbounded_tracker();
    let raw = AtomicU64::new(0);
    let (ours, base) = pair(
        || {
            rewind_all(&tracker);
            timed(|| {
                for _ in 0..OPS {
                    black_box(tracker.add_bytes(black_box(1))).ok();
                }
            })
        },
        || {
            timed(|| {
                for _ in 0..OPS {
                    black_box(raw.fetch_add(black_box(1), Ordering::Relaxed));
                }
            })
        },
    );
    row(
        "tracker add_bytes, 1 thread",
        ours / OPS as f64 * 1e9,
        "ns/op",
        base / OPS as f64 * 1e9,
        "<= 3x",
    );
}

/// Seconds for `threads` threads to do `OPS / threads` operations each.
fn contended(threads: usize, op: impl Fn() + Sync) -> f64 {
    let barrier = Barrier::new(threads + 1);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                barrier.wait();
                for _ in 0..OPS / threads as u64 {
                    op();
                }
                barrier.wait();
            });
        }
        barrier.wait();
        let start = Instant::now();
        barrier.wait();
        start.elapsed().as_secs_f64()
    })
}

fn bench_add_bytes_two_threads() {
    let tracker = unbounded_tracker();
    let raw = AtomicU64::new(0);
    let (ours, base) = pair(
        || {
            rewind_all(&tracker);
            contended(2, || {
                black_box(tracker.add_bytes(black_box(1))).ok();
            })
        },
        || {
            contended(2, || {
                black_box(raw.fetch_add(black_box(1), Ordering::Relaxed));
            })
        },
    );
    // Throughput, so the goal reads the other way: ours / raw >= 0.5.
    row(
        "tracker add_bytes, 2 threads (Mops/s)",
        OPS as f64 / ours / 1e6,
        "Mops/s",
        OPS as f64 / base / 1e6,
        ">= 0.5x",
    );
}

fn bench_snapshot_under_writers() {
    let tracker = Arc::new(unbounded_tracker());
    const READS: u64 = 2_000_000;
    let read = |t: &Tracker| {
        timed(|| {
            for _ in 0..READS {
                black_box(t.snapshot());
            }
        })
    };
    let idle = median((0..ROUNDS).map(|_| read(&tracker)).collect());
    let stop = Arc::new(AtomicU64::new(0));
    let writer = {
        let (t, stop) = (Arc::clone(&tracker), Arc::clone(&stop));
        thread::spawn(move || {
            while stop.load(Ordering::Relaxed) == 0 {
                t.add_bytes(1).ok();
            }
        })
    };
    thread::sleep(Duration::from_millis(10));
    let busy = median((0..ROUNDS).map(|_| read(&tracker)).collect());
    stop.store(1, Ordering::Relaxed);
    writer.join().expect("writer");
    row(
        "tracker snapshot, 1 writer running (vs idle)",
        busy / READS as f64 * 1e9,
        "ns/op",
        idle / READS as f64 * 1e9,
        "-",
    );
}

fn main() {
    // `cargo bench` passes --bench; anything else (a filter) is ignored.
    eprintln!("bgprogress benchmarks: {ROUNDS} alternating rounds, medians");
    bench_from_files(10_000_000, "from_files, 10M files (240 MB)", "<= 1.25x");
    bench_from_files(1_000_000, "from_files, 1M files", "<= 2x");
    bench_add_bytes_one_thread();
    bench_add_bytes_two_threads();
    bench_snapshot_under_writers();
}
