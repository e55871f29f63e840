//! The synchronisation primitives of the tracker: std's, or loom's when model checking
//! (`RUSTFLAGS="--cfg loom"`, see `tests/loom.rs`).

#[cfg(loom)]
pub(crate) use loom::{
    hint::spin_loop,
    sync::atomic::{AtomicU32, AtomicU64, Ordering},
    sync::Mutex,
    thread::yield_now,
};
#[cfg(not(loom))]
pub(crate) use std::{
    hint::spin_loop,
    sync::atomic::{AtomicU32, AtomicU64, Ordering},
    sync::Mutex,
    thread::yield_now,
};
