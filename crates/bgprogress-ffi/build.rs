//! Gives the shared library the SONAME that `make install` installs it under.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_else(|_| "0".into());
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        target_os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd"
    ) {
        // cargo-c's policy: 0.y is libbgprogress.so.0.y, from 1.0 on libbgprogress.so.MAJOR.
        let soname = if major == "0" {
            format!("libbgprogress.so.0.{minor}")
        } else {
            format!("libbgprogress.so.{major}")
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
