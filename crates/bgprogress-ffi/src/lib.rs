//! The C interface of bgprogress: `libbgprogress` and `include/bgprogress.h`.
//!
//! Every function here is a thin wrapper over the `bgprogress` crate: it checks its pointers
//! (`NULL` → `BG_ERR_NULL_POINTER`), makes one call into the core, maps the outcome to a
//! `bg_result`, and never lets a panic unwind into C (`BG_ERR_INTERNAL`). Out-parameters and
//! mutated structs are written only on `BG_OK`. The rules themselves are documented in the
//! core crate and in the header.
//!
//! The functions are for C, but Rust can call them too:
//!
//! ```
//! use bgprogress::JobProgress;
//! use bgprogress_ffi::{bg_job_progress_add_bytes, bg_job_progress_percent, bg_result};
//!
//! let mut job = JobProgress::new(200, 50, 1, 0);
//! let mut percent = 0u32;
//! unsafe {
//!     assert_eq!(bg_job_progress_percent(&job, &mut percent), bg_result::BG_OK);
//!     assert_eq!(percent, 25);
//!     // Refused, and nothing changes: all or nothing.
//!     assert_eq!(bg_job_progress_add_bytes(&mut job, 151), bg_result::BG_ERR_BYTES_EXCEED_TOTAL);
//!     assert_eq!(bg_job_progress_percent(std::ptr::null(), &mut percent), bg_result::BG_ERR_NULL_POINTER);
//! }
//! assert_eq!(job.bytes_transferred, 50);
//! ```
//!
//! Include the Windows SDK's `<bits.h>` or `<deliveryoptimization.h>` *before*
//! `bgprogress.h`: the header then uses the SDK's own `BG_JOB_PROGRESS` and siblings, so the
//! helpers apply directly to what `IBackgroundCopyJob::GetProgress` fills.
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod boundary;
mod files;
mod info;
mod job;
mod tracker;

pub use boundary::bg_result;
pub use files::*;
pub use info::*;
pub use job::*;
pub use tracker::*;
