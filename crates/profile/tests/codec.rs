//! Binary forms: Cinder's storage codec and the `tree`/`trie` ingestion bodies.

use cinder_profile::{DecodeError, MaxNodes, Strategy, Ticks, Tree};

use crate::common::{self, WORKED_EXAMPLE};

#[test]
fn storage_bytes_round_trip_and_start_with_the_version() {
    let tree = common::tree(WORKED_EXAMPLE);
    let bytes = tree.to_bytes();
    assert_eq!(bytes[0], cinder_profile::codec::BINARY_VERSION);
    assert_eq!(Tree::from_bytes(&bytes).unwrap(), tree);
    assert_eq!(
        Tree::from_bytes(&Tree::new().to_bytes()).unwrap(),
        Tree::new()
    );
    // A truncated tree with its `other` nodes, and a scaled one with rounding gaps.
    let truncated = tree.truncate(MaxNodes::Limit(3), Strategy::WidestTotal);
    assert_eq!(Tree::from_bytes(&truncated.to_bytes()).unwrap(), truncated);
    let mut scaled = common::tree("a 3\na;b 1\nc 4\n");
    scaled.scale(1, 2);
    let back = Tree::from_bytes(&scaled.to_bytes()).unwrap();
    assert_eq!(back, scaled);
    assert_eq!(back.to_text(), scaled.to_text());
}

#[test]
fn merge_bytes_equals_merging_trees() {
    let a = common::tree(WORKED_EXAMPLE);
    let b = common::tree("main;work;io 7\nnew;stack 3\n");
    let mut acc = a.clone();
    acc.merge_bytes(&b.to_bytes()).unwrap();
    assert_eq!(acc, Tree::merge([&a, &b]));
}

#[test]
fn corrupt_storage_bytes_are_rejected_without_touching_the_accumulator() {
    let good = common::tree(WORKED_EXAMPLE).to_bytes();
    let mut acc = common::tree("x 1\n");
    let before = acc.clone();
    for cut in 0..good.len() {
        assert!(
            acc.merge_bytes(&good[..cut]).is_err(),
            "prefix of {cut} bytes accepted"
        );
    }
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(
        acc.merge_bytes(&trailing),
        Err(DecodeError::Binary {
            at: good.len(),
            problem: "trailing bytes after the tree"
        })
    );
    // A child count of u64::MAX must be an error, not an overflow.
    let huge = b"\x01\x01\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";
    assert_eq!(
        Tree::from_bytes(huge),
        Err(DecodeError::Binary {
            at: 16,
            problem: "child count exceeds input"
        })
    );
    let mut version = good.clone();
    version[0] = 9;
    assert_eq!(
        Tree::from_bytes(&version),
        Err(DecodeError::BinaryVersion(9))
    );
    assert_eq!(acc, before);
}

#[test]
fn tree_format_example_of_the_spec() {
    let body = b"\x00\x00\x01\x03foo\x00\x02\x03bar\x02\x00\x03baz\x03\x00";
    let tree = Tree::from_tree_format(body).unwrap();
    assert_eq!(tree, common::tree("foo;bar 2\nfoo;baz 3\n"));
    assert_eq!(tree.total_ticks(), Ticks(5));
    assert!(Tree::from_tree_format(&body[..body.len() - 1]).is_err());
    assert!(Tree::from_tree_format(b"").is_err());
    assert!(Tree::from_tree_format(b"\x05ab").is_err());
}

#[test]
fn trie_format_example_of_the_spec() {
    let body = b"\x00\x00\x01\x06foo;ba\x00\x02\x01r\x02\x00\x01z\x03\x00";
    let tree = Tree::from_trie_format(body).unwrap();
    assert_eq!(tree, common::tree("foo;bar 2\nfoo;baz 3\n"));
    assert!(Tree::from_trie_format(&body[..body.len() - 4]).is_err());
    assert_eq!(Tree::from_trie_format(b"").unwrap(), Tree::new());
    // Several roots, and a value on an inner node.
    let two = b"\x02a;\x00\x01\x01b\x01\x00\x01c\x02\x00";
    assert_eq!(
        Tree::from_trie_format(two).unwrap(),
        common::tree("a;b 1\nc 2\n")
    );
}
