//! Golden flamebearer JSON: the spec's worked examples (pyroscope-api.md §2.2, §2.3,
//! §3.5, §3.6) must be produced byte for byte and must round-trip through decode.

use cinder_profile::flamebearer::{to_go_json, Flamebearer, FlamebearerProfile, Format, Metadata};
use cinder_profile::{DecodeError, Diff, MaxNodes, Tree};
use expect_test::expect;

use crate::common::{self, WORKED_EXAMPLE};

/// Removes the whitespace outside JSON strings: the spec pretty-prints, Go does not.
fn compact(pretty: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
    for c in pretty.chars() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c.is_whitespace() {
            continue;
        } else {
            in_string = c == '"';
        }
        out.push(c);
    }
    out
}

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn worked_example_encodes_byte_for_byte() {
    let tree = common::tree(WORKED_EXAMPLE);
    let fb = Flamebearer::single(&tree, MaxNodes::Limit(7));
    assert_eq!(
        to_go_json(&fb),
        r#"{"names":["total","main","work","io","compute","idle","gc"],"levels":[[0,100,0,0],[0,30,30,6,0,70,0,1],[30,10,10,5,0,60,5,2],[45,40,40,4,0,15,15,3]],"numTicks":100,"maxSelf":40}"#
    );
    assert_eq!(Flamebearer::single(&tree, MaxNodes::Unlimited), fb);
    assert_eq!(fb.to_tree().unwrap(), tree);
}

#[test]
fn worked_example_truncated_to_three_nodes() {
    let tree = common::tree(WORKED_EXAMPLE);
    let fb = Flamebearer::single(&tree, MaxNodes::Limit(3));
    assert_eq!(
        to_go_json(&fb),
        r#"{"names":["total","other","main","work"],"levels":[[0,100,0,0],[0,70,0,2,0,30,30,1],[0,60,5,3,0,10,10,1],[5,55,55,1]],"numTicks":100,"maxSelf":55}"#
    );
    // The decoded tree holds the synthetic nodes as frames named `other`; encoding it
    // again folds them back into the same places.
    let decoded = fb.to_tree().unwrap();
    expect![[r#"
        total total=100 self=0
          main total=70 self=0
            other total=10 self=10
            work total=60 self=5
              other total=55 self=55
          other total=30 self=30
    "#]]
    .assert_eq(&decoded.to_text());
    assert_eq!(Flamebearer::single(&decoded, MaxNodes::Unlimited), fb);
    assert_eq!(Flamebearer::single(&decoded, MaxNodes::Limit(3)), fb);
}

#[test]
fn diff_example_encodes_byte_for_byte() {
    let left = common::tree("main;a 2\nmain;b 1\n");
    let right = common::tree("main;a 1\nmain;c 3\n");
    let diff = Diff::new(&left, &right);
    let fb = Flamebearer::double(&diff, MaxNodes::Unlimited);
    assert_eq!(
        to_go_json(&fb),
        r#"{"names":["total","main","c","b","a"],"levels":[[0,3,0,0,4,0,0],[0,3,0,0,4,0,1],[0,2,2,0,1,1,4,0,1,1,0,0,0,3,0,0,0,0,3,3,2]],"numTicks":7,"maxSelf":3}"#
    );
    let back = fb.to_diff().unwrap();
    assert_eq!(back, diff);
    assert_eq!(back.left_tree(), left);
    assert_eq!(back.right_tree(), right);
}

#[test]
fn render_response_of_the_spec_round_trips_byte_for_byte() {
    let expected = compact(&data("render_single.json"));
    let profile = FlamebearerProfile::from_json(&expected).unwrap();
    assert_eq!(profile.to_json(), expected);
    let tree = profile.tree().unwrap();
    assert_eq!(tree, common::tree(WORKED_EXAMPLE));
    let rebuilt = FlamebearerProfile {
        flamebearer: Flamebearer::single(&tree, MaxNodes::Limit(1024)),
        ..profile
    };
    assert_eq!(rebuilt.to_json(), expected);
}

#[test]
fn render_diff_response_of_the_spec_round_trips_byte_for_byte() {
    let expected = compact(&data("render_double.json"));
    let profile = FlamebearerProfile::from_json(&expected).unwrap();
    assert_eq!(profile.to_json(), expected);
    let diff = profile.diff().unwrap();
    let metadata = profile.metadata.clone();
    let rebuilt = FlamebearerProfile::double(&diff, MaxNodes::Unlimited, metadata);
    let rebuilt = FlamebearerProfile {
        groups: None,
        ..rebuilt
    };
    assert_eq!(rebuilt.to_json(), expected);
    assert!(matches!(
        profile.tree(),
        Err(DecodeError::Format {
            expected: "single",
            ..
        })
    ));
}

#[test]
fn empty_tree_encodes_as_the_original_empty_profile() {
    let fb = Flamebearer::single(&Tree::new(), MaxNodes::Limit(1024));
    assert_eq!(
        to_go_json(&fb),
        r#"{"names":["total"],"levels":[[0,0,0,0]],"numTicks":0,"maxSelf":0}"#
    );
    assert_eq!(fb.to_tree().unwrap(), Tree::new());
}

#[test]
fn single_envelope_fields_are_in_go_order() {
    let tree = common::tree("a 1\n");
    let metadata = Metadata {
        spy_name: "gospy".into(),
        units: "samples".into(),
        ..Metadata::default()
    };
    let profile = FlamebearerProfile::single(&tree, MaxNodes::Limit(8), metadata);
    assert_eq!(profile.metadata.format, Format::Single);
    expect![[r#"{"version":1,"flamebearer":{"names":["total","a"],"levels":[[0,1,0,0],[0,1,1,1]],"numTicks":1,"maxSelf":1},"timeline":null,"groups":null,"heatmap":null,"metadata":{"format":"single","spyName":"gospy","sampleRate":0,"units":"samples","name":""}}"#]]
        .assert_eq(&profile.to_json());
}

fn decode_error(levels: &str) -> String {
    let json =
        format!(r#"{{"names":["total","a","b"],"levels":{levels},"numTicks":0,"maxSelf":0}}"#);
    let fb: Flamebearer = serde_json::from_str(&json).unwrap();
    match fb.to_tree() {
        Ok(tree) => format!("ok\n{}", tree.to_text()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn inconsistent_levels_are_rejected_with_their_position() {
    let cases = [
        "[[0,5,0,0],[0,5,0,1,0,1,1,2]]",
        "[[0,5,0,0],[0,5,0,7]]",
        "[[0,5,0,0],[1,5,5,1]]",
        "[[0,5,2,0],[0,3,0,1]]",
        "[[0,5,0,0],[0,6,6,1]]",
        "[[0,5,0,0,0,5,0,0]]",
        "[[0,5,0,0],[0,5,0]]",
        "[[0,5,0,0],[],[0,5,5,1]]",
        "[[0,18446744073709551615,0,0],[18446744073709551615,1,1,1]]",
        "[]",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|c| format!("{c} => {}", decode_error(c)))
        .collect();
    expect![[r#"
        [[0,5,0,0],[0,5,0,1,0,1,1,2]] => flamebearer level 1, node 1: node lies outside every node of the level above
        [[0,5,0,0],[0,5,0,7]] => flamebearer level 1, node 0: name index outside names
        [[0,5,0,0],[1,5,5,1]] => flamebearer level 1, node 0: node lies outside every node of the level above
        [[0,5,2,0],[0,3,0,1]] => flamebearer level 1, node 0: node overlaps its parent's self ticks
        [[0,5,0,0],[0,6,6,1]] => flamebearer level 1, node 0: node lies outside every node of the level above
        [[0,5,0,0,0,5,0,0]] => flamebearer level 0, node 0: level 0 must hold exactly one node
        [[0,5,0,0],[0,5,0]] => flamebearer level 1, node 0: level length is not a whole number of nodes
        [[0,5,0,0],[],[0,5,5,1]] => flamebearer level 2, node 0: node lies outside every node of the level above
        [[0,18446744073709551615,0,0],[18446744073709551615,1,1,1]] => flamebearer level 1, node 0: offset overflows
        [] => ok
        total total=0 self=0
        "#]]
    .assert_eq(&out.join("\n"));
}

#[test]
fn gaps_left_by_rounding_are_kept() {
    // A parent wider than self + children, as the original's scaled or averaged trees are.
    let json = r#"{"names":["total","a","b"],"levels":[[0,10,0,0],[0,9,2,1],[2,3,3,2]],"numTicks":10,"maxSelf":3}"#;
    let fb: Flamebearer = serde_json::from_str(json).unwrap();
    let tree = fb.to_tree().unwrap();
    expect![[r#"
        total total=10 self=0
          a total=9 self=2
            b total=3 self=3
    "#]]
    .assert_eq(&tree.to_text());
    assert_eq!(
        to_go_json(&Flamebearer::single(&tree, MaxNodes::Unlimited)),
        json
    );
}

#[test]
fn bad_envelopes_are_typed_errors() {
    assert!(matches!(
        FlamebearerProfile::from_json("{"),
        Err(DecodeError::Json(_))
    ));
    let v2 =
        r#"{"version":2,"flamebearer":{"names":[],"levels":[]},"metadata":{"format":"single"}}"#;
    assert_eq!(
        FlamebearerProfile::from_json(v2),
        Err(DecodeError::Version(2))
    );
    let neg = r#"{"flamebearer":{"names":["total"],"levels":[[-1,0,0,0]]},"metadata":{"format":"single"}}"#;
    assert!(matches!(
        FlamebearerProfile::from_json(neg),
        Err(DecodeError::Json(_))
    ));
    let minimal = r#"{"flamebearer":{"names":["total"],"levels":[[0,0,0,0]]},"metadata":{"format":"single"}}"#;
    assert_eq!(
        FlamebearerProfile::from_json(minimal)
            .unwrap()
            .tree()
            .unwrap(),
        Tree::new()
    );
}

#[test]
fn frames_named_total_other_or_empty_keep_the_originals_quirks() {
    // The original keys names by string with the root's empty name at index 0, so an empty
    // frame shares index 0 ("total") and a real `total` frame gets its own entry. A
    // literal `other` child is folded into the synthetic one, laid out last.
    let tree = common::tree("a;;b 1\ntotal 2\nother 3\nx 4\n");
    let fb = Flamebearer::single(&tree, MaxNodes::Unlimited);
    assert_eq!(
        to_go_json(&fb),
        r#"{"names":["total","other","x","total","a","b"],"levels":[[0,10,0,0],[0,1,0,4,0,2,2,3,0,4,4,2,0,3,3,1],[0,1,0,0],[0,1,1,5]],"numTicks":10,"maxSelf":4}"#
    );
}

/// The benchmark generator's 1000-node profile (its JSON names are in left-to-right order,
/// unlike the original's): the JSON and the folded file describe the same tree.
#[test]
fn generator_json_and_folded_agree() {
    let profile = FlamebearerProfile::from_json(&data("gen-1000.json")).unwrap();
    let tree = profile.tree().unwrap();
    assert_eq!(tree.len(), 1000);
    assert_eq!(tree.total_ticks().0, profile.flamebearer.num_ticks);
    assert_eq!(tree, common::tree(&data("gen-1000.folded.txt")));
    let ours = Flamebearer::single(&tree, MaxNodes::Unlimited);
    assert_eq!(ours.max_self, profile.flamebearer.max_self);
    assert_eq!(ours.levels.len(), profile.flamebearer.levels.len());
    assert_eq!(ours.to_tree().unwrap(), tree);
}

#[test]
fn duplicate_siblings_and_their_children_are_merged() {
    // Two `a` bars under the root, each with a `b` child: one stack, so one node each.
    let json =
        r#"{"names":["total","a","b"],"levels":[[0,4,0,0],[0,2,0,1,0,2,0,1],[0,1,1,2,1,1,1,2]]}"#;
    let fb: Flamebearer = serde_json::from_str(json).unwrap();
    expect![[r#"
        total total=4 self=0
          a total=4 self=0
            b total=2 self=2
    "#]]
    .assert_eq(&fb.to_tree().unwrap().to_text());
}
