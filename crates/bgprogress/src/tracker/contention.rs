//! Test-only control of the tracker's contended paths, which a machine with few cores may
//! never take by chance: forcing them, counting them, and stopping a thread at a protocol's
//! point. Each is compiled only where it is used, so the library itself has none of it.
//!
//! - `--cfg bgprogress_force_contended` (the stress runs of `make test`): every snapshot
//!   asks the writers ([`mailbox`](super::mailbox)) and reads optimistically only now and
//!   then, and every update is posted ([`queue`](super::queue)); [`Paths`] counts how often
//!   each path ran (`Tracker::paths`).
//! - Unit tests: [`at`] runs a hook set by [`with_hook`] at each [`Point`], on the thread
//!   that reaches it, and [`force`] forces the paths of that thread alone.

/// Where a hook may stop a thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(all(test, not(loom))), allow(dead_code))]
pub(super) enum Point {
    /// A writer that holds the lock saw a reader's request `ASKED` and is about to take it.
    TakingRequest,
    /// A reader that asked the writers is between two of its own reads.
    ReaderWaiting,
    /// A reader is in the middle of an optimistic read: it loaded the sequence and is
    /// loading the copy.
    ReaderLoading,
    /// A writer holds the lock, has applied the posted updates and is about to commit.
    Committing,
}

#[cfg(all(test, not(loom)))]
mod hooks {
    use super::Point;
    use std::cell::{Cell, RefCell};

    type Hook = Box<dyn FnMut(Point)>;

    std::thread_local! {
        static HOOK: RefCell<Option<Hook>> = const { RefCell::new(None) };
        static FORCED: Cell<bool> = const { Cell::new(false) };
    }

    /// Runs the hook for `point` (none runs inside a hook: it may call the tracker).
    pub(in super::super) fn at(point: Point) {
        if let Some(mut hook) = HOOK.with(|h| h.borrow_mut().take()) {
            hook(point);
            HOOK.with(|h| *h.borrow_mut() = Some(hook));
        }
    }

    /// Runs `f` with `hook` at every point this thread reaches.
    pub(in super::super) fn with_hook<T>(
        hook: impl FnMut(Point) + 'static,
        f: impl FnOnce() -> T,
    ) -> T {
        HOOK.with(|h| *h.borrow_mut() = Some(Box::new(hook)));
        let value = f();
        HOOK.with(|h| *h.borrow_mut() = None);
        value
    }

    /// Runs `f` with this thread's contended paths forced.
    pub(in super::super) fn force<T>(f: impl FnOnce() -> T) -> T {
        FORCED.with(|c| c.set(true));
        let value = f();
        FORCED.with(|c| c.set(false));
        value
    }

    pub(in super::super) fn forced() -> bool {
        FORCED.with(Cell::get)
    }
}

#[cfg(all(test, not(loom)))]
pub(super) use hooks::{at, force, with_hook};

/// Nothing outside unit tests.
#[cfg(not(all(test, not(loom))))]
#[inline(always)]
pub(super) fn at(_: Point) {}

/// Whether the contended paths are forced.
#[inline(always)]
pub(super) fn forced() -> bool {
    #[cfg(all(test, not(loom)))]
    if hooks::forced() {
        return true;
    }
    cfg!(bgprogress_force_contended)
}

/// How often each contended path ran (`--cfg bgprogress_force_contended` and unit tests).
#[cfg(any(bgprogress_force_contended, all(test, not(loom))))]
#[derive(Debug, Default)]
pub(super) struct Paths {
    counts: [std::sync::atomic::AtomicU64; PATHS.len()],
}

/// The paths [`Paths`] counts, in its order.
#[cfg(any(bgprogress_force_contended, all(test, not(loom))))]
pub(super) const PATHS: [&str; 7] = [
    "reader asked",
    "reader answered by a writer",
    "reader withdrew",
    "reader found no free slot",
    "writer posted",
    "writer served posted updates",
    "reader left a stalled writer",
];

#[cfg(any(bgprogress_force_contended, all(test, not(loom))))]
impl Paths {
    #[inline]
    pub(super) fn count(&self, path: usize) {
        self.counts[path].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    pub(super) fn read(&self) -> [(&'static str, u64); PATHS.len()] {
        core::array::from_fn(|i| {
            (
                PATHS[i],
                self.counts[i].load(std::sync::atomic::Ordering::Relaxed),
            )
        })
    }
}
