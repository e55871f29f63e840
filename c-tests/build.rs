//! Compiles the C and C++ tests against include/bgprogress.h and makes each test of
//! c/bgt_list.h (the one list of C tests) a Rust `#[test]` (written to OUT_DIR/c_tests.rs and
//! included by src/lib.rs), which runs it in a child process.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const STRICT: &[&str] = &["-Wall", "-Wextra", "-Wpedantic", "-Werror"];

/// Only for C: a test defined with BGT_TEST but not listed in bgt_list.h has no prototype.
const C_ONLY: &[&str] = &["-Wmissing-prototypes"];

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let c_dir = here.join("c");
    let include = here.join("../include");
    let sources = sources(&c_dir);

    let mut c11 = cc::Build::new();
    c11.include(&include).std("c11").warnings(true);
    for flag in STRICT.iter().chain(C_ONLY) {
        c11.flag(flag);
    }
    for src in sources
        .iter()
        .filter(|p| has_ext(p, "c") && !name_is(p, "header_c99.c"))
    {
        c11.file(src);
    }
    c11.compile("bgprogress_ctests");

    // The header alone as strict C99, and clean of what C++ would refuse (-Wc++-compat).
    let mut c99 = cc::Build::new();
    c99.include(&include).std("c99").warnings(true);
    for flag in STRICT.iter().chain(&["-Wc++-compat"]) {
        c99.flag(flag);
    }
    c99.file(c_dir.join("header_c99.c"))
        .compile("bgprogress_ctests_c99");

    let mut cxx = cc::Build::new();
    cxx.cpp(true).include(&include).warnings(true);
    for flag in ["-Wall", "-Wextra", "-Werror"] {
        cxx.flag(flag);
    }
    for src in sources.iter().filter(|p| has_ext(p, "cpp")) {
        cxx.file(src);
    }
    cxx.compile("bgprogress_ctests_cxx");
    println!("cargo:rustc-link-lib=pthread");
    println!("cargo:rustc-link-lib=m");

    let list = std::fs::read_to_string(c_dir.join("bgt_list.h")).expect("c/bgt_list.h exists");
    let mut tests = String::new();
    for name in test_names(&list) {
        writeln!(
            tests,
            "#[test]\n#[allow(non_snake_case)]\nfn {name}() {{\n    extern \"C\" {{ fn bgt_test_{name}() -> std::os::raw::c_int; }}\n    crate::run_c_test(\"{name}\", || unsafe {{ bgt_test_{name}() }});\n}}\n"
        )
        .expect("writing to a String");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out.join("c_tests.rs"), tests).expect("writable OUT_DIR");

    println!("cargo:rerun-if-changed=c");
    println!("cargo:rerun-if-changed=../include/bgprogress.h");
}

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("c-tests/c exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| has_ext(p, "c") || has_ext(p, "cpp"))
        .collect();
    files.sort();
    files
}

fn has_ext(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|e| e == ext)
}

fn name_is(p: &Path, name: &str) -> bool {
    p.file_name().is_some_and(|n| n == name)
}

/// The names of the `BGT(name)` lines of bgt_list.h: C identifiers, as the C preprocessor
/// reads them in the runner (anything else fails the build here).
fn test_names(list: &str) -> Vec<&str> {
    list.lines()
        .filter_map(|line| line.trim().strip_prefix("BGT("))
        .map(|rest| {
            let name = rest
                .strip_suffix(')')
                .unwrap_or_else(|| panic!("bgt_list.h: BGT({rest}: no closing parenthesis"));
            let ident = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            assert!(ident, "bgt_list.h: {name:?} is not a C identifier");
            name
        })
        .collect()
}
