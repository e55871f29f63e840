//! The committed header must be what the Rust source generates.

#[test]
fn committed_header_is_fresh() {
    let fresh = bgprogress_header::generate().expect("cbindgen failed");
    let path = bgprogress_header::header_path();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != fresh {
        let line = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .map_or(committed.lines().count().min(fresh.lines().count()), |i| i);
        panic!(
            "{} differs from a fresh generation from line {}:\n  committed: {:?}\n  fresh:     {:?}\nrun `make header` and commit the result",
            path.display(),
            line + 1,
            committed.lines().nth(line).unwrap_or("<end of file>"),
            fresh.lines().nth(line).unwrap_or("<end of file>"),
        );
    }
}

#[test]
fn header_declares_the_contract() {
    let fresh = bgprogress_header::generate().expect("cbindgen failed");
    for needle in [
        "#define BG_SIZE_UNKNOWN UINT64_MAX",
        "#define BG_LENGTH_TO_EOF UINT64_MAX",
        "} BG_JOB_PROGRESS;",
        "} BG_FILE_PROGRESS;",
        "} BG_JOB_REPLY_PROGRESS;",
        "} BG_FILE_RANGE;",
        "uint32_t FilesTotal;",
        "int32_t Completed;",
        "typedef uint32_t bg_result;",
        "typedef struct bg_tracker bg_tracker;",
        "#include <stdint.h>",
        "extern \"C\" {",
    ] {
        assert!(fresh.contains(needle), "the header lacks {needle:?}");
    }
    for unwanted in ["<stdlib.h>", "<stdarg.h>", "unsigned long"] {
        assert!(!fresh.contains(unwanted), "the header has {unwanted:?}");
    }
}
