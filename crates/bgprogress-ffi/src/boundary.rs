//! The one way every exported function crosses the boundary: pointer checks, reads and writes
//! through C's pointers, and the panic boundary. Nothing else lives here.
//!
//! The rule: a function reads every input by value (unaligned where needed) before it forms
//! any reference or writes any output, and writes its outputs through raw pointers after the
//! last read. Arguments that overlap (an output inside an input) or that are misaligned (a
//! struct inside a packed record) are then simply correct. Slices are formed only for a
//! count above 0, and only from aligned pointers; a misaligned array is copied first.

use std::borrow::Cow;
use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::bg_result;

/// `p`, or `BG_ERR_NULL_POINTER` when it is NULL: the one pointer check. It is safe (it
/// reads nothing), so mutation testing changes it and the tests must notice.
#[inline]
pub(crate) fn checked<T>(p: *const T) -> Result<*const T, bg_result> {
    if p.is_null() {
        Err(bg_result::BG_ERR_NULL_POINTER)
    } else {
        Ok(p)
    }
}

/// `*p`, read by value at any alignment, or `BG_ERR_NULL_POINTER`.
///
/// # Safety
/// `p` is NULL or points to `size_of::<T>()` readable bytes that hold a valid `T`.
#[inline]
pub(crate) unsafe fn read<T: Copy>(p: *const T) -> Result<T, bg_result> {
    Ok(checked(p)?.read_unaligned())
}

/// `&*p`, or `BG_ERR_NULL_POINTER`: a handle that C passed back (a tracker, a view).
///
/// # Safety
/// `p` is NULL or points to a live `T` that outlives `'a` and that nothing frees meanwhile.
#[inline]
pub(crate) unsafe fn handle<'a, T>(p: *const T) -> Result<&'a T, bg_result> {
    Ok(&*checked(p)?)
}

/// An output that C passed: checked non-NULL, written (at any alignment) only by [`Out::put`].
#[derive(Debug)]
pub(crate) struct Out<T>(*mut T);

/// `p` as an output, or `BG_ERR_NULL_POINTER`. Nothing is written yet.
///
/// # Safety
/// `p` is NULL or points to `size_of::<T>()` writable bytes, for as long as the `Out` lives.
#[inline]
pub(crate) unsafe fn output<T>(p: *mut T) -> Result<Out<T>, bg_result> {
    checked(p).map(|_| Out(p))
}

impl<T> Out<T> {
    /// Writes `value`: call it after the last read of every input.
    #[inline]
    pub(crate) fn put(self, value: T) {
        // SAFETY: `output`'s caller promised `size_of::<T>()` writable bytes at this non-NULL
        // pointer; no reference to them is alive (inputs were read by value).
        unsafe { self.0.write_unaligned(value) }
    }
}

/// How [`read_slice`] takes `count` elements at `p`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SliceRead {
    /// None to read (`count == 0`): nothing is formed from `p`, which may be NULL.
    Empty,
    /// An aligned array: borrowed as it is.
    Borrow,
    /// A misaligned array: copied element by element.
    Copy,
}

/// The checks of [`read_slice`], which read nothing: NULL is allowed only for `count == 0`;
/// a count no array in memory can have (more than `isize::MAX` bytes) is `BG_ERR_INTERNAL`.
pub(crate) fn slice_read<T>(p: *const T, count: usize) -> Result<SliceRead, bg_result> {
    if count == 0 {
        return Ok(SliceRead::Empty);
    }
    checked(p)?;
    if count > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err(bg_result::BG_ERR_INTERNAL);
    }
    // (`<*const T>::is_aligned` would need Rust 1.79; the libraries build from 1.77.)
    Ok(if (p as usize) % std::mem::align_of::<T>() == 0 {
        SliceRead::Borrow
    } else {
        SliceRead::Copy
    })
}

/// `count` elements from `p`, as [`slice_read`] decides: an aligned array is borrowed, a
/// misaligned one copied; a copy that cannot be allocated is `BG_ERR_INTERNAL`.
///
/// # Safety
/// Unless NULL or `count == 0`, `p` points to `count` readable, valid `T`s that nothing writes
/// while the result lives.
pub(crate) unsafe fn read_slice<'a, T: Copy>(
    p: *const T,
    count: usize,
) -> Result<Cow<'a, [T]>, bg_result> {
    match slice_read(p, count)? {
        SliceRead::Empty => Ok(Cow::Borrowed(&[])),
        SliceRead::Borrow => Ok(Cow::Borrowed(std::slice::from_raw_parts(p, count))),
        SliceRead::Copy => {
            let mut copy = Vec::new();
            copy.try_reserve_exact(count)
                .map_err(|_| bg_result::BG_ERR_INTERNAL)?;
            copy.extend((0..count).map(|i| p.add(i).read_unaligned()));
            Ok(Cow::Owned(copy))
        }
    }
}

/// How many bytes of a text buffer of `len` bytes at `buf` may be written: none when `buf`
/// is NULL, else `len`, at most `max`.
pub(crate) fn text_buffer_len(buf: *const c_char, len: usize, max: usize) -> usize {
    checked(buf).map_or(0, |_| len.min(max))
}

/// The first `len` bytes at `buf` as a text buffer, at most `max` of them (no more are ever
/// written). A NULL `buf`, or `len == 0`, is an empty buffer: nothing is formed or written.
///
/// # Safety
/// Unless NULL or `len == 0`, `buf` points to `len` writable bytes that outlive `'a` and that
/// no live reference covers.
pub(crate) unsafe fn text_buffer<'a>(buf: *mut c_char, len: usize, max: usize) -> &'a mut [u8] {
    match text_buffer_len(buf, len, max) {
        0 => &mut [],
        n => std::slice::from_raw_parts_mut(buf.cast::<u8>(), n),
    }
}

/// Frees what was handed to C with `Box::into_raw` (a tracker, a publication, a view); NULL is
/// a no-op. Behind the panic boundary.
///
/// # Safety
/// `p` is NULL or came from `Box::into_raw` of a `Box<T>` not yet freed.
pub(crate) unsafe fn release<T>(p: *mut T) {
    catch_panic((), || {
        if !p.is_null() {
            drop(Box::from_raw(p));
        }
    })
}

/// Runs `f`, returning `on_panic` instead of unwinding into C.
#[inline]
pub(crate) fn catch_panic<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// The one shape of a question: reads `*p` by value, asks it, and writes the answer to `*out`
/// (only on success), behind the panic boundary.
///
/// # Safety
/// As for [`read`] (`p`) and [`output`] (`out`).
#[inline]
pub(crate) unsafe fn answer<T: Copy, U>(
    p: *const T,
    out: *mut U,
    question: impl FnOnce(&T) -> Result<U, bgprogress::Error>,
) -> bg_result {
    ffi_result(|| {
        let (p, o) = (read(p)?, output(out)?);
        o.put(question(&p)?);
        Ok(())
    })
}

/// Runs `f` behind the panic boundary and returns its outcome as a [`bg_result`].
#[inline]
pub(crate) fn ffi_result(f: impl FnOnce() -> Result<(), bg_result>) -> bg_result {
    catch_panic(bg_result::BG_ERR_INTERNAL, || match f() {
        Ok(()) => bg_result::BG_OK,
        Err(e) => e,
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::panic)]
    fn a_panic_comes_back_as_internal() {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let result = ffi_result(|| panic!("deliberate"));
        let value = catch_panic(7usize, || panic!("deliberate"));
        std::panic::set_hook(hook);
        assert_eq!(result, bg_result::BG_ERR_INTERNAL);
        assert_eq!(value, 7);
    }

    #[test]
    fn slices() {
        let xs = [1u64, 2];
        unsafe {
            assert_eq!(
                read_slice::<u64>(std::ptr::null(), 0).as_deref(),
                Ok(&[][..])
            );
            assert_eq!(
                read_slice::<u64>(std::ptr::null(), 1).map(|c| c.len()),
                Err(bg_result::BG_ERR_NULL_POINTER)
            );
            assert!(matches!(read_slice(xs.as_ptr(), 2), Ok(Cow::Borrowed(s)) if s == xs));
            assert_eq!(
                read_slice(xs.as_ptr(), usize::MAX).map(|c| c.len()),
                Err(bg_result::BG_ERR_INTERNAL)
            );
        }
    }

    #[test]
    fn misaligned_slices_are_copied() {
        let mut bytes = [0u8; 8 * 3 + 8];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = i as u8;
        }
        // The first offset at which a u64 is misaligned, whatever the array's own address.
        let off = (1..8)
            .find(|o| (bytes.as_ptr() as usize + o) % std::mem::align_of::<u64>() != 0)
            .unwrap();
        let p = unsafe { bytes.as_ptr().add(off) }.cast::<u64>();
        let got = unsafe { read_slice(p, 3) }.map(|c| (matches!(c, Cow::Owned(_)), c.into_owned()));
        let want: Vec<u64> = (0..3)
            .map(|i| u64::from_ne_bytes(bytes[off + 8 * i..off + 8 * i + 8].try_into().unwrap()))
            .collect();
        assert_eq!(got, Ok((true, want)));
    }

    #[test]
    fn slice_reads_are_decided_before_any_read() {
        let xs = [1u64, 2];
        let null = std::ptr::null::<u64>();
        assert_eq!(slice_read(null, 0), Ok(SliceRead::Empty));
        assert_eq!(slice_read(xs.as_ptr(), 0), Ok(SliceRead::Empty));
        assert_eq!(slice_read(null, 1), Err(bg_result::BG_ERR_NULL_POINTER));
        assert_eq!(slice_read(xs.as_ptr(), 2), Ok(SliceRead::Borrow));
        let odd = (xs.as_ptr() as usize + 1) as *const u64;
        assert_eq!(slice_read(odd, 1), Ok(SliceRead::Copy));
        // The largest count an array can have, and one more.
        let most = isize::MAX as usize / 8;
        assert_eq!(slice_read(xs.as_ptr(), most), Ok(SliceRead::Borrow));
        assert_eq!(
            slice_read(xs.as_ptr(), most + 1),
            Err(bg_result::BG_ERR_INTERNAL)
        );
        assert_eq!(checked(xs.as_ptr()), Ok(xs.as_ptr()));
    }

    #[test]
    fn text_buffer_lengths() {
        let b = [0 as c_char; 1];
        let p = b.as_ptr();
        assert_eq!(text_buffer_len(std::ptr::null(), 5, 10), 0);
        assert_eq!(text_buffer_len(p, 0, 10), 0);
        assert_eq!(text_buffer_len(p, 5, 10), 5);
        assert_eq!(text_buffer_len(p, 10, 10), 10);
        assert_eq!(text_buffer_len(p, 11, 10), 10);
    }

    #[test]
    fn empty_text_buffers_form_nothing() {
        let mut b = [1u8; 4];
        unsafe {
            assert!(text_buffer(b.as_mut_ptr().cast(), 0, 10).is_empty());
            assert!(text_buffer(std::ptr::null_mut(), 5, 10).is_empty());
            assert_eq!(text_buffer(b.as_mut_ptr().cast(), 4, 2).len(), 2);
        }
    }
}
