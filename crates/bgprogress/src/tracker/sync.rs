//! The synchronisation primitives of the tracker: std's, or loom's when model checking
//! (`RUSTFLAGS="--cfg loom"`, see `tests/loom.rs`).
#![allow(unsafe_code)] // `Handover` is the cell that the protocols hand over

#[cfg(loom)]
pub(super) use loom::{
    hint::spin_loop,
    sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering},
    sync::{Mutex, MutexGuard},
    thread::yield_now,
};
#[cfg(not(loom))]
pub(super) use std::{
    hint::spin_loop,
    sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering},
    sync::{Mutex, MutexGuard},
    thread::yield_now,
};

/// A value that one thread writes and another reads, ordered by an atomic's Release store
/// and Acquire load (the protocol's "handing over"). loom checks that no two accesses race.
#[derive(Debug)]
pub(super) struct Handover<T> {
    #[cfg(not(loom))]
    cell: core::cell::UnsafeCell<T>,
    #[cfg(loom)]
    cell: loom::cell::UnsafeCell<T>,
}

impl<T: Copy> Handover<T> {
    pub(super) fn new(value: T) -> Self {
        Handover {
            #[cfg(not(loom))]
            cell: core::cell::UnsafeCell::new(value),
            #[cfg(loom)]
            cell: loom::cell::UnsafeCell::new(value),
        }
    }

    /// # Safety
    /// No other thread writes the value meanwhile: a write happens before this read.
    #[inline]
    pub(super) unsafe fn get(&self) -> T {
        #[cfg(not(loom))]
        return *self.cell.get();
        #[cfg(loom)]
        return self.cell.with(|p| *p);
    }

    /// # Safety
    /// No other thread reads or writes the value meanwhile.
    #[inline]
    pub(super) unsafe fn set(&self, value: T) {
        #[cfg(not(loom))]
        {
            *self.cell.get() = value;
        }
        #[cfg(loom)]
        self.cell.with_mut(|p| *p = value);
    }
}

// SAFETY: access is serialised by the protocol that owns the value (see each use).
unsafe impl<T: Send> Sync for Handover<T> {}
