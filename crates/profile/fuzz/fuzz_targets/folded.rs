//! Folded and lines text: parsing never panics, and what parses re-encodes to the same tree.
#![no_main]

use cinder_profile::{MaxNodes, Tree};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (tree, _) = Tree::from_folded_bytes(data);
    let again = Tree::from_folded(&tree.to_folded()).0;
    assert_eq!(again.total_ticks(), tree.total_ticks());
    let fb = cinder_profile::Flamebearer::single(&tree, MaxNodes::Limit(64));
    assert!(fb.to_tree().is_ok());
    let _ = Tree::from_lines(data);
    let _ = tree.table();
});
