//! Published jobs on Windows: the directory and its checks, the publisher's file mapping, the
//! reader's positioned reads, the directory's lock, and process liveness (`OpenProcess` and
//! the process's creation time).
#![allow(unsafe_code)] // file mappings, LockFileEx, OpenProcess, GetProcessTimes

use std::fs::{File, OpenOptions};
use std::os::windows::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::os::windows::io::AsRawHandle;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use windows_sys::Win32::Foundation::{
    CloseHandle, GetLastError, ERROR_ACCESS_DENIED, FILETIME, HANDLE, STILL_ACTIVE,
};
use windows_sys::Win32::Storage::FileSystem::{
    GetFileInformationByHandle, LockFileEx, UnlockFile, BY_HANDLE_FILE_INFORMATION,
    FILE_ATTRIBUTE_REPARSE_POINT, FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT,
    LOCKFILE_EXCLUSIVE_LOCK,
};
use windows_sys::Win32::System::Memory::{
    CreateFileMappingW, MapViewOfFile, UnmapViewOfFile, FILE_MAP_READ, FILE_MAP_WRITE,
    MEMORY_MAPPED_VIEW_ADDRESS, PAGE_READWRITE,
};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, GetExitCodeProcess, GetProcessTimes, OpenProcess,
    PROCESS_QUERY_LIMITED_INFORMATION,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::layout::{Owner, SIZE};
use super::os_error;
use crate::Error;

fn handle(file: &File) -> HANDLE {
    file.as_raw_handle() as HANDLE
}

/// Refuses a reparse point (a symbolic link or a junction) in place of the directory or a
/// job. Who may read and write is the directory's ACL (see `jobs_dir`).
pub(super) fn private(meta: &std::fs::Metadata) -> Result<(), Error> {
    if meta.file_type().is_symlink() || meta.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0 {
        return Err(Error::Permission);
    }
    Ok(())
}

/// Where the jobs directory is when `%BGPROGRESS_DIR%` is not set:
/// `%LOCALAPPDATA%\bgprogress` (whose ACL, inherited from the user's profile, lets in only
/// the user, SYSTEM and administrators), else the temporary directory's `bgprogress`.
pub(super) fn default_dir() -> PathBuf {
    match std::env::var_os("LOCALAPPDATA").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d).join("bgprogress"),
        None => std::env::temp_dir().join("bgprogress"),
    }
}

/// Creates the jobs directory (its ACL inherited from its parent).
pub(super) fn create_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir(dir)
}

/// Opens a job file for reading, a reparse point itself rather than what it points to (then
/// refused); it must be a regular file.
pub(super) fn open_job(path: &Path) -> Result<File, Error> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)
        .map_err(|e| os_error(&e))?;
    let meta = file.metadata().map_err(|e| os_error(&e))?;
    private(&meta)?;
    if !meta.is_file() {
        return Err(Error::Corrupt);
    }
    Ok(file)
}

/// A read at `offset` (the file position is not used by anything else).
pub(super) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    file.seek_read(buf, offset)
}

fn filetime(t: &FILETIME) -> u64 {
    u64::from(t.dwHighDateTime) << 32 | u64::from(t.dwLowDateTime)
}

/// The creation time of the process `process` (100 ns units since 1601); 0 when unknown.
fn creation(process: HANDLE) -> u64 {
    let zero = FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };
    let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
    // SAFETY: a valid process handle and four FILETIMEs to fill.
    let ok = unsafe { GetProcessTimes(process, &mut created, &mut exited, &mut kernel, &mut user) };
    if ok == 0 {
        0
    } else {
        filetime(&created)
    }
}

pub(super) fn own() -> Owner {
    Owner {
        pid: u64::from(std::process::id()),
        // SAFETY: the pseudo-handle of this process needs no closing.
        start: creation(unsafe { GetCurrentProcess() }),
    }
}

/// Whether the publisher `owner` still runs: a process of that id is running and, where
/// creation times are known, was created when the publisher was.
pub(super) fn alive(owner: Owner) -> bool {
    let Ok(pid) = u32::try_from(owner.pid) else {
        return false;
    };
    if pid == 0 {
        return false;
    }
    // SAFETY: OpenProcess has no preconditions; a handle it gives is closed below.
    let process = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
    if process.is_null() {
        // SAFETY: no preconditions.
        return unsafe { GetLastError() } == ERROR_ACCESS_DENIED; // it exists, not ours to ask
    }
    let mut code = 0u32;
    // SAFETY: a process handle opened above, with a u32 to fill.
    let running =
        unsafe { GetExitCodeProcess(process, &mut code) } != 0 && code == STILL_ACTIVE as u32;
    let start = creation(process);
    // SAFETY: the handle opened above, closed once.
    unsafe { CloseHandle(process) };
    running && (owner.start == 0 || start == owner.start)
}

/// The jobs directory, locked while publishers create, replace and remove names in it: an
/// exclusive `LockFileEx` on its file `.lock` (no job name starts with a dot). Readers never
/// take it.
pub(super) struct DirLock {
    file: File,
}

impl DirLock {
    pub(super) fn new(dir: &Path) -> Result<DirLock, Error> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
            .open(dir.join(".lock"))
            .map_err(|e| os_error(&e))?;
        private(&file.metadata().map_err(|e| os_error(&e))?)?;
        // SAFETY: an all-zero OVERLAPPED: the lock's range starts at offset 0.
        let mut at: OVERLAPPED = unsafe { std::mem::zeroed() };
        // SAFETY: a synchronous handle this value owns; the call waits for the lock.
        if unsafe { LockFileEx(handle(&file), LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &mut at) } == 0 {
            return Err(os_error(&std::io::Error::last_os_error()));
        }
        Ok(DirLock { file })
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // SAFETY: the byte locked in `new`, on the handle this value owns.
        unsafe { UnlockFile(handle(&self.file), 0, 0, 1, 0) };
    }
}

/// The file index of an open file: what tells files of one volume apart. `same_file` asks
/// only about names in the one jobs directory, so on one volume; the volume's serial number
/// is not compared (Wine answers 0 for it on some handles of a file and not on others).
fn identity(file: &File) -> Option<(u32, u32)> {
    // SAFETY: an all-zero BY_HANDLE_FILE_INFORMATION is valid, and the call fills it.
    let mut info: BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
    // SAFETY: a valid handle and a struct to fill.
    let ok = unsafe { GetFileInformationByHandle(handle(file), &mut info) } != 0;
    ok.then_some((info.nFileIndexHigh, info.nFileIndexLow))
}

/// Whether `path` (not followed if a reparse point) names the file `file` has open.
pub(super) fn same_file(file: &File, path: &Path) -> bool {
    let Ok(there) = OpenOptions::new()
        .access_mode(0)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS)
        .open(path)
    else {
        return false;
    };
    matches!((identity(file), identity(&there)), (Some(a), Some(b)) if a == b)
}

/// Creates `path` exclusively for reading and writing (its ACL inherited from the directory).
pub(super) fn create_new(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(path)
}

/// Removes a job file's name at once: renamed to a hidden name of its own, then deleted.
/// Windows deletes a file that is still open (by its publisher's mapping, or by readers)
/// only when the last handle closes, and until then the name could not be taken again.
pub(super) fn remove(path: &Path) -> std::io::Result<()> {
    static N: AtomicU32 = AtomicU32::new(0);
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return std::fs::remove_file(path);
    };
    let gone = dir.join(format!(
        ".{}.gone.{}.{}",
        name.to_string_lossy(),
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    match std::fs::rename(path, &gone) {
        Ok(()) => {
            let _ = std::fs::remove_file(&gone); // done when its last handle closes
            Ok(())
        }
        Err(_) => std::fs::remove_file(path),
    }
}

/// The publisher's shared read-write view of a job file's [`SIZE`] bytes.
pub(super) struct Map(*mut u8);

// SAFETY: the view lives as long as the value; its words are stored atomically, the slots by
// one thread at a time (the tracker's lock), the header words by any.
unsafe impl Send for Map {}
// SAFETY: as above.
unsafe impl Sync for Map {}

impl Map {
    /// Maps the first [`SIZE`] bytes of `file` (which has at least that many).
    pub(super) fn new(file: &File) -> Result<Map, Error> {
        // SAFETY: a mapping of the open file's first SIZE bytes, without a name.
        let mapping = unsafe {
            CreateFileMappingW(
                handle(file),
                std::ptr::null(),
                PAGE_READWRITE,
                0,
                SIZE as u32,
                std::ptr::null(),
            )
        };
        if mapping.is_null() {
            return Err(os_error(&std::io::Error::last_os_error()));
        }
        // SAFETY: a view of the whole mapping just made; unmapped in Drop.
        let view = unsafe { MapViewOfFile(mapping, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, SIZE) };
        let failed = std::io::Error::last_os_error();
        // SAFETY: the mapping's handle, closed once; the view keeps the mapping alive.
        unsafe { CloseHandle(mapping) };
        if view.Value.is_null() {
            return Err(os_error(&failed));
        }
        Ok(Map(view.Value.cast()))
    }

    pub(super) fn ptr(&self) -> *mut u8 {
        self.0
    }
}

impl Drop for Map {
    fn drop(&mut self) {
        // SAFETY: the view made in `new`, unmapped once; no reference into it remains.
        unsafe {
            UnmapViewOfFile(MEMORY_MAPPED_VIEW_ADDRESS {
                Value: self.0.cast(),
            })
        };
    }
}
