//! Published jobs on Unix: the directory and its checks, the publisher's shared mapping, the
//! reader's `pread`s, the directory's lock, and process liveness.
#![allow(unsafe_code)] // mmap/munmap, flock, kill, geteuid

use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::layout::{Owner, SIZE};
use super::os_error;
use crate::Error;

fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Refuses what a user's private file or directory must not be: a symbolic link, another
/// user's, or writable by group or others.
pub(super) fn private(meta: &std::fs::Metadata) -> Result<(), Error> {
    if meta.file_type().is_symlink() || meta.uid() != euid() || meta.mode() & 0o022 != 0 {
        return Err(Error::Permission);
    }
    Ok(())
}

/// Where the jobs directory is when `$BGPROGRESS_DIR` is not set:
/// `$XDG_RUNTIME_DIR/bgprogress`, else `/tmp/bgprogress-UID`.
pub(super) fn default_dir() -> PathBuf {
    default_dir_of(
        std::env::var_os("XDG_RUNTIME_DIR"),
        std::env::temp_dir(),
        euid(),
    )
}

/// [`default_dir`] for these values of `$XDG_RUNTIME_DIR`, the temporary directory and the
/// user (an empty `$XDG_RUNTIME_DIR` counts as unset).
fn default_dir_of(xdg: Option<std::ffi::OsString>, tmp: PathBuf, uid: u32) -> PathBuf {
    match xdg.filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d).join("bgprogress"),
        None => tmp.join(format!("bgprogress-{uid}")),
    }
}

/// Creates the jobs directory, mode 0700.
pub(super) fn create_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new().mode(0o700).create(dir)
}

/// Opens a job file for reading: no symbolic link followed, no blocking on a FIFO; then it
/// must be a private regular file of the user.
pub(super) fn open_job(path: &Path) -> Result<File, Error> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                Error::Permission // a symbolic link in place of the job
            } else {
                os_error(&e)
            }
        })?;
    let meta = file.metadata().map_err(|e| os_error(&e))?;
    private(&meta)?;
    if !meta.is_file() {
        return Err(Error::Corrupt);
    }
    Ok(file)
}

/// `pread`: a read at `offset` that never moves a file position.
pub(super) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    file.read_at(buf, offset)
}

/// The start time of process `pid` (Linux: /proc/PID/stat field 22, in clock ticks since
/// boot); 0 where the system does not say.
fn start_time(pid: u64) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    // The command name (field 2) is in parentheses and may hold anything: count after it.
    stat.rfind(')')
        .and_then(|at| stat[at + 1..].split_whitespace().nth(19))
        .and_then(|f| f.parse().ok())
        .unwrap_or(0)
}

pub(super) fn own() -> Owner {
    let pid = u64::from(std::process::id());
    Owner {
        pid,
        start: start_time(pid),
    }
}

/// Whether the publisher `owner` still runs: its process id exists and, where start times
/// are known, started when the publisher did.
pub(super) fn alive(owner: Owner) -> bool {
    let Ok(pid) = libc::pid_t::try_from(owner.pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
    let exists = unsafe { libc::kill(pid, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    exists && (owner.start == 0 || start_time(owner.pid) == owner.start)
}

/// The jobs directory, locked (flock) while publishers create, replace and remove names in
/// it, so that a name is never taken over twice at once. Readers never take it.
pub(super) struct DirLock {
    _dir: File,
}

impl DirLock {
    pub(super) fn new(dir: &Path) -> Result<DirLock, Error> {
        let d = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(dir)
            .map_err(|e| os_error(&e))?;
        use std::os::fd::AsRawFd;
        // SAFETY: flock on a descriptor this function owns; released when it is closed.
        while unsafe { libc::flock(d.as_raw_fd(), libc::LOCK_EX) } != 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() != ErrorKind::Interrupted {
                return Err(os_error(&e));
            }
        }
        Ok(DirLock { _dir: d })
    }
}

/// Whether `path` names the file `file` has open (its device and inode).
pub(super) fn same_file(file: &File, path: &Path) -> bool {
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Creates `path` exclusively for reading and writing: mode 0600, no symbolic link followed.
pub(super) fn create_new(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
}

/// Removes a job file's name.
pub(super) fn remove(path: &Path) -> std::io::Result<()> {
    std::fs::remove_file(path)
}

/// The publisher's shared read-write mapping of a job file's [`SIZE`] bytes.
pub(super) struct Map(*mut u8);

// SAFETY: the mapping lives as long as the value; its words are stored atomically, the slots
// by one thread at a time (the tracker's lock), the header words by any.
unsafe impl Send for Map {}
// SAFETY: as above.
unsafe impl Sync for Map {}

impl Map {
    /// Maps the first [`SIZE`] bytes of `file` (which has at least that many) shared.
    pub(super) fn new(file: &File) -> Result<Map, Error> {
        use std::os::fd::AsRawFd;
        // SAFETY: a shared read-write mapping of SIZE bytes of the file; unmapped in Drop.
        let map = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                0,
            )
        };
        if map == libc::MAP_FAILED {
            return Err(os_error(&std::io::Error::last_os_error()));
        }
        Ok(Map(map.cast()))
    }

    pub(super) fn ptr(&self) -> *mut u8 {
        self.0
    }
}

impl Drop for Map {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, unmapped once; no reference into it remains.
        unsafe { libc::munmap(self.0.cast(), SIZE) };
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn start_times_are_read_from_proc_and_order_processes() {
        let me = own();
        assert_eq!(me.pid, u64::from(std::process::id()));
        if me.start == 0 {
            // qemu-user answers /proc/self/stat itself, with 0 in this field.
            println!("skipped: /proc/self/stat gives no start time here");
            return;
        }
        assert_eq!(start_time(me.pid), me.start);
        // A process started later (ticks are 10 ms at most) started later.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let mut child = std::process::Command::new("sleep")
            .arg("1")
            .spawn()
            .unwrap();
        let theirs = start_time(u64::from(child.id()));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(theirs > me.start, "{theirs} after {}", me.start);
        assert_eq!(start_time(u64::from(u32::MAX)), 0); // no such process
    }

    #[test]
    fn a_publisher_is_alive_while_its_process_runs_with_its_start_time() {
        let me = own();
        assert!(alive(me));
        assert!(alive(Owner { start: 0, ..me })); // start time unknown: the pid decides
        if me.start != 0 {
            assert!(!alive(Owner {
                start: me.start + 1,
                ..me
            }));
        }
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = u64::from(child.id());
        child.wait().unwrap(); // reaped: the pid names no process now
        assert!(!alive(Owner { pid, start: 0 }));
        assert!(!alive(Owner { pid: 0, start: 0 }));
        assert!(!alive(Owner {
            pid: u64::MAX,
            start: 0
        }));
    }

    #[test]
    fn same_file_is_the_same_device_and_inode() {
        let dir = std::env::temp_dir().join(format!("bgprogress-same-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        let (a, b) = (dir.join("a"), dir.join("b"));
        let file = create_new(&a).unwrap();
        drop(create_new(&b).unwrap());
        let same = same_file(&file, &a);
        let other = same_file(&file, &b);
        let missing = same_file(&file, &dir.join("c"));
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(same && !other && !missing);
    }

    #[test]
    fn the_default_directory_is_xdg_runtime_dir_s_else_a_temporary_one_per_user() {
        let tmp = PathBuf::from("/tmp");
        assert_eq!(
            default_dir_of(Some("/run/user/1000".into()), tmp.clone(), 1000),
            PathBuf::from("/run/user/1000/bgprogress")
        );
        assert_eq!(
            default_dir_of(Some("".into()), tmp.clone(), 1000),
            PathBuf::from("/tmp/bgprogress-1000")
        );
        assert_eq!(
            default_dir_of(None, tmp, 42),
            PathBuf::from("/tmp/bgprogress-42")
        );
        // And the real one is one of these for this process.
        assert_eq!(
            default_dir(),
            default_dir_of(
                std::env::var_os("XDG_RUNTIME_DIR"),
                std::env::temp_dir(),
                euid()
            )
        );
    }
}
