//! `make bench`: bgprogress against the physical floors, as ratios to a baseline measured in
//! the same run. Each pair is measured in alternating rounds (ours, baseline, ours, ...) and
//! the median of each side is kept, so that a noisy, shared machine moves both alike.
//!
//! Prints one tab-separated row per benchmark (`row name ours unit baseline goal`), which
//! `benches/table.awk` turns into the table of docs/performance.md.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use bgprogress::{FileProgress, JobProgress, Kernel, Tracker, SIZE_UNKNOWN};

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

/// `from_files` with each kernel the processor runs, against the plain two-field sum. The
/// goal is for the SIMD kernels; the scalar row is for reference.
fn bench_from_files(n: usize, label: &str, goal: &str) {
    let files = files(n);
    let want = JobProgress::from_files(&files).expect("valid files");
    assert_eq!(
        plain_sum(&files),
        (want.bytes_total, want.bytes_transferred)
    );
    for kernel in Kernel::ALL.into_iter().filter(|k| k.is_available()) {
        assert_eq!(JobProgress::from_files_with(kernel, &files), Ok(want));
        let (ours, base) = pair(
            || {
                timed(|| {
                    black_box(JobProgress::from_files_with(kernel, black_box(&files)).ok());
                })
            },
            || {
                timed(|| {
                    black_box(plain_sum(black_box(&files)));
                })
            },
        );
        let bytes = (n * std::mem::size_of::<FileProgress>()) as f64;
        let goal = if kernel == Kernel::Scalar { "-" } else { goal };
        let name = format!("{label}, {}", kernel.name());
        row(&name, ours * 1e3, "ms", base * 1e3, goal);
        eprintln!(
            "  {name}: {:.1} GB/s against {:.1} GB/s",
            bytes / ours / 1e9,
            bytes / base / 1e9
        );
    }
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

/// A private jobs directory for the published-jobs rows (BGPROGRESS_DIR).
#[cfg(unix)]
fn private_jobs_dir() -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("bgprogress-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).expect("a jobs directory");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("mode 0700");
    std::env::set_var("BGPROGRESS_DIR", &dir);
    dir
}

/// add_bytes on a published tracker (each commit also written to its job file) against an
/// unpublished one.
#[cfg(unix)]
fn bench_add_bytes_published() {
    let dir = private_jobs_dir();
    let published = unbounded_tracker();
    let _publication = published.publish("bench").expect("publish");
    let plain = unbounded_tracker();
    let (ours, base) = pair(
        || {
            rewind_all(&published);
            timed(|| {
                for _ in 0..OPS {
                    black_box(published.add_bytes(black_box(1))).ok();
                }
            })
        },
        || {
            rewind_all(&plain);
            timed(|| {
                for _ in 0..OPS {
                    black_box(plain.add_bytes(black_box(1))).ok();
                }
            })
        },
    );
    row(
        "tracker add_bytes, published (vs unpublished)",
        ours / OPS as f64 * 1e9,
        "ns/op",
        base / OPS as f64 * 1e9,
        "<= 1.5x",
    );
    drop(_publication);
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
const READS: u64 = 200_000;

/// bg_job_read's work (JobView::read) in another process (this bench run again as a child)
/// against a snapshot in process.
#[cfg(unix)]
fn bench_job_read_in_another_process() {
    let dir = private_jobs_dir();
    let tracker = unbounded_tracker();
    tracker.add_bytes(12345).expect("bytes");
    let _publication = tracker.publish("bench-read").expect("publish");
    let child = |_: ()| -> f64 {
        let out = std::process::Command::new(std::env::current_exe().expect("the bench"))
            .env("BGPROGRESS_BENCH_READER", "bench-read")
            .output()
            .expect("the reader process");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<f64>()
            .expect("the reader's seconds")
    };
    let (ours, base) = pair(
        || child(()),
        || {
            timed(|| {
                for _ in 0..READS {
                    black_box(tracker.snapshot());
                }
            })
        },
    );
    row(
        "published job read, other process (vs snapshot)",
        ours / READS as f64 * 1e9,
        "ns/op",
        base / READS as f64 * 1e9,
        "-",
    );
    drop(_publication);
    let _ = std::fs::remove_dir_all(dir);
}

/// The child of [`bench_job_read_in_another_process`]: times READS reads, prints seconds.
#[cfg(unix)]
fn job_reader(name: &str) {
    let view = bgprogress::JobView::open(name).expect("open the published job");
    let secs = timed(|| {
        for _ in 0..READS {
            black_box(view.read()).ok();
        }
    });
    println!("{secs}");
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

fn bench_add_bytes_threads(threads: usize) {
    let tracker = unbounded_tracker();
    let raw = AtomicU64::new(0);
    let (ours, base) = pair(
        || {
            rewind_all(&tracker);
            contended(threads, || {
                black_box(tracker.add_bytes(black_box(1))).ok();
            })
        },
        || {
            contended(threads, || {
                black_box(raw.fetch_add(black_box(1), Ordering::Relaxed));
            })
        },
    );
    // Throughput, so the goal reads the other way: ours / raw >= 0.5.
    row(
        &format!("tracker add_bytes, {threads} threads (vs fetch_add)"),
        OPS as f64 / ours / 1e6,
        "Mops/s",
        OPS as f64 / base / 1e6,
        ">= 0.5x",
    );
}

fn nanos(d: Duration) -> u32 {
    d.as_nanos().min(u32::MAX.into()) as u32
}

/// This thread's context switches so far (voluntary and not), where the system tells.
#[cfg(target_os = "linux")]
fn context_switches() -> Option<i64> {
    // SAFETY: getrusage writes the struct it is given, which is plain data.
    #[allow(unsafe_code)]
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        (libc::getrusage(libc::RUSAGE_THREAD, &mut usage) == 0).then_some(usage)
    };
    usage.map(|u| u.ru_nvcsw + u.ru_nivcsw)
}

#[cfg(not(target_os = "linux"))]
fn context_switches() -> Option<i64> {
    None
}

/// Percentiles of latencies in nanoseconds: (p50, p99.9, max).
fn percentiles(mut v: Vec<u32>) -> (f64, f64, f64) {
    v.sort_unstable();
    let at = |q: f64| f64::from(v[((v.len() - 1) as f64 * q) as usize]);
    (at(0.5), at(0.999), at(1.0))
}

/// `writers` threads add bytes in tight loops for `secs` while this thread times snapshots
/// and, alternately, a control call of the same size that touches no shared line (a snapshot
/// of a tracker no writer touches): the tracker must add nothing to what scheduling costs
/// the reader. Then prints the writers' fewest and mean operations.
fn bench_snapshot_latency(writers: usize, secs: f64) {
    let tracker = unbounded_tracker();
    let stop = AtomicU64::new(0);
    let ops: Vec<AtomicU64> = (0..writers).map(|_| AtomicU64::new(0)).collect();
    // The control: the same call on a tracker that no writer touches (the same code, on a
    // cache line this thread alone reads), so both are as exposed to the reader's scheduling.
    let idle = unbounded_tracker();
    let samples = thread::scope(|s| {
        for done in &ops {
            let (tracker, stop) = (&tracker, &stop);
            s.spawn(move || {
                let mut n = 0u64;
                while stop.load(Ordering::Relaxed) == 0 {
                    for _ in 0..64 {
                        black_box(tracker.add_bytes(black_box(1))).ok();
                    }
                    n += 64;
                }
                done.store(n, Ordering::Relaxed);
            });
        }
        let (mut snap, mut control) = (Vec::new(), Vec::new());
        // The worst of each among the pairs during which this thread was not switched out.
        let (mut snap_calm, mut control_calm) = (0u32, 0u32);
        let mut switches = context_switches();
        let start = Instant::now();
        while start.elapsed().as_secs_f64() < secs {
            for _ in 0..1000 {
                let t = Instant::now();
                black_box(tracker.snapshot());
                let a = t.elapsed();
                let t = Instant::now();
                black_box(black_box(&idle).snapshot());
                let b = t.elapsed();
                let (a, b) = (nanos(a), nanos(b));
                snap.push(a);
                control.push(b);
                let now = context_switches();
                if now == switches {
                    snap_calm = snap_calm.max(a);
                    control_calm = control_calm.max(b);
                }
                switches = now;
            }
        }
        stop.store(1, Ordering::Relaxed);
        (snap, control, snap_calm, control_calm)
    });
    let (snap, control, snap_calm, control_calm) = samples;
    let (s, c) = (percentiles(snap), percentiles(control));
    let name = format!(
        "snapshot latency, {writers} writer{}",
        if writers == 1 { "" } else { "s" }
    );
    let us = |x: f64| x / 1e3;
    row(&format!("{name}: p50"), s.0, "ns", c.0, "-");
    // Goals: within 2x of the control plus 20 us (p99.9) and 100 us (max).
    row(
        &format!("{name}: p99.9"),
        us(s.1),
        "us",
        us(c.1),
        "<= 2x+20",
    );
    row(&format!("{name}: max"), us(s.2), "us", us(c.2), "<= 2x+100");
    if context_switches().is_some() {
        // Without the reader's own lost time slices: what the tracker itself costs at worst.
        row(
            &format!("{name}: max, not switched out"),
            us(f64::from(snap_calm)),
            "us",
            us(f64::from(control_calm)),
            "-",
        );
    }
    let ops: Vec<f64> = ops
        .iter()
        .map(|o| o.load(Ordering::Relaxed) as f64)
        .collect();
    let mean = ops.iter().sum::<f64>() / ops.len() as f64;
    let min = ops.iter().copied().fold(f64::INFINITY, f64::min);
    if writers >= 8 {
        row(
            &format!("writer fairness, {writers} writers: fewest vs mean ops"),
            min / 1e6,
            "Mops",
            mean / 1e6,
            ">= 0.01x",
        );
    }
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
    // `cargo bench` passes --bench; another argument runs only the benchmarks it names a part
    // of ("from_files", "add_bytes", "snapshot", "latency").
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    let secs = |default: f64| {
        std::env::var("BENCH_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    #[cfg(unix)]
    if let Ok(name) = std::env::var("BGPROGRESS_BENCH_READER") {
        return job_reader(&name);
    }
    eprintln!("bgprogress benchmarks: {ROUNDS} alternating rounds, medians");
    if run("from_files") {
        println!(
            "from_files kernel: {} (runs here: {})",
            Kernel::detected().name(),
            Kernel::ALL
                .iter()
                .filter(|k| k.is_available())
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(", ")
        );
        bench_from_files(10_000_000, "from_files, 10M files (240 MB)", "<= 1.25x");
        bench_from_files(1_000_000, "from_files, 1M files", "<= 2x");
    }
    if run("add_bytes") {
        bench_add_bytes_one_thread();
        bench_add_bytes_threads(2);
        bench_add_bytes_threads(8);
        #[cfg(unix)]
        bench_add_bytes_published();
    }
    #[cfg(unix)]
    if run("published") {
        bench_job_read_in_another_process();
    }
    if run("snapshot") {
        bench_snapshot_under_writers();
    }
    if run("latency") {
        for writers in [1, 2, 8, 64] {
            bench_snapshot_latency(writers, secs(10.0));
        }
    }
}
