//! Tidy checks over the whole repository, run with the host tests: every Rust file opens
//! with a `//!` doc saying why it exists, stays under the size budget, and carries no
//! debugging leftovers; no tracked file names a path outside the repository (a clone must
//! stand alone). These are the style rules of DEVELOPERS.md made mechanical.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;
const ROOTS: &[&str] = &["src", "tests", "crates"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !matches!(
                name.as_ref(),
                "target" | "node_modules" | "fuzz" | "corpus" | "artifacts"
            ) {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn all_rust_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ROOTS {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "tidy found too few files: {files:?}");
    files
}

/// Build scripts are documented the same way; inner attributes may precede the doc.
fn first_meaningful_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("#!["))
        .unwrap_or("")
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let missing: Vec<_> = all_rust_files()
        .into_iter()
        .filter(|p| !first_meaningful_line(&std::fs::read_to_string(p).unwrap()).starts_with("//!"))
        .collect();
    assert!(
        missing.is_empty(),
        "files without a //! module doc: {missing:#?}"
    );
}

#[test]
fn files_stay_under_the_size_budget() {
    let big: Vec<_> = all_rust_files()
        .into_iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(&p).unwrap().lines().count();
            (n > MAX_LINES).then_some((p, n))
        })
        .collect();
    assert!(
        big.is_empty(),
        "files over {MAX_LINES} lines (split them): {big:#?}"
    );
}

#[test]
fn no_debugging_leftovers() {
    // Spelled in pieces so this file does not match itself.
    let banned = [
        ["dbg", "!("].concat(),
        ["todo", "!("].concat(),
        ["#[", "ignore"].concat(),
    ];
    let mut hits = Vec::new();
    for path in all_rust_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if banned.iter().any(|b| line.contains(b.as_str())) {
                hits.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(hits.is_empty(), "debugging leftovers:\n{}", hits.join("\n"));
}

/// The repository's tracked files (`git ls-files`), or, outside a git checkout (a source
/// tarball), every file below the root except build output and dependencies.
fn tracked_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success());
    let files: Vec<PathBuf> = match listed {
        Some(out) => out
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| root.join(String::from_utf8_lossy(p).as_ref()))
            .collect(),
        None => {
            let mut files = Vec::new();
            walk_all(root, &mut files);
            files
        }
    };
    assert!(
        files.len() > 50,
        "tidy found too few files: {}",
        files.len()
    );
    files
}

fn walk_all(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !name.starts_with('.')
                && !matches!(name.as_ref(), "target" | "node_modules" | "dist")
            {
                walk_all(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

#[test]
fn nothing_refers_to_a_path_outside_the_repository() {
    // Spelled in pieces so this file does not match itself. During development the
    // project's shared knowledge sat beside the clone; whatever a test or benchmark needs
    // from it is copied in (tests/fixtures, bench/gen) with a note of its origin.
    let banned = [
        ["../", "shared"].concat(),
        ["/work", "/"].concat(),
        ["shared/", "fixtures"].concat(),
        ["shared/", "bench"].concat(),
        ["shared/", "tools"].concat(),
        ["shared/", "guide"].concat(),
        ["shared/", "spec"].concat(),
        // Nothing in the repository is deep enough to need four levels up.
        ["../", "../../../"].concat(),
    ];
    let mut hits = Vec::new();
    for path in tracked_files() {
        // Binary files (agent captures, the store fixture) are not text to scan.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if let Some(b) = banned.iter().find(|b| line.contains(b.as_str())) {
                hits.push(format!(
                    "{}:{}: `{b}` in {}",
                    path.display(),
                    i + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "paths outside the repository (copy what is needed into it):\n{}",
        hits.join("\n")
    );
}
