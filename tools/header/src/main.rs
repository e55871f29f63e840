//! `bgprogress-header` writes include/bgprogress.h; `bgprogress-header --check` fails when the
//! committed one differs from a fresh generation.

use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let fresh = match bgprogress_header::generate() {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let path = bgprogress_header::header_path();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if check {
        if committed == fresh {
            println!("{} is fresh", path.display());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "error: {} is stale: run `make header` and commit it",
            path.display()
        );
        return ExitCode::FAILURE;
    }
    if committed != fresh {
        if let Err(e) = std::fs::write(&path, fresh) {
            eprintln!("error: writing {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!("wrote {}", path.display());
    ExitCode::SUCCESS
}
