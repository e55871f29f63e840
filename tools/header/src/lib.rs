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
/*
 * bgprogress: the Windows BITS / Delivery Optimization job-progress structures
 * (BG_JOB_PROGRESS, BG_FILE_PROGRESS, BG_JOB_REPLY_PROGRESS, BG_FILE_RANGE) with their
 * documented layouts and rules, on any platform: check, fill, aggregate and format them,
 * and track a live job from many threads (bg_tracker); publish a tracker for the user's other
 * processes to read (bg_tracker_publish, bg_job_open: on Unix and Windows, BG_ERR_IO elsewhere).
 *
 * Conventions, for every function below:
 * - Results. A function that can fail returns a bg_result: BG_OK (0) or an error, whose
 *   English sentence bg_result_message gives; each function lists its errors. The
 *   predicates (bg_*_is_*), bg_version, bg_result_message, bg_job_progress_format and
 *   bg_tracker_free, bg_publication_close, bg_job_close and bg_last_os_error cannot fail and
 *   return their answer directly; bg_tracker_new returns NULL when memory cannot be allocated.
 * - Outputs are written only on BG_OK; on an error every output is left as it was, and a
 *   mutator changes nothing (all or nothing).
 * - NULL. A pointer a function needs gives BG_ERR_NULL_POINTER when NULL; bg_tracker_free,
 *   bg_job_progress_format and arrays of count 0 accept NULL, as documented at each.
 * - Overlap and alignment. Inputs are read by value before any output is written, so an
 *   output may overlap an input, and structs and arrays may be at any alignment (a
 *   misaligned array is copied).
 * - Memory. Nothing allocates but bg_tracker_new, bg_tracker_publish, bg_job_open, the
 *   published jobs' calls, bg_file_ranges_total (its overlap check) and a misaligned array's
 *   copy; nothing keeps a pointer past the call.
 * - Threads. The struct helpers work on the caller's memory only: call them from any
 *   thread, as long as no other thread writes the same struct meanwhile. A bg_tracker may be
 *   updated and read by any number of threads at once (see bg_tracker for signals and fork).
 * - Windows: include <windows.h> and <bits.h> before this header (below).
 *
 * Needs C99 or C++11 (the fixed-width types, bool, and C++11's typed enum).
 */

/* The library's version; bg_version() returns the same as "MAJOR.MINOR.PATCH". */
#define BGPROGRESS_VERSION_MAJOR {major}
#define BGPROGRESS_VERSION_MINOR {minor}
#define BGPROGRESS_VERSION_PATCH {patch}
/* The same as one comparable number: MAJOR * 10000 + MINOR * 100 + PATCH. */
#define BGPROGRESS_VERSION_NUMBER {number}

/*
 * BGPROGRESS_API marks the library's functions. On Windows it is __declspec(dllimport), for
 * a program that links bgprogress.dll through its import library; define BGPROGRESS_STATIC
 * before including this header to link the static libbgprogress.a instead. Elsewhere it
 * gives the functions default visibility, so that a program built with -fvisibility=hidden
 * still finds them. Define BGPROGRESS_API yourself to override both.
 */
#ifndef BGPROGRESS_API
#if defined(_WIN32) && !defined(BGPROGRESS_STATIC)
#define BGPROGRESS_API __declspec(dllimport)
#elif defined(__GNUC__) && !defined(_WIN32)
#define BGPROGRESS_API __attribute__((visibility("default")))
#else
#define BGPROGRESS_API
#endif
#endif

/*
 * On Windows, include <bits.h> (or <deliveryoptimization.h>) BEFORE this header: it then uses
 * the SDK's own BG_JOB_PROGRESS, BG_FILE_PROGRESS, BG_JOB_REPLY_PROGRESS, BG_FILE_RANGE,
 * BG_SIZE_UNKNOWN and BG_LENGTH_TO_EOF instead of declaring them, so every helper applies
 * directly to what IBackgroundCopyJob::GetProgress fills. The layouts are the same.
 */
#if defined(__bits_h__) || defined(__deliveryoptimization_h__)
/* Set when the SDK declared BG_JOB_PROGRESS, BG_FILE_PROGRESS and BG_SIZE_UNKNOWN. */
#define BGPROGRESS_SDK_JOB_TYPES 1
#endif
#if defined(__bits1_5_h__) || defined(__deliveryoptimization_h__)
/* Set when the SDK declared BG_JOB_REPLY_PROGRESS. */
#define BGPROGRESS_SDK_REPLY_TYPES 1
#endif
#if defined(_BG_FILE_RANGE_DEFINED)
/* Set when the SDK (<bits2_0.h>) declared BG_FILE_RANGE and BG_LENGTH_TO_EOF. */
#define BGPROGRESS_SDK_RANGE_TYPES 1
#else
/* The SDK's own guard for BG_FILE_RANGE: declared below, so a later <bits2_0.h> must not
 * declare it again. */
#define _BG_FILE_RANGE_DEFINED
#endif
"#,
        major = env!("CARGO_PKG_VERSION_MAJOR"),
        minor = env!("CARGO_PKG_VERSION_MINOR"),
        patch = env!("CARGO_PKG_VERSION_PATCH"),
        number = version_number(),
    )
}

/// MAJOR * 10000 + MINOR * 100 + PATCH, from Cargo's version.
fn version_number() -> u32 {
    let part = |v: &str| v.parse::<u32>().unwrap_or(0);
    part(env!("CARGO_PKG_VERSION_MAJOR")) * 10_000
        + part(env!("CARGO_PKG_VERSION_MINOR")) * 100
        + part(env!("CARGO_PKG_VERSION_PATCH"))
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
    let text = String::from_utf8(out).map_err(|e| format!("cbindgen wrote invalid UTF-8: {e}"))?;
    let ordered = functions_in_module_order(&for_c_readers(&text))?;
    result_tag_of_its_own(&tracker_type_before_its_functions(&ordered)?)
}

/// Before C23, cbindgen's header gives the values' enum the tag `bg_result` and the type
/// `bg_result` is a typedef of uint32_t: valid C, but `-Wc++-compat` warns (a tag and a
/// typedef of one name are invalid in C++). There the enum gets a tag of its own.
fn result_tag_of_its_own(header: &str) -> Result<String, String> {
    const CBINDGEN: &str = concat!(
        "enum bg_result\n",
        "#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L\n",
        "  : uint32_t\n",
        "#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L\n",
        " {\n",
    );
    const OURS: &str = concat!(
        "#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L\n",
        "enum bg_result : uint32_t\n",
        "#else\n",
        "/* Before C23 the type bg_result is uint32_t (below); its values' enum has this tag. */\n",
        "enum bg_result_values\n",
        "#endif\n",
        "{\n",
    );
    if !header.contains(CBINDGEN) {
        return Err("cbindgen no longer declares enum bg_result as tools/header expects".into());
    }
    Ok(header.replacen(CBINDGEN, OURS, 1))
}

/// The exported function names of the FFI crate, in reading order: its modules in the order
/// lib.rs declares them, each module's functions in source order. (cbindgen emits modules
/// in alphabetical order.)
fn reading_order() -> Result<Vec<String>, String> {
    let src = workspace_root().join("crates/bgprogress-ffi/src");
    let read = |name: &str| {
        std::fs::read_to_string(src.join(name)).map_err(|e| format!("reading {name}: {e}"))
    };
    let mut names = Vec::new();
    for line in read("lib.rs")?.lines() {
        let Some(module) = line.strip_prefix("mod ").and_then(|m| m.strip_suffix(';')) else {
            continue;
        };
        for part in read(&format!("{module}.rs"))?
            .split("extern \"C\" fn ")
            .skip(1)
        {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            names.push(name);
        }
    }
    Ok(names)
}

/// The function declarations (each with its doc comment) sorted into [`reading_order`].
fn functions_in_module_order(header: &str) -> Result<String, String> {
    const OPEN: &str = "extern \"C\" {\n#endif // __cplusplus\n\n";
    const CLOSE: &str = "\n#ifdef __cplusplus\n}  // extern \"C\"";
    let start = header.find(OPEN).ok_or("no extern \"C\" block")? + OPEN.len();
    let end = header
        .rfind(CLOSE)
        .ok_or("no end of the extern \"C\" block")?;
    let order = reading_order()?;
    let mut blocks = Vec::new();
    for block in header[start..end]
        .split("\n\n")
        .filter(|b| !b.trim().is_empty())
    {
        let name = order
            .iter()
            .position(|n| block.contains(&format!("{n}(")))
            .ok_or_else(|| format!("a declaration of no known function: {block}"))?;
        blocks.push((name, block.trim_end_matches('\n')));
    }
    blocks.sort_by_key(|(rank, _)| *rank);
    let body: Vec<&str> = blocks.iter().map(|(_, b)| *b).collect();
    Ok(format!(
        "{}{}\n{}",
        &header[..start],
        body.join("\n\n"),
        &header[end..]
    ))
}

/// The doc comments as C readers read them: rustdoc's Markdown code spans lose their
/// backticks, its escaped brackets their backslashes, and its "# Safety" heading becomes a
/// "Safety:" paragraph.
fn for_c_readers(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for line in header.lines() {
        let t = line.trim_start();
        let in_doc = t.starts_with("/**") || t.starts_with("* ") || t == "*" || t.starts_with("*/");
        if in_doc && t == "* # Safety" {
            out.push_str(&line.replace("# Safety", "Safety:"));
        } else if in_doc {
            out.push_str(
                &line
                    .replace('`', "")
                    .replace("\\[", "[")
                    .replace("\\]", "]"),
            );
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// cbindgen declares opaque types before the structs; the header reads better with the
/// tracker's type, and its doc, just before its functions.
fn tracker_type_before_its_functions(header: &str) -> Result<String, String> {
    const TYPEDEF: &str = "typedef struct bg_tracker bg_tracker;\n";
    const FIRST_FN: &str = "bg_tracker *bg_tracker_new(void);";
    let missing = |what: &str| format!("the generated header has no {what:?}: update tools/header");
    let typedef_at = header.find(TYPEDEF).ok_or_else(|| missing(TYPEDEF))?;
    let doc_at = header[..typedef_at]
        .rfind("/**")
        .ok_or_else(|| missing("/** before the typedef"))?;
    let block = &header[doc_at..typedef_at + TYPEDEF.len()];
    let rest = format!(
        "{}{}",
        &header[..doc_at],
        &header[doc_at + block.len()..].trim_start_matches('\n')
    );
    let fn_at = rest.find(FIRST_FN).ok_or_else(|| missing(FIRST_FN))?;
    let fn_doc_at = rest[..fn_at]
        .rfind("/**")
        .ok_or_else(|| missing("/** before bg_tracker_new"))?;
    Ok(format!(
        "{}{block}\n{}",
        &rest[..fn_doc_at],
        &rest[fn_doc_at..]
    ))
}
