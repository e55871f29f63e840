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

#[test]
fn header_reads_top_down_for_c_readers() {
    let fresh = bgprogress_header::generate().expect("cbindgen failed");
    let at = |needle: &str| {
        fresh
            .find(needle)
            .unwrap_or_else(|| panic!("the header lacks {needle:?}"))
    };
    let order = [
        "enum bg_result",
        "} BG_JOB_PROGRESS;",
        "const char *bg_result_message(",
        "bg_result bg_job_progress_validate(",
        "bg_result bg_job_progress_from_files(",
        "bg_result bg_file_ranges_total(",
        "bg_result bg_job_reply_progress_percent(",
        "typedef struct bg_tracker bg_tracker;",
        "bg_tracker *bg_tracker_new(void);",
        "bg_result bg_tracker_eta(",
    ];
    for pair in order.windows(2) {
        assert!(
            at(pair[0]) < at(pair[1]),
            "{:?} should come before {:?}",
            pair[0],
            pair[1]
        );
    }
    for (n, line) in fresh.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("/**") || t.starts_with('*') {
            for rust in ['`', '#'] {
                assert!(
                    !t.contains(rust),
                    "line {}: {rust} in a doc comment: {line}",
                    n + 1
                );
            }
            assert!(
                !t.contains("](") && !t.contains("Self::") && !t.contains("in Rust"),
                "line {}: Rust idiom: {line}",
                n + 1
            );
        }
    }
}
