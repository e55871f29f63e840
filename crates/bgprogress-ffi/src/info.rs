//! What the library says about itself and its result codes.

use std::ffi::c_char;

use bgprogress::Error;

use crate::boundary::catch_panic;

/// A static, non-NULL English sentence describing `r`, a `bg_result` value; for a number that
/// is no `bg_result` value, "unknown bg_result value". Never free it.
#[no_mangle]
pub extern "C" fn bg_result_message(r: u32) -> *const c_char {
    let unknown = c"unknown bg_result value";
    catch_panic(unknown.as_ptr(), || {
        let text = match r {
            0 => c"success",
            _ => Error::from_code(r).map_or(unknown, Error::c_message),
        };
        text.as_ptr()
    })
}

/// The library's version, "MAJOR.MINOR.PATCH": the same as the header's
/// `BGPROGRESS_VERSION_MAJOR`, `_MINOR` and `_PATCH`. Static; never free it.
#[no_mangle]
pub extern "C" fn bg_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn text(p: *const c_char) -> &'static str {
        unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("")
    }

    #[test]
    fn messages() {
        assert_eq!(text(bg_result_message(0)), "success");
        assert_eq!(text(bg_result_message(5)), Error::Overflow.message());
        assert_eq!(text(bg_result_message(13)), "unknown bg_result value");
        assert_eq!(text(bg_result_message(u32::MAX)), "unknown bg_result value");
    }

    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(text(bg_version()), env!("CARGO_PKG_VERSION"));
    }
}
