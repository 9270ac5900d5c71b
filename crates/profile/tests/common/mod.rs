//! Helpers shared by the suites: building trees from folded text and locating the real
//! agent captures checked in under `tests/fixtures/agents` at the repository root.

use std::path::PathBuf;

use cinder_profile::Tree;

/// A tree from folded text that must parse without warnings.
pub(crate) fn tree(folded: &str) -> Tree {
    let (tree, warnings) = Tree::from_folded(folded);
    assert!(warnings.is_empty(), "unexpected warnings: {warnings:?}");
    tree
}

/// `tests/fixtures/agents/<rel>` of the repository.
pub(crate) fn agent_fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/agents")
        .join(rel)
}

/// The parsed `NNNN.decoded.json` beside a fixture body.
pub(crate) fn decoded(rel: &str) -> serde_json::Value {
    let path = agent_fixture(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// The spec's worked example (pyroscope-api.md §3.5).
pub(crate) const WORKED_EXAMPLE: &str =
    "main;work;compute 40\nmain;work;io 15\nmain;work 5\nmain;idle 10\ngc 30\n";
