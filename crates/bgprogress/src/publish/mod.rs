//! Published jobs: a tracker's progress read from other processes, as BITS clients read a
//! job that lives in the BITS service.
//!
//! The process that owns a [`Tracker`](crate::Tracker) publishes it under a name
//! ([`Tracker::publish`](crate::Tracker::publish)); from then on every committed update is
//! also written, by the writer that commits it and inside its commit, to the job file
//! `NAME.job` in the user's jobs directory ([`jobs_dir`]). Any process of the same user opens
//! the name ([`JobView::open`]) and reads the job ([`JobView::read`]), its rate and its ETA,
//! without a lock, without a server, and without being able to harm the publisher.
//!
//! - **Where**: `$BGPROGRESS_DIR` when set, else `$XDG_RUNTIME_DIR/bgprogress`, else
//!   `/tmp/bgprogress-UID`; created with mode 0700. A directory or job file that is not owned
//!   by the user, that group or others may write, or that is a symbolic link is refused
//!   ([`Error::Permission`]), as ssh refuses such key files.
//! - **Names**: 1 to 64 bytes of `A-Z a-z 0-9 . _ -`, not starting with `.`
//!   ([`Error::InvalidName`] otherwise).
//! - **The file** ([`layout`]): a header (magic, layout version, size, byte order, the
//!   publisher's process id and start time) and two slots; each commit writes the slot the
//!   previous one did not, with a check over its bytes. A reader takes the newest whole slot,
//!   so it never waits, not even for a publisher stopped or killed in the middle of a write.
//! - **Reading never trusts the file**: readers read it with `pread` (never a mapping, so a
//!   file truncated under them cannot raise `SIGBUS`), check every field, and answer
//!   [`Error::Corrupt`] or the view's last valid state; never a crash, a hang or an
//!   out-of-bounds read.
//! - **Staleness**: a job whose publisher has ended (its process id is gone, or now belongs to
//!   a process that started at another time) is stale ([`JobView::is_stale`]); it still
//!   opens and reads its last state, and [`prune`] removes it.
//! - **Rate and ETA** ([`JobView::rate`], [`JobView::eta`]): the tracker's estimator, fed by
//!   the view's own reads (the bytes the publisher counted, at the times the view looked), so
//!   they follow the same rules and errors; a view needs 100 ms of its own looks for a rate.
//!
//! Publishing needs a Unix system (Linux, or any POSIX system with `mmap`; the process start
//! time, which tells a reused process id, is read on Linux only) or Windows; elsewhere every
//! function here answers [`Error::Io`]. On Windows the jobs directory is
//! `%BGPROGRESS_DIR%`, else `%LOCALAPPDATA%\bgprogress`, else the temporary directory's
//! `bgprogress`; who may read it is its ACL (a directory under `%LOCALAPPDATA%` inherits
//! one that lets in the user, SYSTEM and administrators), the owner and mode checks are
//! Unix's, and a reparse point (a symbolic link or junction) in place of the directory or a
//! job is refused. The publisher writes through a file mapping, readers read with
//! positioned reads, and a publisher is alive while `OpenProcess` finds a running process
//! of its id created at its creation time.
//!
//! ```
//! # #[cfg(unix)] {
//! use bgprogress::{JobView, Tracker};
//! # let dir = std::env::temp_dir().join(format!("bgprogress-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! # std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
//! # std::env::set_var("BGPROGRESS_DIR", &dir);
//! let tracker = Tracker::new();
//! let publication = tracker.publish("doc-example")?;
//! tracker.add_file(4000)?;
//! tracker.add_bytes(1000)?;
//!
//! // In any process of the user:
//! let view = JobView::open("doc-example")?;
//! let (job, state) = view.read()?;
//! assert_eq!(job.to_string(), "1000 B of 3.90 KiB (25%), 0 of 1 files");
//! assert_eq!(state, bgprogress::JOB_STATE_TRANSFERRING);
//! assert!(!view.is_stale());
//! drop(publication); // removes the name; the view keeps its last state
//! assert_eq!(JobView::open("doc-example").unwrap_err(), bgprogress::Error::NotFound);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # }
//! # Ok::<(), bgprogress::Error>(())
//! ```

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::tracker::Estimator;
use crate::{Error, JobProgress};

#[doc(hidden)] // for the fuzz target and the tests: the file's parser
pub mod layout;
// Under loom a tracker does not publish (`Tracker::publish` answers `Error::Io`), so the
// publisher's half of these modules goes unused there; the readers' half is still built.
#[cfg(any(unix, windows))]
#[cfg_attr(loom, allow(dead_code))]
mod shared;
#[cfg(any(unix, windows))]
pub(crate) use shared::Shared;
#[cfg(unix)]
#[cfg_attr(loom, allow(dead_code))]
#[path = "unix.rs"]
mod sys;
#[cfg(windows)]
#[cfg_attr(loom, allow(dead_code))]
#[path = "windows.rs"]
mod sys;

/// `BG_JOB_STATE_QUEUED`: BITS's job states, for the state of a published job.
pub const JOB_STATE_QUEUED: u32 = 0;
/// `BG_JOB_STATE_CONNECTING`.
pub const JOB_STATE_CONNECTING: u32 = 1;
/// `BG_JOB_STATE_TRANSFERRING`: the state of a job when it is published.
pub const JOB_STATE_TRANSFERRING: u32 = 2;
/// `BG_JOB_STATE_SUSPENDED`.
pub const JOB_STATE_SUSPENDED: u32 = 3;
/// `BG_JOB_STATE_ERROR`.
pub const JOB_STATE_ERROR: u32 = 4;
/// `BG_JOB_STATE_TRANSIENT_ERROR`.
pub const JOB_STATE_TRANSIENT_ERROR: u32 = 5;
/// `BG_JOB_STATE_TRANSFERRED`.
pub const JOB_STATE_TRANSFERRED: u32 = 6;
/// `BG_JOB_STATE_ACKNOWLEDGED`.
pub const JOB_STATE_ACKNOWLEDGED: u32 = 7;
/// `BG_JOB_STATE_CANCELLED`: the highest state.
pub const JOB_STATE_CANCELLED: u32 = 8;

/// The longest name: 64 bytes.
pub const NAME_MAX: usize = 64;

/// Checks a job's name: 1 to [`NAME_MAX`] bytes of `A-Z a-z 0-9 . _ -`, not starting with `.`.
///
/// ```
/// use bgprogress::{check_job_name, Error};
/// assert_eq!(check_job_name("backup-2026.12"), Ok(()));
/// assert_eq!(check_job_name("../etc/passwd"), Err(Error::InvalidName));
/// assert_eq!(check_job_name(".hidden"), Err(Error::InvalidName));
/// assert_eq!(check_job_name(""), Err(Error::InvalidName));
/// ```
pub fn check_job_name(name: &str) -> Result<(), Error> {
    let ok = (1..=NAME_MAX).contains(&name.len())
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
    ok.then_some(()).ok_or(Error::InvalidName)
}

std::thread_local! {
    static LAST_OS_ERROR: std::cell::Cell<i32> = const { std::cell::Cell::new(0) };
}

/// The operating system's error code (`errno`; on Windows `GetLastError`) behind the last
/// [`Error::Io`] that this thread got from a published-jobs function; 0 when there was none.
pub fn last_os_error() -> i32 {
    LAST_OS_ERROR.with(|c| c.get())
}

/// Maps an operating-system error: a missing file is [`Error::NotFound`], a refused one
/// [`Error::Permission`], anything else [`Error::Io`] (its code kept for
/// [`last_os_error`]).
#[cfg_attr(not(any(unix, windows)), allow(dead_code))]
pub(crate) fn os_error(e: &std::io::Error) -> Error {
    use std::io::ErrorKind;
    LAST_OS_ERROR.with(|c| c.set(e.raw_os_error().unwrap_or(0)));
    match e.kind() {
        ErrorKind::NotFound => Error::NotFound,
        ErrorKind::PermissionDenied => Error::Permission,
        _ => Error::Io,
    }
}

/// The user's jobs directory, created (mode 0700) when missing: `$BGPROGRESS_DIR`, else
/// `$XDG_RUNTIME_DIR/bgprogress`, else `/tmp/bgprogress-UID`. [`Error::Permission`] when it,
/// or what stands in its place, is not a directory of the user that only the user may write,
/// or is a symbolic link. On Windows: see the [module documentation](self).
pub fn jobs_dir() -> Result<PathBuf, Error> {
    #[cfg(any(unix, windows))]
    return shared::jobs_dir();
    #[cfg(not(any(unix, windows)))]
    return Err(Error::Io);
}

/// A publication: while it lives (and its tracker too), every commit of the tracker is
/// visible to readers under its name. Dropping it is [`close`](Self::close).
#[derive(Debug)]
pub struct Publication {
    #[cfg(any(unix, windows))]
    pub(crate) shared: std::sync::Arc<Shared>,
}

impl Publication {
    /// Sets the job's state (`JOB_STATE_*`, at most [`JOB_STATE_CANCELLED`]: else
    /// [`Error::InvalidState`]) and publishes it at once. After [`close`](Self::close), or
    /// once the tracker is gone, it changes nothing and answers `Ok`.
    pub fn set_state(&self, state: u32) -> Result<(), Error> {
        if state > JOB_STATE_CANCELLED {
            return Err(Error::InvalidState);
        }
        #[cfg(any(unix, windows))]
        self.shared.set_state(state);
        Ok(())
    }

    /// The name it is published under.
    pub fn name(&self) -> &str {
        #[cfg(any(unix, windows))]
        return self.shared.name();
        #[cfg(not(any(unix, windows)))]
        return "";
    }

    /// Removes the name: new opens answer [`Error::NotFound`], views already open keep
    /// reading the last state (marked closed). The tracker's later updates are no longer
    /// published.
    pub fn close(self) {}
}

impl Drop for Publication {
    fn drop(&mut self) {
        #[cfg(any(unix, windows))]
        self.shared.close();
    }
}

/// What a view last read: its commit number, job, state and whether it was closed.
#[derive(Clone, Copy, Debug)]
#[cfg_attr(not(any(unix, windows)), allow(dead_code))]
struct Last {
    seq: u64,
    job: JobProgress,
    state: u32,
    closed: bool,
    added: u64,
}

impl From<layout::Read> for Last {
    fn from(r: layout::Read) -> Last {
        Last {
            seq: r.slot.seq,
            job: r.slot.job,
            state: r.state,
            closed: r.closed,
            added: r.slot.added,
        }
    }
}

/// A reader's view of a published job: opened by name, read any number of times. See the
/// [module documentation](self).
#[derive(Debug)]
pub struct JobView {
    #[cfg(any(unix, windows))]
    file: std::fs::File,
    owner: layout::Owner,
    last: Mutex<Last>,
    /// The estimator, and the publisher's count of bytes at the view's first look.
    estimator: Mutex<Option<(Estimator, u64)>>,
    start: Instant,
}

/// Reads of a torn slot pair retried before a view answers its last state: two commits
/// during one 256-byte read.
#[cfg(any(unix, windows))]
const TORN_RETRIES: u32 = 4;

impl JobView {
    /// Opens the job `name` of the user's jobs directory. Errors: [`Error::InvalidName`];
    /// [`Error::Permission`] for the directory (see [`jobs_dir`]) or a job file that is a
    /// symbolic link, is another user's, or that group or others may write;
    /// [`Error::NotFound`]; [`Error::Corrupt`] when it is no job file of this layout (not a
    /// regular file, too short, another layout version or byte order, no whole valid slot);
    /// [`Error::Io`].
    pub fn open(name: &str) -> Result<JobView, Error> {
        check_job_name(name)?;
        #[cfg(any(unix, windows))]
        {
            let dir = jobs_dir()?;
            let file = sys::open_job(&dir.join(format!("{name}.job")))?;
            let read = shared::read_file(&file)?;
            Ok(JobView {
                file,
                owner: read.owner,
                last: Mutex::new(Last::from(read)),
                estimator: Mutex::new(None),
                start: Instant::now(),
            })
        }
        #[cfg(not(any(unix, windows)))]
        Err(Error::Io)
    }

    /// The job's progress and state (`JOB_STATE_*`) now: always valid (it passes
    /// [`JobProgress::validate`]), never torn, never older than an earlier read of this view.
    /// It never waits: when the file holds no whole valid slot (a hostile change, or two
    /// commits during the read, tried again a few times) it is the view's last state.
    /// [`Error::Corrupt`] when the file's header itself no longer passes (the file was
    /// replaced, truncated or overwritten); [`Error::Io`].
    pub fn read(&self) -> Result<(JobProgress, u32), Error> {
        let last = self.refresh()?;
        Ok((last.job, last.state))
    }

    fn refresh(&self) -> Result<Last, Error> {
        #[cfg_attr(not(any(unix, windows)), allow(unused_mut))]
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        #[cfg(any(unix, windows))]
        for _ in 0..TORN_RETRIES {
            match shared::read_file(&self.file) {
                Ok(read) if read.owner == self.owner => {
                    // The job never goes back; the state and the flag are the file's now.
                    let newer = read.slot.seq > last.seq;
                    let fresh = Last::from(read);
                    *last = if newer {
                        fresh
                    } else {
                        Last {
                            state: fresh.state,
                            closed: fresh.closed,
                            ..*last
                        }
                    };
                    return Ok(*last);
                }
                Ok(_) => return Err(Error::Corrupt), // another publisher's header
                Err(Error::Corrupt) => {
                    // A torn pair, or a header gone: tell them apart.
                    shared::read_header(&self.file)?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(*last)
    }

    /// Whether the publication was closed (by its publisher, or because its tracker was
    /// dropped), as of the last read.
    pub fn is_closed(&self) -> bool {
        self.last.lock().unwrap_or_else(|e| e.into_inner()).closed
    }

    /// The publisher's process id.
    pub fn owner_pid(&self) -> u64 {
        self.owner.pid
    }

    /// Whether the publisher has ended: its process id is gone or belongs to a process that
    /// started at another time. A stale job still reads its last state.
    pub fn is_stale(&self) -> bool {
        #[cfg(any(unix, windows))]
        return !sys::alive(self.owner);
        #[cfg(not(any(unix, windows)))]
        return true;
    }

    /// Bytes per second, from the view's reads (see the [module documentation](self)): the
    /// errors of [`Tracker::rate`](crate::Tracker::rate), and those of [`read`](Self::read).
    pub fn rate(&self) -> Result<f64, Error> {
        self.estimate(|e, _| e.rate())
    }

    /// Seconds until every byte is in, from the view's reads: the errors of
    /// [`Tracker::eta`](crate::Tracker::eta), and those of [`read`](Self::read).
    pub fn eta(&self) -> Result<f64, Error> {
        self.estimate(|e, job| match job.remaining_bytes() {
            Ok(0) => Ok(0.0),
            Ok(remaining) => e.eta(remaining),
            Err(err) => Err(err),
        })
    }

    fn estimate(
        &self,
        answer: impl FnOnce(&Estimator, &JobProgress) -> Result<f64, Error>,
    ) -> Result<f64, Error> {
        let last = self.refresh()?;
        let now = self.start.elapsed();
        let mut estimator = self.estimator.lock().unwrap_or_else(|e| e.into_inner());
        // The bytes before the view's first look are not part of its measure: the estimator
        // counts from that look's count.
        let (e, base) =
            estimator.get_or_insert_with(|| (Estimator::new(Duration::ZERO), last.added));
        let added = last.added.wrapping_sub(*base);
        e.observe(now, added, last.job.remaining_bytes().ok());
        answer(e, &last.job)
    }
}

/// The names of the user's published jobs (stale ones included), sorted; names that are not
/// valid job names are skipped. The errors of [`jobs_dir`], and [`Error::Io`].
pub fn jobs() -> Result<impl Iterator<Item = String>, Error> {
    #[cfg(any(unix, windows))]
    return shared::names().map(Vec::into_iter);
    #[cfg(not(any(unix, windows)))]
    return Err::<std::vec::IntoIter<String>, Error>(Error::Io);
}

/// Removes the stale jobs (their publishers ended) and says how many; also the hidden
/// `.NAME.job.*` files that a publisher killed while it made its job file leaves (not
/// counted). Jobs that cannot be read as job files are left alone. The errors of [`jobs_dir`], and [`Error::Io`].
pub fn prune() -> Result<u32, Error> {
    #[cfg(any(unix, windows))]
    return shared::prune();
    #[cfg(not(any(unix, windows)))]
    return Err(Error::Io);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error as IoError, ErrorKind};

    /// A missing file is NotFound, a refused one Permission, anything else Io; the code
    /// behind each is kept for last_os_error (0 when the error has none).
    #[test]
    fn os_errors_are_mapped_and_their_codes_kept() {
        assert_eq!(
            os_error(&IoError::from(ErrorKind::NotFound)),
            Error::NotFound
        );
        assert_eq!(last_os_error(), 0);
        assert_eq!(
            os_error(&IoError::from(ErrorKind::PermissionDenied)),
            Error::Permission
        );
        assert_eq!(os_error(&IoError::from_raw_os_error(28)), Error::Io);
        assert_eq!(last_os_error(), 28);
        assert_eq!(os_error(&IoError::from(ErrorKind::Other)), Error::Io);
        assert_eq!(last_os_error(), 0);
    }
}
