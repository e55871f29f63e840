//! The parts of published jobs that every system shares: the publisher's side of a job file
//! (its creation, its commits into the shared mapping, its close), a reader's whole-file
//! read, and the directory's listing and pruning. What differs by system is in `sys`.
#![allow(unsafe_code)] // atomic stores into the shared mapping

use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use super::layout::{self, Owner, Read, Slot, SIZE};
use super::{os_error, sys};
use crate::{Error, JobProgress};

/// The user's jobs directory (see `super::jobs_dir`): `BGPROGRESS_DIR`, else the system's
/// default; created when missing, then refused unless it is a private directory of the user.
pub(super) fn jobs_dir() -> Result<PathBuf, Error> {
    let dir = match std::env::var_os("BGPROGRESS_DIR").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => sys::default_dir(),
    };
    match sys::create_dir(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        Err(e) => return Err(os_error(&e)),
    }
    let meta = std::fs::symlink_metadata(&dir).map_err(|e| os_error(&e))?;
    sys::private(&meta)?;
    if !meta.is_dir() {
        return Err(Error::Permission);
    }
    Ok(dir)
}

/// The file's first [`SIZE`] bytes, read at offset 0 (again while a read returns less), and
/// the file's size.
fn read_bytes(file: &File) -> Result<([u8; SIZE], u64), Error> {
    let b = read_full(|buf, at| sys::read_at(file, buf, at))?;
    let len = file.metadata().map_err(|e| os_error(&e))?.len();
    Ok((b, len))
}

/// [`SIZE`] bytes from offset 0 by `read_at(buffer, offset)`, again while it returns less or
/// is interrupted: [`Error::Corrupt`] when it reaches the end first, its error otherwise.
fn read_full(
    mut read_at: impl FnMut(&mut [u8], u64) -> std::io::Result<usize>,
) -> Result<[u8; SIZE], Error> {
    let mut b = [0u8; SIZE];
    let mut got = 0;
    while let Some(rest) = b.get_mut(got..).filter(|r| !r.is_empty()) {
        match read_at(rest, got as u64) {
            Ok(0) => return Err(Error::Corrupt), // shorter than the layout
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(os_error(&e)),
        }
    }
    Ok(b)
}

pub(super) fn read_file(file: &File) -> Result<Read, Error> {
    let (b, len) = read_bytes(file)?;
    layout::parse(&b, len)
}

pub(super) fn read_header(file: &File) -> Result<Owner, Error> {
    let (b, len) = read_bytes(file)?;
    layout::parse_header(&b, len).map(|(owner, _, _)| owner)
}

impl sys::Map {
    /// Stores a word of the mapping.
    #[inline(always)]
    fn store(&self, at: usize, word: u64) {
        debug_assert!(at % 8 == 0 && at + 8 <= SIZE);
        // SAFETY: `at` is an aligned offset inside the mapping (page-aligned, SIZE bytes),
        // which lives as long as `self`; other processes only read it.
        unsafe { (*self.ptr().add(at).cast::<AtomicU64>()).store(word, Ordering::Relaxed) }
    }

    /// Stores a 32-bit word of the mapping's header.
    fn store32(&self, at: usize, word: u32) {
        debug_assert!(at % 4 == 0 && at + 4 <= 64);
        // SAFETY: as in `store`, for an aligned 4-byte word of the header.
        unsafe { (*self.ptr().add(at).cast::<AtomicU32>()).store(word, Ordering::Release) }
    }
}

/// The publisher's side of a job file: the shared mapping. Slots are written only by the
/// tracker's committing writer (under the tracker's lock: one at a time, without a lock of
/// their own); the state and the closed flag are header words that `set_state` and `close`
/// store on their own.
pub(crate) struct Shared {
    map: sys::Map,
    name: String,
    path: PathBuf,
    dir: PathBuf,
    file: File,
    /// The last commit's number (written under the tracker's lock).
    seq: AtomicU64,
    closed: AtomicBool,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("path", &self.path).finish()
    }
}

impl Shared {
    /// Creates `NAME.job` (owner-only, no symbolic link followed), replacing a stale or
    /// unreadable job of that name, maps it and writes its header and first slot (`job`,
    /// `added`).
    pub(crate) fn create(name: &str, job: &JobProgress, added: u64) -> Result<Shared, Error> {
        super::check_job_name(name)?;
        let dir = jobs_dir()?;
        let path = dir.join(format!("{name}.job"));
        let _lock = sys::DirLock::new(&dir)?;
        // A job of that name: refused while its publisher lives, else replaced.
        match std::fs::symlink_metadata(&path) {
            Ok(meta) => {
                sys::private(&meta)?; // never remove what is not ours
                let live = sys::open_job(&path)
                    .and_then(|f| read_header(&f))
                    .is_ok_and(sys::alive);
                if live {
                    return Err(Error::Exists);
                }
                sys::remove(&path).map_err(|e| os_error(&e))?;
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(os_error(&e)),
        }
        // Made whole under a name no reader opens (a leading dot), then renamed into place:
        // a reader never sees a half-written job.
        let tmp = dir.join(format!(".{name}.job.{}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let file = sys::create_new(&tmp).map_err(|e| os_error(&e))?;
        let map = match file
            .set_len(SIZE as u64)
            .map_err(|e| os_error(&e))
            .and_then(|()| sys::Map::new(&file))
        {
            Ok(map) => map,
            Err(e) => {
                drop(file);
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        let shared = Shared {
            map,
            name: name.to_string(),
            path,
            dir,
            file,
            seq: AtomicU64::new(0),
            closed: AtomicBool::new(false),
        };
        shared.commit(job, added);
        let header = layout::header(sys::own());
        for (i, chunk) in header.chunks_exact(8).enumerate() {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            shared.map.store(8 * i, u64::from_ne_bytes(w));
        }
        if let Err(e) = std::fs::rename(&tmp, &shared.path) {
            let _ = std::fs::remove_file(&tmp);
            shared.closed.store(true, Ordering::Relaxed); // nothing to remove in Drop
            return Err(os_error(&e));
        }
        Ok(shared)
    }

    /// A commit of the tracker: called by the writer that commits, under the tracker's lock
    /// (so one at a time), and once by `create`. Writes the slot the last commit did not use.
    #[inline(always)]
    pub(crate) fn commit(&self, job: &JobProgress, added: u64) {
        if self.closed.load(Ordering::Relaxed) {
            return;
        }
        let seq = self.seq.load(Ordering::Relaxed) + 1;
        let at = layout::slot_offset(seq);
        let (words, check) = layout::slot_words(&Slot {
            seq,
            job: *job,
            added,
        });
        for (i, w) in words.iter().enumerate() {
            self.map.store(at + 8 * i, *w);
        }
        self.map.store(at + layout::CHECK_AT, check);
        self.seq.store(seq, Ordering::Relaxed);
    }

    pub(crate) fn set_state(&self, state: u32) {
        if !self.closed.load(Ordering::Acquire) {
            self.map.store32(layout::STATE_AT, state);
        }
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Marks the publication closed (later commits are not written) and removes the name
    /// (when it is still this file).
    pub(crate) fn close(&self) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        self.map.store32(layout::CLOSED_AT, 1);
        if let Ok(_lock) = sys::DirLock::new(&self.dir) {
            if sys::same_file(&self.file, &self.path) {
                let _ = sys::remove(&self.path);
            }
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.close(); // then the mapping is unmapped (`sys::Map`'s Drop), then the file closed
    }
}

pub(super) fn names() -> Result<Vec<String>, Error> {
    names_in(&jobs_dir()?)
}

/// The valid job names of `dir`, sorted.
fn names_in(dir: &Path) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| os_error(&e))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".job")?.to_string();
            super::check_job_name(&stem).ok().map(|()| stem)
        })
        .collect();
    names.sort();
    Ok(names)
}

/// Whether `file` is a job file's hidden leftover: `.NAME.job.` and more, as a publisher
/// makes it before its rename (and Windows's `remove` before it deletes).
fn leftover(file: &str) -> bool {
    file.strip_prefix('.')
        .and_then(|rest| rest.split_once(".job."))
        .is_some_and(|(name, tail)| !tail.is_empty() && super::check_job_name(name).is_ok())
}

pub(super) fn prune() -> Result<u32, Error> {
    let dir = jobs_dir()?;
    let _lock = sys::DirLock::new(&dir)?;
    // Hidden leftovers: publishers hold the lock from a file's creation to its rename, so
    // under it any that remain are a dead publisher's.
    for entry in std::fs::read_dir(&dir).map_err(|e| os_error(&e))?.flatten() {
        if entry.file_name().to_str().is_some_and(leftover) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let mut removed = 0;
    for name in names_in(&dir)? {
        let path = dir.join(format!("{name}.job"));
        let Ok(file) = sys::open_job(&path) else {
            continue;
        };
        let Ok(owner) = read_header(&file) else {
            continue;
        };
        if sys::alive(owner) {
            continue;
        }
        // Closed first: Windows removes no file that this process still has open.
        let same = sys::same_file(&file, &path);
        drop(file);
        if same && sys::remove(&path).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Error as IoError;

    /// A file of `SIZE` bytes (byte i is i % 251) read `chunk` bytes at a time, with an
    /// interruption before every read and one `fail`ure after `fail_after` reads.
    fn reads(chunk: usize, fail_after: Option<(usize, IoError)>) -> Result<[u8; SIZE], Error> {
        let mut calls = 0;
        let mut interrupted = false;
        let mut fail = fail_after;
        read_full(|buf, at| {
            interrupted = !interrupted;
            if interrupted {
                return Err(IoError::from(ErrorKind::Interrupted));
            }
            calls += 1;
            if fail.as_ref().is_some_and(|(n, _)| calls > *n) {
                return Err(fail.take().unwrap().1);
            }
            let n = chunk.min(buf.len()).min(SIZE - at as usize);
            for (i, x) in buf[..n].iter_mut().enumerate() {
                *x = ((at as usize + i) % 251) as u8;
            }
            Ok(n)
        })
    }

    #[test]
    fn reads_are_resumed_where_they_stopped_and_after_interruptions() {
        let want: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
        assert_eq!(reads(7, None).unwrap().to_vec(), want);
        assert_eq!(reads(SIZE, None).unwrap().to_vec(), want);
        // An I/O error: EIO, or Windows' ERROR_IO_DEVICE.
        let eio = if cfg!(windows) { 1117 } else { 5 };
        assert_eq!(
            reads(7, Some((3, IoError::from_raw_os_error(eio)))),
            Err(Error::Io)
        );
        assert_eq!(crate::publish::last_os_error(), eio);
        assert_eq!(
            reads(7, Some((0, IoError::from(ErrorKind::PermissionDenied)))),
            Err(Error::Permission)
        );
        // The end of the file before SIZE bytes.
        let mut left = 10;
        let short = read_full(|buf, _| {
            let n = left.min(buf.len());
            left -= n;
            Ok(n)
        });
        assert_eq!(short, Err(Error::Corrupt));
    }
}
