//! Build-time choices that depend on the compiler, not on the crate's MSRV (Rust 1.77).
//!
//! `bgprogress_avx512`: the AVX-512 kernel of `from_files` (`#[target_feature(enable =
//! "avx512f")]` is stable only from Rust 1.89); older compilers build without it, and
//! `from_files` then uses AVX2 on such processors.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let minor = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|v| v.split('.').nth(1).and_then(|m| m.parse::<u32>().ok()));
    if minor.is_some_and(|m| m >= 89) {
        println!("cargo:rustc-cfg=bgprogress_avx512");
    }
}
