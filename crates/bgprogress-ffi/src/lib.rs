//! The C interface of bgprogress: `libbgprogress` and `include/bgprogress.h`.
//!
//! Every function here is a thin wrapper over the `bgprogress` crate: it reads its inputs by
//! value through C's pointers (`NULL` → `BG_ERR_NULL_POINTER`), makes one call into the core,
//! writes its outputs after the last read, maps the outcome to a `bg_result`, and never lets
//! a panic unwind into C (`BG_ERR_INTERNAL`). Out-parameters and mutated structs are written
//! only on `BG_OK`. The rules themselves are documented in the core crate and in the header.
//! `boundary` holds the only ways to do each of those steps.
//!
//! The modules mirror the core's, in the order the header reads: result codes, version, job,
//! its text, files, ranges, reply, tracker. The function docs are written for C readers:
//! cbindgen copies them into the header.
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
// The safety contract of each function is a plain paragraph for C readers ("Safety: ..."
// becomes part of the header), under rustdoc's "# Safety" heading.

// In the order the header reads: tools/header sorts the declarations by it.
mod boundary;
mod error;
mod version;
mod job;
mod format;
mod file;
mod range;
mod reply;
mod tracker;
// After tracker: the header declares bg_tracker before bg_tracker_publish.
mod publish;

pub use error::*;
pub use file::*;
pub use format::FORMAT_BUFFER_SIZE;
pub use job::*;
pub use publish::*;
pub use range::*;
pub use reply::*;
pub use tracker::*;
pub use version::*;

/// No export bypasses the panic boundary: every exported function's body starts with
/// `ffi_result`, `catch_panic`, or `answer`, `ask`, `change` or `release` (which call one of
/// them). (A `ffi_fn!` macro, as hyper has, would enforce it by construction, but cbindgen
/// does not expand macros.)
#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod boundary_is_uniform {
    const SOURCES: [(&str, &str); 9] = [
        ("error.rs", include_str!("error.rs")),
        ("version.rs", include_str!("version.rs")),
        ("job.rs", include_str!("job.rs")),
        ("format.rs", include_str!("format.rs")),
        ("file.rs", include_str!("file.rs")),
        ("range.rs", include_str!("range.rs")),
        ("reply.rs", include_str!("reply.rs")),
        ("tracker.rs", include_str!("tracker.rs")),
        ("publish.rs", include_str!("publish.rs")),
    ];
    /// Functions that cannot panic, so need no boundary: a static string.
    const EXEMPT: [&str; 1] = ["bg_version"];

    #[test]
    fn every_export_goes_through_the_panic_boundary() {
        let mut exports = 0;
        for (file, text) in SOURCES {
            for part in text.split("extern \"C\" fn ").skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                exports += 1;
                if EXEMPT.contains(&name.as_str()) {
                    continue;
                }
                let body = part[part.find('{').unwrap() + 1..].trim_start();
                assert!(
                    [
                        "ffi_result(",
                        "catch_panic(",
                        "answer(",
                        "ask(",
                        "change(",
                        "release("
                    ]
                    .iter()
                    .any(|s| body.starts_with(s)),
                    "{file}: {name} does not go through the panic boundary"
                );
            }
        }
        // The header's 40, and bg_tracker_paths (only in the stress runs' builds).
        assert_eq!(exports, 41, "the exported functions");
    }
}
