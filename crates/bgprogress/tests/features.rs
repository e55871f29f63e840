//! The optional `serde` and `bytemuck` features (`cargo test --all-features`).

#[cfg(feature = "serde")]
#[test]
fn serde_uses_the_documented_member_names() {
    use bgprogress::{FileProgress, FileRange, JobProgress, ReplyProgress};
    let job = JobProgress::new(10, 5, 2, 1);
    let text = serde_json::to_string(&job).unwrap();
    assert_eq!(
        text,
        r#"{"BytesTotal":10,"BytesTransferred":5,"FilesTotal":2,"FilesTransferred":1}"#
    );
    assert_eq!(serde_json::from_str::<JobProgress>(&text).unwrap(), job);
    let file = FileProgress::new(u64::MAX, 3, true);
    let text = serde_json::to_string(&file).unwrap();
    assert_eq!(
        text,
        r#"{"BytesTotal":18446744073709551615,"BytesTransferred":3,"Completed":1}"#
    );
    assert_eq!(serde_json::from_str::<FileProgress>(&text).unwrap(), file);
    let reply = ReplyProgress::new(1, 0);
    assert_eq!(
        serde_json::to_string(&reply).unwrap(),
        r#"{"BytesTotal":1,"BytesTransferred":0}"#
    );
    let range = FileRange::new(4, 8);
    assert_eq!(
        serde_json::to_string(&range).unwrap(),
        r#"{"InitialOffset":4,"Length":8}"#
    );
    // A member that does not fit is an error, not a truncation.
    assert!(serde_json::from_str::<JobProgress>(
        r#"{"BytesTotal":1,"BytesTransferred":0,"FilesTotal":4294967296,"FilesTransferred":0}"#
    )
    .is_err());
}

#[cfg(feature = "bytemuck")]
#[test]
fn bytemuck_reads_structs_from_bytes() {
    use bgprogress::{FileProgress, FileRange, JobProgress, ReplyProgress};
    let job = JobProgress::new(0x0102, 0x0304, 5, 6);
    let bytes = bytemuck::bytes_of(&job);
    assert_eq!(bytes.len(), 24);
    assert_eq!(&bytes[16..20], &5u32.to_ne_bytes());
    let back: JobProgress = bytemuck::pod_read_unaligned(bytes);
    assert_eq!(back, job);
    let many = [job, JobProgress::new(1, 1, 1, 1)];
    let as_bytes: &[u8] = bytemuck::cast_slice(&many);
    let again: &[JobProgress] = bytemuck::cast_slice(as_bytes);
    assert_eq!(again, &many);
    let mut raw = [0u8; 24];
    raw[..8].copy_from_slice(&7u64.to_ne_bytes());
    raw[16..20].copy_from_slice(&(-1i32).to_ne_bytes());
    let file: FileProgress =
        bytemuck::pod_read_unaligned(&raw[..core::mem::size_of::<FileProgress>()]);
    assert_eq!((file.bytes_total, file.completed), (7, -1));
    let _: ReplyProgress = bytemuck::Zeroable::zeroed();
    let _: FileRange = bytemuck::Zeroable::zeroed();
}
