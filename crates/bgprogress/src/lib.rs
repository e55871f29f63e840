//! The Windows BITS / Delivery Optimization job-progress structures, with their rules.
//!
//! [`JobProgress`] is `BG_JOB_PROGRESS`, [`FileProgress`] is `BG_FILE_PROGRESS`,
//! [`ReplyProgress`] is `BG_JOB_REPLY_PROGRESS` and [`FileRange`] is `BG_FILE_RANGE`: each is
//! `#[repr(C)]` with exactly the documented members, so a value filled by
//! `IBackgroundCopyJob::GetProgress` on Windows, or by C code on any platform, can be read and
//! checked here without conversion.
//!
//! The rules, in a few lines:
//! - `bytes_total` is [`SIZE_UNKNOWN`] (`u64::MAX`) while the size of any file is not known, so
//!   a real byte count never reaches `u64::MAX`: a sum that would is an [`Error::Overflow`].
//! - Percentages and fractions are computed exactly: 100 % only when every byte is in.
//! - Every mutator validates the value first and changes it only when it succeeds
//!   (all or nothing).
//!
//! ```
//! use bgprogress::{JobProgress, SIZE_UNKNOWN};
//!
//! let mut job = JobProgress::default();
//! job.add_file(1024 * 1024)?;
//! job.add_file(2 * 1024 * 1024)?;
//! job.add_bytes(1024 * 1024 + 512 * 1024)?;
//! job.complete_file()?;
//! assert_eq!(job.percent()?, 50);
//! assert_eq!(job.to_string(), "1.50 MiB of 3.00 MiB (50%), 1 of 2 files");
//!
//! job.add_file(SIZE_UNKNOWN)?; // one more file whose size is not known yet
//! assert!(!job.is_size_known());
//! # Ok::<(), bgprogress::Error>(())
//! ```
//!
//! Features: `std` (default) adds the thread-safe [`Tracker`] and `std::error::Error`; without
//! it the crate is `no_std`, and `alloc` keeps [`ranges_total`]. `serde` derives
//! `Serialize`/`Deserialize` with the documented member names (`BytesTotal`, ...). `bytemuck`
//! derives `Pod`/`Zeroable` for reading the structs from bytes without copying (for
//! `FileProgress`, which has trailing padding on most targets, `AnyBitPattern`). `windows` (Windows
//! targets only) converts to and from the `windows` crate's BITS structs at no cost, and views
//! them as ours by reference (`AsRef`, `FileProgress::from_sdk_slice`).
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// The bgprogress_sdk_* cfgs exist for the C header only (see SIZE_UNKNOWN): no docs.rs badge.
#![cfg_attr(
    docsrs,
    doc(auto_cfg(hide(
        bgprogress_sdk_job_types,
        bgprogress_sdk_range_types,
        bgprogress_sdk_reply_types
    )))
)]
#![deny(missing_docs)]
#![deny(unsafe_code)] // allowed only where a module says why (each block has its SAFETY)

#[cfg(feature = "alloc")]
extern crate alloc;

mod arith;
mod error;
mod file;
mod format;
mod job;
mod layout;
mod range;
mod reply;
#[cfg(all(feature = "std", target_has_atomic = "64"))]
pub mod publish;
#[cfg(all(feature = "std", target_has_atomic = "64"))]
mod tracker;
#[cfg(all(windows, feature = "windows"))]
mod windows;

pub use error::Error;
pub use file::FileProgress;
#[doc(hidden)] // for benchmarks: which code `from_files` runs
pub use file::Kernel;
pub use format::Size;
pub use job::JobProgress;
#[cfg(all(feature = "std", target_has_atomic = "64"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "std", target_has_atomic = "64"))))]
pub use publish::{
    check_job_name, jobs, jobs_dir, last_os_error, prune, JobView, Publication,
    JOB_STATE_ACKNOWLEDGED, JOB_STATE_CANCELLED, JOB_STATE_CONNECTING, JOB_STATE_ERROR,
    JOB_STATE_QUEUED, JOB_STATE_SUSPENDED, JOB_STATE_TRANSFERRED, JOB_STATE_TRANSFERRING,
    JOB_STATE_TRANSIENT_ERROR,
};
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub use range::ranges_total;
pub use range::{FileRange, LENGTH_TO_EOF};
pub use reply::ReplyProgress;
#[cfg(all(feature = "std", target_has_atomic = "64"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "std", target_has_atomic = "64"))))]
pub use tracker::{Clock, ManualClock, MonotonicClock, Tracker, RATE_MIN_SPAN};

/// The value of BytesTotal while the total size is not known
/// (`BG_SIZE_UNKNOWN`).
///
/// It is the largest 64-bit value (`UINT64_MAX`), so no byte count may ever reach it.
// The `bgprogress_sdk_*` cfgs are never set for Rust builds: cbindgen turns them into
// `#if !defined(BGPROGRESS_SDK_*)` so that the C header steps aside for the Windows SDK's own
// declarations when <bits.h> or <deliveryoptimization.h> came first.
#[cfg(not(bgprogress_sdk_job_types))]
pub const SIZE_UNKNOWN: u64 = u64::MAX;

/// The crate README's Rust snippets, compiled and run as doctests.
#[cfg(all(doctest, feature = "std"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
