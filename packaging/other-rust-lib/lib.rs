//! A tiny C library written in Rust, built by another rustc than bgprogress (the consumer
//! test uses Rust 1.77), to link beside libbgprogress.a in one C program: with both archives'
//! std symbols global, the link fails on duplicates such as rust_eh_personality.

/// Catches a panic of its own: 1 when the unwinder of this library works beside bgprogress.
#[no_mangle]
pub extern "C" fn other_catches_its_panic() -> i32 {
    std::panic::set_hook(Box::new(|_| {}));
    let caught = std::panic::catch_unwind(|| panic!("deliberate, caught in other_rust_lib"));
    let _ = std::panic::take_hook();
    i32::from(caught.is_err())
}
