//! The Rust twin of `examples/c/bgcopy.c`: copies files into a directory on a worker thread
//! while the main thread redraws a progress line from [`Tracker`] snapshots.
//!
//! ```sh
//! cargo run --release -p bgprogress --example copy -- SRC... DESTDIR
//! ```
//!
//! A source whose size is not known in advance (a FIFO) counts as `SIZE_UNKNOWN` until it ends.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use bgprogress::{Tracker, SIZE_UNKNOWN};

fn copy_one(tracker: &Tracker, src: &Path, dest: &Path, size_known: bool) -> io::Result<()> {
    let name = src
        .file_name()
        .ok_or_else(|| io::Error::other("no file name"))?;
    let mut input = File::open(src)?;
    let mut output = File::create(dest.join(name))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut copied = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        output.write_all(&buf[..n])?;
        tracker.add_bytes(n as u64).map_err(io::Error::other)?;
        copied += n as u64;
    }
    if !size_known {
        tracker.resolve_size(copied).map_err(io::Error::other)?;
    }
    tracker.complete_file().map_err(io::Error::other)
}

fn run(sources: Vec<PathBuf>, dest: PathBuf) -> Result<(), String> {
    if !dest.is_dir() {
        return Err(format!("destination {} is not a directory", dest.display()));
    }
    let tracker = Arc::new(Tracker::new());
    let mut known = Vec::new();
    let mut names = std::collections::HashSet::new();
    for src in &sources {
        // Refuse what would lose data: a copy onto its own source, or two sources of one name.
        let name = src
            .file_name()
            .ok_or_else(|| format!("{} has no file name", src.display()))?;
        if !names.insert(name.to_owned()) {
            return Err(format!(
                "two sources would both be copied to {}",
                dest.join(name).display()
            ));
        }
        if let (Ok(a), Ok(b)) = (fs::canonicalize(src), fs::canonicalize(dest.join(name))) {
            if a == b {
                return Err(format!("{} would be copied onto itself", src.display()));
            }
        }
        let meta = fs::metadata(src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
        let size = if meta.is_file() {
            meta.len()
        } else {
            SIZE_UNKNOWN
        };
        tracker
            .add_file(size)
            .map_err(|e| format!("{}: {e}", src.display()))?;
        known.push(meta.is_file());
    }
    let started = Instant::now();
    let worker = {
        let tracker = Arc::clone(&tracker);
        thread::spawn(move || -> Result<(), String> {
            for (src, size_known) in sources.iter().zip(known) {
                copy_one(&tracker, src, &dest, size_known)
                    .map_err(|e| format!("copying {}: {e}", src.display()))?;
            }
            Ok(())
        })
    };
    while !worker.is_finished() {
        let rate = tracker
            .rate()
            .map_or("-".into(), |r| format!("{:.1} MiB/s", r / 1048576.0));
        eprint!("\r{} | {rate}\x1b[K", tracker.snapshot());
        thread::sleep(Duration::from_millis(100));
    }
    let result = worker
        .join()
        .map_err(|_| "the worker panicked".to_string())?;
    eprintln!("\r{}\x1b[K", tracker.snapshot());
    result?;
    let done = tracker.snapshot();
    println!(
        "copy: copied {done} in {:.2} s{}",
        started.elapsed().as_secs_f64(),
        if done.is_complete() {
            ""
        } else {
            " -- INCOMPLETE"
        }
    );
    Ok(())
}

fn main() {
    let mut args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if args.len() < 2 {
        eprintln!("usage: copy SRC... DESTDIR");
        std::process::exit(2);
    }
    let dest = args.pop().unwrap_or_default();
    if let Err(e) = run(args, dest) {
        eprintln!("copy: {e}");
        std::process::exit(1);
    }
}
