//! The streaming decoder ([`FlamebearerProfile::single_from_json`]) against the two-step
//! path (`from_json` then `tree`): same tree, same envelope, same error, whatever the
//! input, including key orders and escapes the original never writes.

use cinder_profile::flamebearer::{Flamebearer, FlamebearerProfile, Metadata};
use cinder_profile::{DecodeError, MaxNodes, Ticks, Tree};
use proptest::prelude::*;

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Both paths' answers, errors as text (JSON error positions may differ).
fn both(json: &str) -> (Result<Tree, String>, Result<Tree, String>) {
    let two_step = FlamebearerProfile::from_json(json)
        .and_then(|p| p.tree())
        .map_err(|e| kind(&e));
    let streamed = FlamebearerProfile::single_from_json(json.as_bytes())
        .map(|(_, t)| t)
        .map_err(|e| kind(&e));
    (two_step, streamed)
}

/// An error without the JSON parser's wording, which differs between the paths.
fn kind(e: &DecodeError) -> String {
    match e {
        DecodeError::Json(_) => "invalid JSON".into(),
        other => other.to_string(),
    }
}

#[test]
fn golden_profiles_decode_to_the_same_tree_and_envelope() {
    for name in ["render_single.json", "gen-1000.json"] {
        let bytes = data(name);
        let mut full = FlamebearerProfile::from_json(std::str::from_utf8(&bytes).unwrap()).unwrap();
        let tree = full.tree().unwrap();
        let (envelope, streamed) = FlamebearerProfile::single_from_json(&bytes).unwrap();
        assert_eq!(streamed, tree, "{name}");
        assert!(envelope.flamebearer.names.is_empty() && envelope.flamebearer.levels.is_empty());
        full.flamebearer.names.clear();
        full.flamebearer.levels.clear();
        assert_eq!(envelope, full, "{name}");
    }
}

#[test]
fn errors_keep_their_precedence() {
    let cases = [
        // JSON syntax beats a bad level found earlier.
        r#"{"flamebearer":{"names":["total"],"levels":[[0,1,0,0,9]]},"metadata":{"format":"single"}"#,
        r#"{"version":2,"flamebearer":{"names":["total"],"levels":[[0,1,0,0,9]]},"metadata":{"format":"single"}}"#,
        r#"{"flamebearer":{"names":["total"],"levels":[[0,1,0,0,9]]},"metadata":{"format":"double"}}"#,
        r#"{"flamebearer":{"names":["total","a"],"levels":[[0,1,0,0],[0,2,0,1]]},"metadata":{"format":"single"}}"#,
        r#"{"flamebearer":{"names":["total"],"levels":[[0,1,0,0]]}}"#,
        r#"{"flamebearer":{"names":["total"]},"metadata":{"format":"single"}}"#,
        r#"{"flamebearer":{"levels":[]},"metadata":{"format":"single"}}"#,
        r#"{"flamebearer":{"names":["total"],"levels":[[-1,0,0,0]]},"metadata":{"format":"single"}}"#,
        r#"{"flamebearer":{"names":["total"],"levels":[[0,1,0,0]]},"metadata":{"format":"single"}} x"#,
        r#"[]"#,
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|c| {
            let (a, b) = both(c);
            assert_eq!(a, b, "{c}");
            match a {
                Ok(t) => format!("ok {}", t.total_ticks().0),
                Err(e) => e,
            }
        })
        .collect();
    expect_test::expect![[r#"
        invalid JSON
        unsupported flamebearer version 2
        expected a single flamebearer, got "double"
        flamebearer level 1, node 0: node lies outside every node of the level above
        invalid JSON
        invalid JSON
        invalid JSON
        invalid JSON
        invalid JSON
        invalid JSON"#]]
    .assert_eq(&out.join("\n"));
}

#[test]
fn levels_before_names_escapes_and_unknown_keys_are_read() {
    let json = r#"{"extra":[1,{"a":null}],"metadata":{"format":"single","units":"bytes"},
        "flamebearer":{"maxSelf":2,"levels":[[0,3,0,0],[0,3,1,1],[1,2,2,2]],"x":1,
        "names":["total","caf\u00e9 \"q\"","a\\b"],"numTicks":3}}"#;
    let (two_step, streamed) = both(json);
    let tree = streamed.unwrap();
    assert_eq!(Ok(tree.clone()), two_step);
    assert!(tree.find(&["café \"q\"", "a\\b"]).is_some());
    let (envelope, _) = FlamebearerProfile::single_from_json(json.as_bytes()).unwrap();
    assert_eq!(
        (
            envelope.flamebearer.num_ticks,
            envelope.flamebearer.max_self
        ),
        (3, 2)
    );
    assert_eq!(envelope.metadata.units, "bytes");
}

#[test]
fn duplicate_fields_are_refused_and_repeated_unknown_keys_ignored() {
    let json = r#"{"x":1,"x":2,"flamebearer":{"y":0,"y":1,"names":["total"],"levels":[[0,1,1,0]]},"metadata":{"format":"single"}}"#;
    let (two_step, streamed) = both(json);
    assert!(two_step.is_ok(), "{two_step:?}");
    assert_eq!(streamed, two_step);
    for json in [
        r#"{"flamebearer":{"names":["total"],"names":["total"],"levels":[]},"metadata":{"format":"single"}}"#,
        r#"{"flamebearer":{"names":["total"],"levels":[],"levels":[]},"metadata":{"format":"single"}}"#,
        r#"{"metadata":{"format":"single"},"flamebearer":{"names":[],"levels":[]},"metadata":{"format":"single"}}"#,
    ] {
        let (two_step, streamed) = both(json);
        assert_eq!(two_step, Err("invalid JSON".into()), "{json}");
        assert_eq!(streamed, two_step, "{json}");
    }
}

fn frame() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["a", "b", "c", "main", "other", "total", "", "<x>"])
}

fn tree() -> impl Strategy<Value = Tree> {
    prop::collection::vec((prop::collection::vec(frame(), 0..6), 1..50u64), 0..24).prop_map(
        |stacks| {
            let mut tree = Tree::new();
            for (frames, count) in stacks {
                tree.insert_stack(frames.iter().copied(), Ticks(count));
            }
            tree
        },
    )
}

proptest! {
    #[test]
    fn streamed_and_two_step_agree_on_encoded_trees(t in tree(), limit in 1usize..30) {
        let meta = Metadata::default();
        let json = FlamebearerProfile::single(&t, MaxNodes::Limit(limit), meta).to_json();
        let (two_step, streamed) = both(&json);
        prop_assert!(two_step.is_ok());
        prop_assert_eq!(streamed, two_step);
    }

    #[test]
    fn streamed_and_two_step_agree_on_damaged_input(t in tree(), cut in 0usize..400, byte in 0u8..128) {
        let fb = Flamebearer::single(&t, MaxNodes::Unlimited);
        let json = FlamebearerProfile::new(fb, Metadata::default()).to_json();
        let mut bytes = json.into_bytes();
        if let Some(b) = bytes.get_mut(cut) {
            *b = byte;
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (two_step, streamed) = both(&text);
        prop_assert_eq!(streamed, two_step);
    }
}

/// Found by the fuzzer: serde skips an ignored string without checking its UTF-8, but the
/// two-step path needs the whole text to be UTF-8 first.
#[test]
fn invalid_utf8_is_refused_even_in_ignored_values() {
    let mut bytes = br#"{"flamebearer":{"names":["total"],"levels":[[0,1,1,0]]},"metadata":{"format":"single"},"x":"ab"}"#.to_vec();
    let at = bytes.len() - 3;
    bytes[at] = 0x97;
    assert!(std::str::from_utf8(&bytes).is_err());
    assert!(matches!(
        FlamebearerProfile::single_from_json(&bytes),
        Err(DecodeError::Json(_))
    ));
}
