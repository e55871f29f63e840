//! The C and C++ tests of libbgprogress. `build.rs` compiles `c/` against the committed
//! `include/bgprogress.h` (a layout mismatch fails the build through `_Static_assert`) and
//! turns every `BGT_TEST(name)` into the Rust test `name` below.

// Linked for the `bg_*` symbols that the C code calls.
extern crate bgprogress_ffi;

#[cfg(test)]
mod c {
    include!(concat!(env!("OUT_DIR"), "/c_tests.rs"));
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
