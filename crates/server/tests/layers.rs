//! The server's layering, checked from its sources: `base/` imports nothing of the crate,
//! `store/` imports only `base/`, and the crate's top-level modules form no import cycle
//! (the composition root, `lib.rs` with `AppState`, is the one module everything may
//! name). ARCHITECTURE.md states these rules; this makes them mechanical.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Top-level module → the other top-level modules its files name as `crate::<module>`.
/// Names starting with a capital (`crate::AppState`) are the root's items.
fn module_imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let uses = graph.entry(module.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            let after = &text[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let preceded_by_ident = text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            if preceded_by_ident || name.is_empty() || name == module {
                continue;
            }
            if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                uses.insert("(root)".into());
            } else {
                uses.insert(name);
            }
        }
    }
    graph
}

#[test]
fn base_imports_nothing_and_store_only_base() {
    let graph = module_imports();
    assert!(graph.len() > 8, "found the modules: {graph:?}");
    assert_eq!(graph["base"], BTreeSet::new(), "base/ is the ground floor");
    let store: Vec<_> = graph["store"].iter().filter(|m| *m != "base").collect();
    assert!(store.is_empty(), "store/ imports only base/, not {store:?}");
}

/// Depth-first search for a cycle through `node`, ignoring the composition root.
fn cycle_from(
    graph: &BTreeMap<String, BTreeSet<String>>,
    node: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    if let Some(pos) = path.iter().position(|n| n == node) {
        let mut cycle = path[pos..].to_vec();
        cycle.push(node.to_string());
        return Some(cycle);
    }
    path.push(node.to_string());
    for next in graph.get(node).into_iter().flatten() {
        if next == "(root)" {
            continue;
        }
        if let Some(c) = cycle_from(graph, next, path) {
            return Some(c);
        }
    }
    path.pop();
    None
}

#[test]
fn top_level_modules_have_no_import_cycle() {
    let graph = module_imports();
    for module in graph.keys() {
        if let Some(cycle) = cycle_from(&graph, module, &mut Vec::new()) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}
