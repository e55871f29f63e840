//! Published jobs through the public API, each test in a private jobs directory
//! (`BGPROGRESS_DIR`), as a hostile user of the files would try them.
#![cfg(any(unix, windows))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::fs;
#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use bgprogress::publish::layout::{self, Owner, Slot};
use bgprogress::{
    jobs, prune, Error, JobProgress, JobView, Tracker, JOB_STATE_CANCELLED, JOB_STATE_TRANSFERRED,
    JOB_STATE_TRANSFERRING,
};

/// The environment is the process's: one test at a time sets BGPROGRESS_DIR.
static ENV: Mutex<()> = Mutex::new(());

fn in_private_dir(test: impl FnOnce(&Path)) {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::env::temp_dir().join(format!(
        "bgprogress-test-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir(&dir).unwrap();
    #[cfg(unix)]
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    std::env::set_var("BGPROGRESS_DIR", &dir);
    test(&dir);
    #[cfg(unix)]
    let _ = fs::set_permissions(&dir, fs::Permissions::from_mode(0o700));
    fs::remove_dir_all(&dir).unwrap();
}

/// A job file as a publisher that is gone would have left it.
fn write_job(path: &Path, owner: Owner, slot: Slot) {
    let mut b = vec![0u8; layout::SIZE];
    b[..64].copy_from_slice(&layout::header(owner));
    let at = layout::slot_offset(slot.seq);
    let (words, check) = layout::slot_words(&slot);
    for (i, w) in words.iter().enumerate() {
        b[at + 8 * i..at + 8 * i + 8].copy_from_slice(&w.to_ne_bytes());
    }
    b[at + layout::CHECK_AT..at + layout::CHECK_AT + 8].copy_from_slice(&check.to_ne_bytes());
    fs::write(path, &b).unwrap();
    #[cfg(unix)]
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
}

fn dead_owner() -> Owner {
    // A process id above the kernel's limit (pid_max is at most 2^22): never alive.
    Owner {
        pid: 0x7fff_fff0,
        start: 1,
    }
}

fn slot(done: u64) -> Slot {
    Slot {
        seq: 1,
        job: JobProgress::new(1000, done, 1, 0),
        added: done,
    }
}

#[test]
fn a_publication_is_read_by_name_and_closed() {
    in_private_dir(|dir| {
        let tracker = Tracker::new();
        tracker.add_file(4000).unwrap();
        tracker.add_bytes(1000).unwrap();
        let publication = tracker.publish("job-1").unwrap();
        assert_eq!(publication.name(), "job-1");
        let file = dir.join("job-1.job");
        // Its Debug names the file.
        let debug = format!("{publication:?}");
        assert!(
            debug.contains(&format!("{:?}", file)),
            "{debug} names {}",
            file.display()
        );
        #[cfg(unix)]
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(file.is_file());

        let view = JobView::open("job-1").unwrap();
        assert_eq!(
            view.read().unwrap(),
            (JobProgress::new(4000, 1000, 1, 0), JOB_STATE_TRANSFERRING)
        );
        assert_eq!(view.owner_pid(), u64::from(std::process::id()));
        assert!(!view.is_stale() && !view.is_closed());
        tracker.add_bytes(3000).unwrap();
        tracker.complete_file().unwrap();
        publication.set_state(JOB_STATE_TRANSFERRED).unwrap();
        assert_eq!(
            publication.set_state(JOB_STATE_CANCELLED + 1),
            Err(Error::InvalidState)
        );
        assert_eq!(
            view.read().unwrap(),
            (JobProgress::new(4000, 4000, 1, 1), JOB_STATE_TRANSFERRED)
        );
        assert_eq!(view.eta(), Ok(0.0));
        assert_eq!(jobs().unwrap().collect::<Vec<_>>(), ["job-1"]);

        drop(publication);
        assert!(!file.exists());
        assert_eq!(JobView::open("job-1").unwrap_err(), Error::NotFound);
        // The open view keeps the last state, marked closed; later updates are not seen.
        tracker.rewind_bytes(10).unwrap();
        assert_eq!(view.read().unwrap().0, JobProgress::new(4000, 4000, 1, 1));
        assert!(view.is_closed());
    });
}

#[test]
fn dropping_the_tracker_closes_its_publication() {
    in_private_dir(|_| {
        let tracker = Tracker::new();
        tracker.add_file(10).unwrap();
        let publication = tracker.publish("dropped").unwrap();
        let view = JobView::open("dropped").unwrap();
        assert_eq!(view.read().unwrap().0, JobProgress::new(10, 0, 1, 0));
        assert!(!view.is_closed());
        drop(tracker);
        assert_eq!(view.read().unwrap().0, JobProgress::new(10, 0, 1, 0));
        assert!(view.is_closed());
        drop(publication);
    });
}

#[test]
fn a_state_alone_is_seen_and_another_publishers_file_in_place_is_corrupt() {
    in_private_dir(|dir| {
        let tracker = Tracker::new();
        let publication = tracker.publish("state").unwrap();
        let view = JobView::open("state").unwrap();
        assert_eq!(view.read().unwrap().1, JOB_STATE_TRANSFERRING);
        // No commit since: the state word alone changes.
        publication.set_state(JOB_STATE_CANCELLED).unwrap();
        assert_eq!(view.read().unwrap().1, JOB_STATE_CANCELLED);
        // The same file rewritten in place with another publisher's header: not this job.
        let mut other = vec![0u8; layout::SIZE];
        other[..64].copy_from_slice(&layout::header(dead_owner()));
        let s = slot(5);
        let at = layout::slot_offset(s.seq);
        let (words, check) = layout::slot_words(&s);
        for (i, w) in words.iter().enumerate() {
            other[at + 8 * i..at + 8 * i + 8].copy_from_slice(&w.to_ne_bytes());
        }
        other[at + layout::CHECK_AT..at + layout::CHECK_AT + 8]
            .copy_from_slice(&check.to_ne_bytes());
        use std::io::{Seek, Write};
        let mut f = fs::OpenOptions::new()
            .write(true)
            .open(dir.join("state.job"))
            .unwrap();
        f.seek(std::io::SeekFrom::Start(0)).unwrap();
        f.write_all(&other).unwrap();
        drop(f);
        assert_eq!(view.read(), Err(Error::Corrupt));
        drop(publication);
    });
}

#[test]
fn names_are_checked_everywhere() {
    in_private_dir(|_| {
        let tracker = Tracker::new();
        let long = "x".repeat(65);
        for bad in ["", ".hidden", "a/b", "../x", "a b", "é", long.as_str()] {
            assert_eq!(
                tracker.publish(bad).unwrap_err(),
                Error::InvalidName,
                "{bad:?}"
            );
            assert_eq!(
                JobView::open(bad).unwrap_err(),
                Error::InvalidName,
                "{bad:?}"
            );
        }
        let max = "a".repeat(64);
        let p = tracker.publish(&max).unwrap();
        assert!(JobView::open(&max).is_ok());
        drop(p);
        // Dots (not first), underscores and hyphens are name bytes too.
        for good in ["a.b_c-d", "Z9_", "x-1.2"] {
            assert_eq!(bgprogress::check_job_name(good), Ok(()), "{good:?}");
        }
    });
}

#[test]
fn a_live_name_is_refused_and_a_stale_one_taken_over() {
    in_private_dir(|dir| {
        let first = Tracker::new();
        let held = first.publish("shared").unwrap();
        let second = Tracker::new();
        assert_eq!(second.publish("shared").unwrap_err(), Error::Exists);
        // One name at a time per tracker.
        assert_eq!(first.publish("other").unwrap_err(), Error::Exists);
        assert!(!dir.join("other.job").exists());
        drop(held);

        write_job(&dir.join("gone.job"), dead_owner(), slot(500));
        let view = JobView::open("gone").unwrap();
        assert!(view.is_stale());
        assert_eq!(view.read().unwrap().0, JobProgress::new(1000, 500, 1, 0));
        let taken = second.publish("gone").unwrap();
        assert_eq!(
            JobView::open("gone").unwrap().owner_pid(),
            u64::from(std::process::id())
        );
        // The old view still reads the stale file it opened.
        assert!(view.is_stale());
        drop(taken);

        write_job(&dir.join("stale-1.job"), dead_owner(), slot(1));
        write_job(&dir.join("stale-2.job"), dead_owner(), slot(2));
        let live = first.publish("live").unwrap();
        // What a publisher killed before its rename, or a Windows removal, leaves: removed
        // too (not counted as jobs); files of other names are not touched.
        let leftovers = [".gone.job.4242", ".gone.job.gone.4242.0"];
        let others = [".other", "x.txt", ".job.1", ".in valid.job.7"];
        for f in leftovers.iter().chain(&others) {
            fs::write(dir.join(f), b"left").unwrap();
        }
        assert_eq!(prune(), Ok(2));
        assert_eq!(jobs().unwrap().collect::<Vec<_>>(), ["live"]);
        for f in leftovers {
            assert!(!dir.join(f).exists(), "{f} is still there");
        }
        for f in others {
            assert!(dir.join(f).exists(), "{f} was removed");
        }
        drop(live);
    });
}

#[test]
fn every_truncation_and_random_bytes_are_corrupt_never_a_crash() {
    in_private_dir(|dir| {
        let path = dir.join("victim.job");
        let mut whole = vec![0u8; layout::SIZE];
        write_job(&path, dead_owner(), slot(10));
        whole.copy_from_slice(&fs::read(&path).unwrap());
        let mut tried = 0;
        for len in 0..layout::SIZE {
            fs::write(&path, &whole[..len]).unwrap();
            assert_eq!(
                JobView::open("victim").unwrap_err(),
                Error::Corrupt,
                "length {len}"
            );
            tried += 1;
        }
        // A view opened on the whole file, then the file truncated or scribbled under it:
        // its last state or Corrupt, never a crash.
        fs::write(&path, &whole).unwrap();
        let view = JobView::open("victim").unwrap();
        for len in (0..layout::SIZE).step_by(7) {
            let f = fs::OpenOptions::new().write(true).open(&path).unwrap();
            f.set_len(len as u64).unwrap();
            let read = view.read();
            assert!(
                read == Err(Error::Corrupt) || read == Ok((slot(10).job, JOB_STATE_TRANSFERRING))
            );
            fs::write(&path, &whole).unwrap();
        }
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..500 {
            let mut b = whole.clone();
            for byte in b.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if x % 7 == 0 {
                    *byte = x as u8;
                }
            }
            fs::write(&path, &b).unwrap();
            match JobView::open("victim") {
                Ok(v) => assert!(v.read().unwrap().0.validate().is_ok()),
                Err(e) => assert_eq!(e, Error::Corrupt),
            }
            tried += 1;
        }
        // A valid header with absurd counts in a slot whose check matches: refused.
        let mut absurd = slot(10);
        absurd.job = JobProgress::new(5, u64::MAX - 1, 1, 7);
        write_job(&path, dead_owner(), absurd);
        assert_eq!(JobView::open("victim").unwrap_err(), Error::Corrupt);
        tried += 1;
        // A whole valid file whose header declares another size, version or byte order:
        // each refused.
        write_job(&path, dead_owner(), slot(10));
        let good = fs::read(&path).unwrap();
        assert!(JobView::open("victim").is_ok());
        let size = u32::try_from(layout::SIZE).unwrap();
        for (at, value) in [
            (12, 0),
            (12, size + 8),
            (12, size - 8),
            (12, u32::MAX),
            (8, 0),
            (8, 2),
            (16, 0x0403_0201),
        ] {
            let mut b = good.clone();
            b[at..at + 4].copy_from_slice(&u32::to_ne_bytes(value));
            fs::write(&path, &b).unwrap();
            assert_eq!(
                JobView::open("victim").unwrap_err(),
                Error::Corrupt,
                "word {at} = {value:#x}"
            );
            tried += 1;
        }
        println!("hostile files tried: {tried}");
    });
}

#[cfg(unix)]
#[test]
fn links_modes_owners_fifos_and_directories_are_refused() {
    in_private_dir(|dir| {
        let real = dir.join("real.job");
        write_job(&real, dead_owner(), slot(1));
        std::os::unix::fs::symlink(&real, dir.join("link.job")).unwrap();
        assert_eq!(JobView::open("link").unwrap_err(), Error::Permission);
        // The publisher does not follow or remove it either.
        assert_eq!(
            Tracker::new().publish("link").unwrap_err(),
            Error::Permission
        );
        assert!(dir.join("link.job").symlink_metadata().is_ok());

        fs::set_permissions(&real, fs::Permissions::from_mode(0o666)).unwrap();
        assert_eq!(JobView::open("real").unwrap_err(), Error::Permission);
        fs::set_permissions(&real, fs::Permissions::from_mode(0o620)).unwrap();
        assert_eq!(JobView::open("real").unwrap_err(), Error::Permission);
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(JobView::open("real").is_ok());

        fs::create_dir(dir.join("adir.job")).unwrap();
        fs::set_permissions(dir.join("adir.job"), fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(JobView::open("adir").unwrap_err(), Error::Corrupt);
        let fifo = dir.join("fifo.job");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid path.
        assert_eq!(unsafe { libc_mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(JobView::open("fifo").unwrap_err(), Error::Corrupt); // and no hang

        // Another owner (as root, the file is given away; otherwise this part cannot run).
        if is_root() {
            let theirs = dir.join("theirs.job");
            write_job(&theirs, dead_owner(), slot(1));
            std::os::unix::fs::chown(&theirs, Some(12345), Some(12345)).unwrap();
            assert_eq!(JobView::open("theirs").unwrap_err(), Error::Permission);
            assert_eq!(
                Tracker::new().publish("theirs").unwrap_err(),
                Error::Permission
            );
            assert_eq!(prune(), Ok(1)); // real.job is stale; theirs is left alone
            assert!(theirs.symlink_metadata().is_ok());
        }

        // The directory: writable by others, or a symbolic link.
        fs::set_permissions(dir, fs::Permissions::from_mode(0o777)).unwrap();
        assert_eq!(JobView::open("real").unwrap_err(), Error::Permission);
        assert_eq!(Tracker::new().publish("x").unwrap_err(), Error::Permission);
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).unwrap();
        let link: std::path::PathBuf = dir.with_extension("link");
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(dir, &link).unwrap();
        std::env::set_var("BGPROGRESS_DIR", &link);
        assert_eq!(JobView::open("real").unwrap_err(), Error::Permission);
        std::env::set_var("BGPROGRESS_DIR", dir);
        fs::remove_file(&link).unwrap();
    });
}

#[cfg(unix)]
extern "C" {
    #[link_name = "mkfifo"]
    fn libc_mkfifo(path: *const std::ffi::c_char, mode: u32) -> i32;
    fn geteuid() -> u32;
}

#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { geteuid() == 0 }
}

#[test]
fn readers_see_every_commit_whole_and_in_order() {
    in_private_dir(|_| {
        let tracker = Arc::new(Tracker::new());
        tracker.add_file(4 * 20_000 * 3).unwrap();
        let publication = tracker.publish("busy").unwrap();
        let writers: Vec<_> = (0..4)
            .map(|_| {
                let t = Arc::clone(&tracker);
                std::thread::spawn(move || {
                    for _ in 0..20_000 {
                        t.add_bytes(3).unwrap();
                    }
                })
            })
            .collect();
        let view = JobView::open("busy").unwrap();
        let (mut last, mut reads) = (0, 0u64);
        while writers.iter().any(|w| !w.is_finished()) {
            let (job, state) = view.read().unwrap();
            assert!(job.validate().is_ok() && job.bytes_transferred % 3 == 0);
            assert!(
                job.bytes_transferred >= last,
                "backwards: {} after {last}",
                job.bytes_transferred
            );
            assert_eq!(state, JOB_STATE_TRANSFERRING);
            last = job.bytes_transferred;
            reads += 1;
        }
        for w in writers {
            w.join().unwrap();
        }
        assert_eq!(view.read().unwrap().0, tracker.snapshot());
        println!("reads while 4 writers committed: {reads}");
        drop(publication);
    });
}

#[test]
fn a_view_measures_the_rate_from_its_reads() {
    in_private_dir(|_| {
        let tracker = Tracker::new();
        tracker.add_file(10_000_000).unwrap();
        let _p = tracker.publish("rate").unwrap();
        // Bytes before the view's first look are not part of its measure.
        tracker.add_bytes(9_000_000).unwrap();
        let view = JobView::open("rate").unwrap();
        assert_eq!(view.rate(), Err(Error::NotEnoughData));
        for _ in 0..5 {
            tracker.add_bytes(10_000).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(50));
            let _ = view.rate();
        }
        let rate = view.rate().unwrap();
        assert!(rate > 10_000.0 && rate < 1_000_000.0, "{rate}");
        // 950 kB remain, at under 1 MB/s.
        let eta = view.eta().unwrap();
        assert!(eta.is_finite() && eta > 0.5, "{eta}");
    });
}

/// A jobs directory that cannot be made is reported as its making failed (refused), not as
/// missing (what a look at the path afterwards would say).
#[cfg(unix)]
#[test]
fn a_jobs_directory_that_cannot_be_made_says_why() {
    in_private_dir(|dir| {
        // mkdir refused: below a directory the user may not write; root may write anywhere,
        // so for root a path in sysfs, where mkdir is refused with EPERM.
        let target = if is_root() {
            Path::new("/sys/bgprogress-test").to_path_buf()
        } else {
            let parent = dir.join("read-only");
            fs::create_dir(&parent).unwrap();
            fs::set_permissions(&parent, fs::Permissions::from_mode(0o500)).unwrap();
            parent.join("jobs")
        };
        match fs::create_dir(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
            other => {
                let _ = fs::remove_dir(&target);
                println!(
                    "skipped: mkdir {} gave {other:?}, not a refusal",
                    target.display()
                );
                return;
            }
        }
        std::env::set_var("BGPROGRESS_DIR", &target);
        let got = bgprogress::jobs_dir();
        let code = bgprogress::last_os_error();
        std::env::set_var("BGPROGRESS_DIR", dir);
        assert_eq!(got, Err(Error::Permission));
        assert!(code == 1 || code == 13, "EPERM or EACCES, not {code}");
    });
}

/// A missing jobs directory is made, private (mode 0700), by the first call that needs it.
#[cfg(unix)]
#[test]
fn a_missing_jobs_directory_is_made_private() {
    in_private_dir(|dir| {
        let new = dir.join("made");
        std::env::set_var("BGPROGRESS_DIR", &new);
        let got = bgprogress::jobs_dir();
        let published = Tracker::new()
            .publish("first")
            .map(|p| p.name().to_string());
        std::env::set_var("BGPROGRESS_DIR", dir);
        assert_eq!(got, Ok(new.clone()));
        assert_eq!(published.as_deref(), Ok("first"));
        let meta = fs::symlink_metadata(&new).unwrap();
        assert!(meta.is_dir());
        assert_eq!(meta.permissions().mode() & 0o777, 0o700);
    });
}

/// A publication maps its file while it or its tracker lives, and unmaps it once both are
/// dropped.
#[cfg(target_os = "linux")]
#[test]
fn the_file_is_unmapped_once_publication_and_tracker_are_dropped() {
    in_private_dir(|dir| {
        let file = dir.join("mapped.job");
        let mapped = || {
            let maps = fs::read_to_string("/proc/self/maps").unwrap();
            // (a closed job's file is removed: its mapping would show as "(deleted)")
            maps.lines()
                .filter(|l| l.contains(file.to_str().unwrap()))
                .count()
        };
        let tracker = Tracker::new();
        let publication = tracker.publish("mapped").unwrap();
        let while_open = mapped();
        drop(publication);
        drop(tracker);
        let after = mapped();
        assert_eq!((while_open, after), (1, 0));
    });
}
