//! Compiles the C and C++ tests against include/bgprogress.h and makes each `BGT_TEST(name)`
//! a Rust `#[test]` (written to OUT_DIR/c_tests.rs and included by src/lib.rs).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const STRICT: &[&str] = &["-Wall", "-Wextra", "-Wpedantic", "-Werror"];

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let c_dir = here.join("c");
    let include = here.join("../include");
    let sources = sources(&c_dir);

    let mut c11 = cc::Build::new();
    c11.include(&include).std("c11").warnings(false);
    for flag in STRICT {
        c11.flag(flag);
    }
    for src in sources
        .iter()
        .filter(|p| has_ext(p, "c") && !name_is(p, "header_c99.c"))
    {
        c11.file(src);
    }
    c11.compile("bgprogress_ctests");

    let mut c99 = cc::Build::new();
    c99.include(&include).std("c99").warnings(false);
    for flag in STRICT {
        c99.flag(flag);
    }
    c99.file(c_dir.join("header_c99.c"))
        .compile("bgprogress_ctests_c99");

    let mut cxx = cc::Build::new();
    cxx.cpp(true).include(&include).warnings(false);
    for flag in ["-Wall", "-Wextra", "-Werror"] {
        cxx.flag(flag);
    }
    for src in sources.iter().filter(|p| has_ext(p, "cpp")) {
        cxx.file(src);
    }
    cxx.compile("bgprogress_ctests_cxx");
    println!("cargo:rustc-link-lib=pthread");
    println!("cargo:rustc-link-lib=m");

    let mut tests = String::new();
    for src in &sources {
        let text = std::fs::read_to_string(src).expect("readable test source");
        for name in test_names(&text) {
            writeln!(
                tests,
                "#[test]\nfn {name}() {{\n    extern \"C\" {{ fn bgt_test_{name}() -> std::os::raw::c_int; }}\n    let failures = unsafe {{ bgt_test_{name}() }};\n    assert_eq!(failures, 0, \"{name}: {{failures}} C check(s) failed (see stderr)\");\n}}\n"
            )
            .expect("writing to a String");
        }
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

/// The names in `BGT_TEST(name)` markers.
fn test_names(text: &str) -> Vec<&str> {
    text.match_indices("BGT_TEST(")
        .filter_map(|(i, m)| {
            let rest = &text[i + m.len()..];
            let name = &rest[..rest.find(')')?];
            let ok =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            ok.then_some(name)
        })
        .collect()
}
