//! What the library says about itself.

use std::ffi::c_char;

/// The library's version, "MAJOR.MINOR.PATCH": the same as the header's
/// BGPROGRESS_VERSION_MAJOR, _MINOR and _PATCH. Static; never free it.
#[no_mangle]
pub extern "C" fn bg_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn version_is_the_crate_version() {
        let v = unsafe { CStr::from_ptr(bg_version()) }.to_str().ok();
        assert_eq!(v, Some(env!("CARGO_PKG_VERSION")));
    }
}
