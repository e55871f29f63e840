//! Gives the shared library the name it is installed under: the SONAME `libbgprogress.so.0.y`
//! on ELF systems, and on Windows (GNU toolchain) the DLL name `bgprogress.dll` in its export
//! table and in the import library that names it (cargo's file is `bgprogress_ffi.dll`;
//! `make windows` stages it as `bgprogress.dll`).

use std::path::PathBuf;

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_else(|_| "0".into());
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
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
    } else if target_os == "windows" && target_env == "gnu" {
        // GNU ld takes the DLL's name from a .def file's LIBRARY line; rustc's own .def (the
        // EXPORTS, only the bg_* functions) is merged with this one.
        let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
        let def = out.join("bgprogress-name.def");
        std::fs::write(&def, "LIBRARY bgprogress.dll\n").expect("OUT_DIR is writable");
        println!("cargo:rustc-cdylib-link-arg={}", def.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
}
