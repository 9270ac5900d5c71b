//! The render benchmark's diff scenario from one generated profile: the "right" profile is
//! the left one with its stacks re-weighted (×0.5 … ×1.5) and one in twenty dropped, by a
//! hash of the stack (deterministic), so the two share a code base as real before/after
//! profiles do. Writes `OUT_DIR/diff-right.json` (single flamebearer) and
//! `OUT_DIR/diff.json` (the double flamebearer `/render-diff` would answer).
//!
//! ```sh
//! cargo run --release -p cinder-profile --example bench_diff_profiles -- 100000.json OUT_DIR
//! ```

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use cinder_profile::flamebearer::{Format, Metadata};
use cinder_profile::{Diff, FlamebearerProfile, MaxNodes, Tree};

/// The left folded text re-weighted as the module doc says.
fn perturb(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len());
    for line in folded.lines() {
        let Some((stack, count)) = line.rsplit_once(' ') else {
            continue;
        };
        let Ok(count) = count.parse::<u64>() else {
            continue;
        };
        let mut h = DefaultHasher::new();
        stack.hash(&mut h);
        let h = h.finish();
        if h.is_multiple_of(20) {
            continue;
        }
        let scaled = (count * (50 + h % 101) / 100).max(1);
        out.push_str(&format!("{stack} {scaled}\n"));
    }
    out
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [left, out_dir] = args.as_slice() else {
        return Err("usage: bench_diff_profiles LEFT.json OUT_DIR".into());
    };
    let bytes = std::fs::read(left).map_err(|e| format!("{left}: {e}"))?;
    let (profile, left_tree) =
        FlamebearerProfile::single_from_json(&bytes).map_err(|e| format!("{left}: {e}"))?;
    let (right_tree, _) = Tree::from_folded(&perturb(&left_tree.to_folded()));
    let single = Metadata {
        name: "diff-right".into(),
        ..profile.metadata.clone()
    };
    let right = FlamebearerProfile::single(&right_tree, MaxNodes::Unlimited, single);
    let double = Metadata {
        format: Format::Double,
        name: "diff".into(),
        ..profile.metadata
    };
    let diff = Diff::new(&left_tree, &right_tree);
    let diff = FlamebearerProfile::double(&diff, MaxNodes::Unlimited, double);
    let write = |name: &str, text: String| {
        let path = Path::new(out_dir).join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write("diff-right.json", right.to_json())?;
    write("diff.json", diff.to_json())?;
    println!(
        "diff: left {} nodes, right {} nodes",
        left_tree.len(),
        right_tree.len()
    );
    Ok(())
}
