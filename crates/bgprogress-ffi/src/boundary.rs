//! The three tools every exported function uses, and nothing else: the result codes, the
//! pointer checks and the panic boundary.

use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use bgprogress::Error;

/// The result of a bgprogress function: `BG_OK` (0) or an error code. The values are part of
/// the ABI and never change; `bg_result_message` describes each.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum bg_result {
    /// Success.
    BG_OK = 0,
    /// A required pointer argument was NULL.
    BG_ERR_NULL_POINTER = 1,
    /// The answer needs BytesTotal, and it is BG_SIZE_UNKNOWN.
    BG_ERR_SIZE_UNKNOWN = 2,
    /// BytesTransferred is, or would become, greater than a known BytesTotal.
    BG_ERR_BYTES_EXCEED_TOTAL = 3,
    /// FilesTransferred is, or would become, greater than FilesTotal.
    BG_ERR_FILES_EXCEED_TOTAL = 4,
    /// A byte count would reach UINT64_MAX (reserved for BG_SIZE_UNKNOWN).
    BG_ERR_OVERFLOW = 5,
    /// A file count would pass UINT32_MAX.
    BG_ERR_TOO_MANY_FILES = 6,
    /// No transfer rate can be estimated yet (tracker only).
    BG_ERR_NOT_ENOUGH_DATA = 7,
    /// A panic or other internal fault was caught at the boundary; never expected.
    BG_ERR_INTERNAL = 8,
    /// A size was resolved, but no file of unknown size is pending (tracker only).
    BG_ERR_NO_UNKNOWN_SIZE = 9,
    /// More bytes rewound than were transferred (tracker only).
    BG_ERR_UNDERFLOW = 10,
    /// A range has length 0, or does not lie inside the file, or its end passes UINT64_MAX.
    BG_ERR_INVALID_RANGE = 11,
    /// Two ranges share a byte.
    BG_ERR_OVERLAPPING_RANGES = 12,
}

impl From<Error> for bg_result {
    fn from(e: Error) -> Self {
        use bg_result::*;
        match e {
            Error::NullPointer => BG_ERR_NULL_POINTER,
            Error::SizeUnknown => BG_ERR_SIZE_UNKNOWN,
            Error::BytesExceedTotal => BG_ERR_BYTES_EXCEED_TOTAL,
            Error::FilesExceedTotal => BG_ERR_FILES_EXCEED_TOTAL,
            Error::Overflow => BG_ERR_OVERFLOW,
            Error::TooManyFiles => BG_ERR_TOO_MANY_FILES,
            Error::NotEnoughData => BG_ERR_NOT_ENOUGH_DATA,
            Error::Internal => BG_ERR_INTERNAL,
            Error::NoUnknownSize => BG_ERR_NO_UNKNOWN_SIZE,
            Error::Underflow => BG_ERR_UNDERFLOW,
            Error::InvalidRange => BG_ERR_INVALID_RANGE,
            Error::OverlappingRanges => BG_ERR_OVERLAPPING_RANGES,
        }
    }
}

/// `p` as a shared reference, or [`Error::NullPointer`].
///
/// # Safety
/// `p` is NULL or points to a valid, aligned `T` that outlives `'a`.
pub(crate) unsafe fn try_ref<'a, T>(p: *const T) -> Result<&'a T, Error> {
    p.as_ref().ok_or(Error::NullPointer)
}

/// `p` as an exclusive reference, or [`Error::NullPointer`].
///
/// # Safety
/// `p` is NULL or points to a valid, aligned `T` that outlives `'a` and nothing else uses.
pub(crate) unsafe fn try_mut<'a, T>(p: *mut T) -> Result<&'a mut T, Error> {
    p.as_mut().ok_or(Error::NullPointer)
}

/// [`Error::NullPointer`] when `p` is NULL but `count` elements are wanted.
pub(crate) fn require_elements<T>(p: *const T, count: usize) -> Result<(), Error> {
    if p.is_null() && count > 0 {
        Err(Error::NullPointer)
    } else {
        Ok(())
    }
}

/// `count` elements from `p` as a slice: NULL is allowed only for `count == 0`. A count no
/// array in memory can have is reported as [`Error::Internal`], like a failed allocation.
///
/// # Safety
/// Unless NULL, `p` points to `count` valid, aligned `T`s that outlive `'a`.
pub(crate) unsafe fn try_slice<'a, T>(p: *const T, count: usize) -> Result<&'a [T], Error> {
    require_elements(p, count)?;
    if count == 0 {
        return Ok(&[]);
    }
    if count > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err(Error::Internal);
    }
    Ok(std::slice::from_raw_parts(p, count))
}

/// The first `len` bytes at `buf` as a text buffer, at most `max` of them (no more are ever
/// written); a NULL `buf` is an empty buffer, whatever `len` says.
///
/// # Safety
/// Unless NULL, `buf` points to `len` writable bytes that outlive `'a`.
pub(crate) unsafe fn text_buffer<'a>(buf: *mut c_char, len: usize, max: usize) -> &'a mut [u8] {
    match try_mut(buf.cast::<u8>()) {
        Ok(first) => std::slice::from_raw_parts_mut(first, len.min(max)),
        Err(_) => &mut [],
    }
}

/// Runs `f`, returning `on_panic` instead of unwinding into C.
pub(crate) fn catch_panic<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// Runs `f` behind the panic boundary and maps its outcome to a [`bg_result`].
pub(crate) fn ffi_result(f: impl FnOnce() -> Result<(), Error>) -> bg_result {
    catch_panic(bg_result::BG_ERR_INTERNAL, || match f() {
        Ok(()) => bg_result::BG_OK,
        Err(e) => e.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_core() {
        for e in Error::ALL {
            assert_eq!(bg_result::from(e) as u32, e.code(), "{e:?}");
        }
        assert_eq!(bg_result::BG_OK as u32, 0);
    }

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
        let xs = [1u8, 2];
        unsafe {
            assert_eq!(try_slice::<u8>(std::ptr::null(), 0), Ok(&[][..]));
            assert_eq!(
                try_slice::<u8>(std::ptr::null(), 1),
                Err(Error::NullPointer)
            );
            assert_eq!(try_slice(xs.as_ptr(), 2), Ok(&xs[..]));
            assert_eq!(try_slice(xs.as_ptr(), usize::MAX), Err(Error::Internal));
        }
    }
}
