//! Binary forms (storage codec, `tree` and `trie` ingestion): never panic; stored trees
//! round-trip.
#![no_main]

use cinder_profile::Tree;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(tree) = Tree::from_bytes(data) {
        assert_eq!(Tree::from_bytes(&tree.to_bytes()).as_ref(), Ok(&tree));
    }
    if let Ok(tree) = Tree::from_tree_format(data) {
        assert_eq!(Tree::from_bytes(&tree.to_bytes()).as_ref(), Ok(&tree));
    }
    let _ = Tree::from_trie_format(data);
});
