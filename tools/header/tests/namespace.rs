//! Everything the header declares in C's one name space is prefixed, and every line fits in
//! 100 columns: a C or C++ program with its own `Kernel`, `Error` or `Tracker` must compile.

/// The prefixes a declared name may have.
const PREFIXES: [&str; 4] = ["bg_", "BG_", "BGPROGRESS_", "_BG"];

/// The names the header declares: macros, typedef names, struct and enum tags, enum
/// constants and functions (struct members live in their struct's own name space).
fn declared(header: &str) -> Vec<(usize, String)> {
    let mut names = Vec::new();
    let mut in_comment = false;
    let mut in_enum = false;
    for (i, raw) in header.lines().enumerate() {
        let mut line = raw.trim();
        if in_comment {
            match line.find("*/") {
                Some(end) => {
                    in_comment = false;
                    line = line[end + 2..].trim();
                }
                None => continue,
            }
        }
        if let Some(start) = line.find("/*") {
            if !line[start..].contains("*/") {
                in_comment = true;
            }
            line = line[..start].trim();
        }
        if let Some(start) = line.find("//") {
            line = line[..start].trim();
        }
        if line.is_empty() {
            continue;
        }
        let word = |s: &str| -> String {
            s.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        };
        let mut add = |name: String| {
            if !name.is_empty() {
                names.push((i + 1, name));
            }
        };
        if let Some(rest) = line.strip_prefix("#define ") {
            add(word(rest));
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        for tag in ["struct ", "enum "] {
            for (at, _) in line.match_indices(tag) {
                add(word(&line[at + tag.len()..]));
            }
        }
        if line.starts_with("enum ") && !line.ends_with(';') {
            in_enum = true;
            continue;
        }
        if in_enum {
            if line.starts_with('}') {
                in_enum = false;
            } else if line != "{" && !line.starts_with(':') {
                add(word(line));
            }
            continue;
        }
        if line.starts_with("typedef ") && line.ends_with(';') {
            let body = line.trim_end_matches(';');
            add(word(
                body.rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or(""),
            ));
        } else if let Some(name) = line.strip_prefix("} ") {
            add(word(name)); // the name of a typedef'd struct
        } else if let Some(paren) = line.find('(') {
            // A function: the word before the parenthesis, at the top level.
            if !raw.starts_with(' ') {
                let before = &line[..paren];
                add(word(
                    before
                        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or(""),
                ));
            }
        }
    }
    names
}

fn unprefixed(header: &str) -> Vec<(usize, String)> {
    declared(header)
        .into_iter()
        .filter(|(_, n)| !PREFIXES.iter().any(|p| n.starts_with(p)))
        .collect()
}

#[test]
fn every_declared_name_is_prefixed() {
    let header = std::fs::read_to_string(bgprogress_header::header_path()).unwrap();
    let names = declared(&header);
    // The scan sees the declarations it must judge.
    for expected in [
        "bg_tracker_snapshot",
        "BG_JOB_PROGRESS",
        "BG_ERR_BUSY",
        "bg_result",
    ] {
        assert!(
            names.iter().any(|(_, n)| n == expected),
            "{expected} not seen"
        );
    }
    assert_eq!(unprefixed(&header), [], "unprefixed names in the header");
}

#[test]
fn a_planted_name_is_caught() {
    for planted in [
        "typedef int Kernel;",
        "typedef struct Kernel Kernel;",
        "#define MAX 3",
        "int helper(void);",
        "enum mode {\n  FAST,\n};",
    ] {
        let header = format!("#ifndef BGPROGRESS_H\n{planted}\n#endif\n");
        assert!(!unprefixed(&header).is_empty(), "{planted:?} passed");
    }
}

#[test]
fn every_line_fits_in_100_columns() {
    let header = std::fs::read_to_string(bgprogress_header::header_path()).unwrap();
    let long: Vec<_> = header
        .lines()
        .enumerate()
        .filter(|(_, l)| l.chars().count() > 100)
        .map(|(i, l)| (i + 1, l.chars().count()))
        .collect();
    assert_eq!(long, [], "(line, columns) over 100");
}
