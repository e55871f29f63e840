//! Generates `include/bgprogress.h` from the Rust source with cbindgen (pinned, so that every
//! contributor produces the same header).

use std::path::{Path, PathBuf};

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The committed header's path.
pub fn header_path() -> PathBuf {
    workspace_root().join("include/bgprogress.h")
}

/// What goes after the `#include`s: the version and the Windows SDK guards. Kept here, not in
/// cbindgen.toml, so that the version comes from Cargo.
fn after_includes() -> String {
    format!(
        r#"
/* The library's version; bg_version() returns the same as "MAJOR.MINOR.PATCH". */
#define BGPROGRESS_VERSION_MAJOR {major}
#define BGPROGRESS_VERSION_MINOR {minor}
#define BGPROGRESS_VERSION_PATCH {patch}

/*
 * On Windows, include <bits.h> (or <deliveryoptimization.h>) BEFORE this header: it then uses
 * the SDK's own BG_JOB_PROGRESS, BG_FILE_PROGRESS, BG_JOB_REPLY_PROGRESS, BG_FILE_RANGE,
 * BG_SIZE_UNKNOWN and BG_LENGTH_TO_EOF instead of declaring them, so every helper applies
 * directly to what IBackgroundCopyJob::GetProgress fills. The layouts are the same.
 */
#if defined(__bits_h__) || defined(__deliveryoptimization_h__)
#define BGPROGRESS_SDK_JOB_TYPES 1
#endif
#if defined(__bits1_5_h__) || defined(__deliveryoptimization_h__)
#define BGPROGRESS_SDK_REPLY_TYPES 1
#endif
#if defined(_BG_FILE_RANGE_DEFINED)
#define BGPROGRESS_SDK_RANGE_TYPES 1
#else
/* Declared below: a later <bits2_0.h> must not declare it again. */
#define _BG_FILE_RANGE_DEFINED
#endif
"#,
        major = env!("CARGO_PKG_VERSION_MAJOR"),
        minor = env!("CARGO_PKG_VERSION_MINOR"),
        patch = env!("CARGO_PKG_VERSION_PATCH"),
    )
}

/// The header as cbindgen makes it from the FFI crate and the core now.
pub fn generate() -> Result<String, String> {
    let crate_dir = workspace_root().join("crates/bgprogress-ffi");
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .map_err(|e| format!("cbindgen.toml: {e}"))?;
    config.after_includes = Some(after_includes());
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .map_err(|e| format!("cbindgen: {e}"))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).map_err(|e| format!("cbindgen wrote invalid UTF-8: {e}"))
}
