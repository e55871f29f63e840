//! The C and C++ tests of libbgprogress. `build.rs` compiles `c/` against the committed
//! `include/bgprogress.h` (a layout mismatch fails the build through `_Static_assert`) and
//! turns every test of `c/bgt_list.h` into the Rust test `c::name`, which runs the C test in a
//! child process: a crash is reported under the test's name, and the other tests go on.

// Linked for the `bg_*` symbols that the C code calls.
extern crate bgprogress_ffi;

#[cfg(test)]
mod c {
    include!(concat!(env!("OUT_DIR"), "/c_tests.rs"));
}

/// Set in the child process that runs one C test.
#[cfg(test)]
const CHILD: &str = "BGT_C_TEST_CHILD";

/// Runs the C test `name`: in the child, calls it; in the parent, runs this test binary again
/// with only `c::name` (as rustls-ffi runs its C programs), and fails with what the child said
/// and how it ended.
#[cfg(test)]
fn run_c_test(name: &str, test: impl FnOnce() -> std::os::raw::c_int) {
    if std::env::var_os(CHILD).is_some() {
        let failures = test();
        assert_eq!(
            failures, 0,
            "{name}: {failures} C check(s) failed (see stderr)"
        );
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = std::process::Command::new(exe)
        .args([
            "--exact",
            &format!("c::{name}"),
            "--test-threads=1",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .expect("the test binary runs again");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if !output.status.success() {
        panic!("C test {name} {}:\n{said}", ended(&output.status));
    }
    assert!(
        said.contains("1 passed"),
        "C test {name} did not run in the child:\n{said}"
    );
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
}

/// How a child process ended, in words: a crash names its signal.
#[cfg(test)]
fn ended(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let what = match signal {
                6 => " (SIGABRT)",
                11 => " (SIGSEGV)",
                7 => " (SIGBUS)",
                8 => " (SIGFPE)",
                _ => "",
            };
            return format!("crashed with signal {signal}{what}");
        }
    }
    format!("failed ({status})")
}

#[cfg(test)]
mod layout {
    use bgprogress::{FileProgress, FileRange, JobProgress, ReplyProgress};
    use std::mem::{align_of, offset_of, size_of};

    extern "C" {
        static bgt_layout_sizes: [usize; 11];
        fn bgt_fill_job(p: *mut JobProgress);
        fn bgt_fill_file(p: *mut FileProgress);
        fn bgt_fill_reply(p: *mut ReplyProgress);
        fn bgt_fill_range(p: *mut FileRange);
        fn bgt_check_job(p: *const JobProgress) -> i32;
        fn bgt_check_file(p: *const FileProgress) -> i32;
        fn bgt_check_reply(p: *const ReplyProgress) -> i32;
        fn bgt_check_range(p: *const FileRange) -> i32;
        fn bgt_header_c99() -> i32;
    }

    #[test]
    fn c_compiler_and_rust_agree() {
        let rust = [
            size_of::<JobProgress>(),
            align_of::<JobProgress>(),
            size_of::<FileProgress>(),
            align_of::<FileProgress>(),
            size_of::<ReplyProgress>(),
            align_of::<ReplyProgress>(),
            size_of::<FileRange>(),
            align_of::<FileRange>(),
            offset_of!(JobProgress, files_total),
            offset_of!(JobProgress, files_transferred),
            offset_of!(FileProgress, completed),
        ];
        assert_eq!(unsafe { bgt_layout_sizes }, rust);
    }

    #[test]
    fn filled_in_c_read_in_rust_and_back() {
        unsafe {
            let mut job = JobProgress::default();
            bgt_fill_job(&mut job);
            assert_eq!(
                job,
                JobProgress::new(
                    0x0102030405060708,
                    0x1112131415161718,
                    0x21222324,
                    0x31323334
                )
            );
            job = JobProgress::new(
                job.bytes_total + 1,
                job.bytes_transferred + 1,
                job.files_total + 1,
                job.files_transferred + 1,
            );
            assert_eq!(bgt_check_job(&job), 1);

            let mut file = FileProgress::default();
            bgt_fill_file(&mut file);
            assert_eq!(
                (file.bytes_total, file.bytes_transferred, file.completed),
                (0x4142434445464748, 0x5152535455565758, -2)
            );
            file.bytes_total += 1;
            file.bytes_transferred += 1;
            file.completed += 1;
            assert_eq!(bgt_check_file(&file), 1);

            let mut reply = ReplyProgress::default();
            bgt_fill_reply(&mut reply);
            assert_eq!(
                reply,
                ReplyProgress::new(0x6162636465666768, 0x7172737475767778)
            );
            reply = ReplyProgress::new(reply.bytes_total + 1, reply.bytes_transferred + 1);
            assert_eq!(bgt_check_reply(&reply), 1);

            let mut range = FileRange::default();
            bgt_fill_range(&mut range);
            assert_eq!(
                range,
                FileRange::new(0x8182838485868788, 0x9192939495969798)
            );
            range = FileRange::new(range.initial_offset + 1, range.length + 1);
            assert_eq!(bgt_check_range(&range), 1);
        }
    }

    #[test]
    fn header_compiles_as_c99() {
        assert_eq!(unsafe { bgt_header_c99() }, 1);
    }
}
