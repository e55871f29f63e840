//! The tracker's publication, if it has one: the job file that its committing writer also
//! writes (see the `publish` module).
#![allow(unsafe_code)] // the pointer that writers follow under the tracker's lock

#[cfg(all(any(unix, windows), not(loom)))]
mod imp {
    use std::sync::atomic::{AtomicPtr, Ordering};
    use std::sync::Arc;

    use crate::publish::Shared;

    /// An `Arc<Shared>` as a raw pointer (null: not published), read by the writer that
    /// commits and changed only under the tracker's lock or with the tracker owned.
    pub(in crate::tracker) struct Published {
        ptr: AtomicPtr<Shared>,
    }

    impl Published {
        pub(in crate::tracker) const fn new() -> Self {
            Published {
                ptr: AtomicPtr::new(std::ptr::null_mut()),
            }
        }

        /// The publication. Call it only under the tracker's lock.
        #[inline(always)]
        pub(in crate::tracker) fn get(&self) -> Option<&Shared> {
            // SAFETY: a non-null pointer comes from `Arc::into_raw` in `install`, whose
            // reference is given up only by `install` (under the lock, which the caller holds)
            // or by `drop` (with the tracker owned): it is live for as long as the lock is held.
            // Relaxed: the lock's acquire ordered the store of `install`.
            unsafe { self.ptr.load(Ordering::Relaxed).as_ref() }
        }

        /// Installs `shared`, giving back the previous publication. Call it under the lock.
        pub(in crate::tracker) fn install(&self, shared: Arc<Shared>) -> Option<Arc<Shared>> {
            let old = self
                .ptr
                .swap(Arc::into_raw(shared).cast_mut(), Ordering::Relaxed);
            // SAFETY: `old` came from `Arc::into_raw` and its reference is taken back once.
            (!old.is_null()).then(|| unsafe { Arc::from_raw(old) })
        }
    }

    impl Drop for Published {
        fn drop(&mut self) {
            let p = std::mem::replace(self.ptr.get_mut(), std::ptr::null_mut());
            if !p.is_null() {
                // SAFETY: as in `install`; the tracker is being dropped, so no writer is left.
                let shared = unsafe { Arc::from_raw(p) };
                shared.close();
            }
        }
    }
}

#[cfg(not(all(any(unix, windows), not(loom))))]
mod imp {
    /// Without publishing (no Unix or Windows, or under loom): never published.
    pub(in crate::tracker) struct Published;

    impl Published {
        pub(in crate::tracker) const fn new() -> Self {
            Published
        }
    }
}

pub(super) use imp::Published;
