//! pprof and push bodies captured from real agents, decoded against the values recorded by
//! `tests/fixtures/tools/pbdecode.py`; the sample-type mapping; encoding round trips.

use std::io::Write;

use cinder_profile::pprof::{
    self, decode, decode_push, Aggregation, DecodeOptions, DecodedProfile, EncodeOptions,
    SampleTypeConfigs,
};
use cinder_profile::{DecodeError, Ticks, Tree};
use serde_json::Value;

use crate::common::{self, WORKED_EXAMPLE};

const NODE: &str = "node-pyroscope-nodejs-0.6.4-ingest-pprof";
const PUSH: &str = "python-pyroscope-io-1.4.0-push";

fn node_profile(n: usize) -> (DecodedProfile, Value) {
    let body = std::fs::read(common::agent_fixture(&format!("{NODE}/{n:04}.bin"))).unwrap();
    assert_eq!(
        &body[..2],
        [0x1f, 0x8b],
        "the Node agent gzips without a header"
    );
    let decoded = decode(&body, &DecodeOptions::default()).unwrap();
    (
        decoded,
        common::decoded(&format!("{NODE}/{n:04}.decoded.json"))["pprof"].clone(),
    )
}

/// Compares everything `pbdecode.py` recorded that survives conversion to trees.
fn check_against_summary(profile: &DecodedProfile, summary: &Value) {
    let types: Vec<String> = profile
        .sample_types
        .iter()
        .map(|t| format!("{}/{}", t.name, t.unit))
        .collect();
    assert_eq!(
        serde_json::to_value(&types).unwrap(),
        summary["sample_types"]
    );
    assert_eq!(Value::from(profile.period), summary["period"]);
    assert_eq!(Value::from(profile.time_nanos), summary["time_nanos"]);
    let totals: Vec<u64> = (0..types.len())
        .map(|i| profile.merged(i).total_ticks().0)
        .collect();
    assert_eq!(serde_json::to_value(&totals).unwrap(), summary["totals"]);
    assert_eq!(profile.negative_values, 0);
    let mut keys: Vec<&str> = profile
        .series
        .iter()
        .flat_map(|s| s.labels.iter().map(|(k, _)| k.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let expected: Vec<&str> = summary["label_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k[0].as_str().unwrap())
        .collect();
    assert_eq!(keys, expected);
    check_top_stacks(profile, summary);
}

/// Each recorded top stack (untruncated, symbolized) is a node of the tree of its label set
/// with at least the recorded first value as self (other samples may share the stack).
fn check_top_stacks(profile: &DecodedProfile, summary: &Value) {
    for top in summary["top_stacks"].as_array().unwrap() {
        let text = top["stack_root_first"].as_str().unwrap();
        if text.len() >= 600 {
            continue; // cut by the summary tool
        }
        let frames: Vec<&str> = text
            .split(';')
            .map(|f| {
                if f.ends_with(')') {
                    f.rsplit_once(" (").map_or(f, |(name, _)| name)
                } else {
                    f
                }
            })
            .collect();
        let labels: Vec<(String, String)> = top["labels"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|l| Some((l[0].as_str()?.to_owned(), l[1].as_str()?.to_owned())))
            .collect();
        let mut labels = labels;
        labels.sort();
        let series = profile
            .series
            .iter()
            .find(|s| s.labels == labels)
            .expect("label set");
        let tree = &series.trees[0];
        let node = tree.find(&frames).unwrap_or_else(|| panic!("stack {text}"));
        assert!(
            tree.node(node).unwrap().self_ticks().0 >= top["values"][0].as_u64().unwrap(),
            "{text}"
        );
    }
}

#[test]
fn node_agent_profiles_match_the_capture_summaries() {
    for n in 1..=7 {
        let (profile, summary) = node_profile(n);
        check_against_summary(&profile, &summary);
    }
}

#[test]
fn python_push_requests_carry_pprof_matching_the_summaries() {
    let mut profiles = 0;
    for n in 1..=4 {
        let body = std::fs::read(common::agent_fixture(&format!("{PUSH}/{n:04}.bin"))).unwrap();
        let request = decode_push(&body, pprof::DEFAULT_MAX_DECOMPRESSED).unwrap();
        let summary = common::decoded(&format!("{PUSH}/{n:04}.decoded.json"));
        assert_eq!(
            request.series.len(),
            summary["series"].as_array().unwrap().len()
        );
        for (series, expected) in request
            .series
            .iter()
            .zip(summary["series"].as_array().unwrap())
        {
            let labels: Vec<[&str; 2]> = series
                .labels
                .iter()
                .map(|l| [l.name.as_str(), l.value.as_str()])
                .collect();
            assert_eq!(serde_json::to_value(&labels).unwrap(), expected["labels"]);
            for (sample, want) in series
                .samples
                .iter()
                .zip(expected["samples"].as_array().unwrap())
            {
                assert_eq!(Value::from(sample.id.as_str()), want["ID"]);
                let profile = decode(&sample.raw_profile, &DecodeOptions::default()).unwrap();
                check_against_summary(&profile, &want["pprof"]);
                profiles += 1;
            }
        }
    }
    assert_eq!(profiles, 8);
}

#[test]
fn node_wall_profile_maps_to_a_cpu_series_per_label_set() {
    let (profile, _) = node_profile(3);
    let series = profile.og_series(&SampleTypeConfigs::og_default(), None);
    let summary: Vec<String> = series
        .iter()
        .map(|s| {
            format!(
                "{} {} {} {} {:?} {}",
                s.suffix,
                s.units,
                s.aggregation.as_str(),
                s.sample_rate,
                s.labels,
                s.tree.total_ticks()
            )
        })
        .collect();
    // Only `samples` is in the default table; 10 191 000 ns per sample is 98 Hz.
    expect_test::expect![[r#"
        cpu samples sum 98 [] 108
        cpu samples sum 98 [("controller", "slow")] 876"#]]
    .assert_eq(&summary.join("\n"));
}

#[test]
fn node_heap_profile_maps_to_averaged_inuse_series() {
    let (profile, summary) = node_profile(4);
    let series = profile.og_series(&SampleTypeConfigs::og_default(), None);
    let got: Vec<(&str, &str, Aggregation, u32, u64)> = series
        .iter()
        .map(|s| {
            (
                s.suffix.as_str(),
                s.units.as_str(),
                s.aggregation,
                s.sample_rate,
                s.tree.total_ticks().0,
            )
        })
        .collect();
    let totals = &summary["totals"];
    assert_eq!(
        got,
        vec![
            (
                "inuse_objects",
                "objects",
                Aggregation::Average,
                0,
                totals[0].as_u64().unwrap()
            ),
            (
                "inuse_space",
                "bytes",
                Aggregation::Average,
                0,
                totals[1].as_u64().unwrap()
            ),
        ]
    );
}

fn summary(series: &[pprof::OgSeries]) -> String {
    let mut merged: std::collections::BTreeMap<&str, (String, u64)> = Default::default();
    for s in series {
        let e = merged.entry(s.suffix.as_str()).or_insert_with(|| {
            (
                format!("{} {} {}", s.units, s.aggregation.as_str(), s.sample_rate),
                0,
            )
        });
        e.1 += s.tree.total_ticks().0;
    }
    merged
        .iter()
        .map(|(k, (meta, total))| format!("{k}: {meta} total={total}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The original kept only `samples` of Node's wall profile, as `.cpu`, though they are
/// wall-clock samples, and dropped `wall` and `cpu` (nanoseconds): a bug (issue 10).
/// Every type is kept: CPU time as `.cpu`, wall time as `.wall`, both in exact
/// nanoseconds; the sample count under its own name at the period's rate (10.191 ms is
/// 98 Hz). The totals are the agent's own (`pbdecode.py`).
#[test]
fn every_sample_type_of_the_node_wall_profile_is_kept() {
    let (profile, decoded) = node_profile(3);
    let configs = profile.resolve_configs(None).unwrap();
    let configs: Vec<_> = configs.into_iter().map(Some).collect();
    let series = profile.series_with(&configs, None);
    let totals = &decoded["totals"];
    assert_eq!(
        summary(&series),
        format!(
            "cpu: samples sum 1000000000 total={}\n\
             samples: samples sum 98 total={}\n\
             wall: samples sum 1000000000 total={}",
            totals[2], totals[0], totals[1]
        )
    );
    assert!(profile
        .og_series(&SampleTypeConfigs::og_default(), None)
        .iter()
        .all(|s| s.suffix == "cpu" && s.sample_type == 0));
}

/// Python 0.8 and Rust 0.5 send one `cpu` type in nanoseconds, which the original dropped
/// (nothing stored, 200): it is `.cpu` now, in nanoseconds. Go's `samples` next to `cpu`
/// moves aside; the agent's own config names first; a type that cannot be named is an
/// error, never a silent drop.
#[test]
fn nanosecond_types_are_kept_and_names_never_collide() {
    let profile = |types: &[(&str, &str)], period_type: Option<(&str, &str)>| DecodedProfile {
        sample_types: types
            .iter()
            .map(|(n, u)| pprof::SampleType {
                name: (*n).into(),
                unit: (*u).into(),
            })
            .collect(),
        period_type: period_type.map(|(n, u)| pprof::SampleType {
            name: n.into(),
            unit: u.into(),
        }),
        period: 10_000_000,
        time_nanos: 0,
        duration_nanos: 0,
        series: Vec::new(),
        negative_values: 0,
    };
    let names = |p: &DecodedProfile, explicit: Option<&SampleTypeConfigs>| {
        p.resolve_configs(explicit)
            .map(|c| {
                c.iter()
                    .map(|c| format!("{}:{}", c.display_name, c.units))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .map_err(|e| e.to_string())
    };
    let cpu_ns = profile(&[("cpu", "nanoseconds")], Some(("cpu", "nanoseconds")));
    assert!(cpu_ns
        .og_series(&SampleTypeConfigs::og_default(), None)
        .is_empty());
    assert_eq!(names(&cpu_ns, None).unwrap(), "cpu:samples");
    let go = profile(
        &[("samples", "count"), ("cpu", "nanoseconds")],
        Some(("cpu", "nanoseconds")),
    );
    assert_eq!(names(&go, None).unwrap(), "samples:samples cpu:samples");
    let config = SampleTypeConfigs::from_json(r#"{"samples":{"display-name":"cpu"}}"#).unwrap();
    assert_eq!(
        names(&go, Some(&config)).unwrap(),
        "cpu: cpu_nanoseconds:samples"
    );
    let heap = profile(
        &[
            ("inuse_space", "bytes"),
            ("alloc_in_new_tlab_bytes", "bytes"),
        ],
        Some(("space", "bytes")),
    );
    assert_eq!(
        names(&heap, None).unwrap(),
        "inuse_space:bytes alloc_in_new_tlab_bytes:bytes"
    );
    assert_eq!(heap.sample_rate(), 0, "a period in bytes is no rate");
    let bad = profile(&[("a b", "count")], None);
    let err = names(&bad, None).unwrap_err();
    assert!(err.contains("\"a b\" (count) cannot be stored"), "{err}");
    let twice = profile(&[("x", "count"), ("x", "count")], None);
    assert_eq!(names(&twice, None).unwrap(), "x:count x_count:count");
    let thrice = profile(&[("x", "count"), ("x", "count"), ("x", "count")], None);
    assert!(names(&thrice, None).is_err());
}

#[test]
fn sample_type_config_replaces_the_default_table() {
    let (profile, _) = node_profile(3);
    let config = SampleTypeConfigs::from_json(
        r#"{"wall":{"units":"samples","display-name":"wall","aggregation":"average","sampled":true},"cpu":{}}"#,
    )
    .unwrap();
    let series = profile.og_series(&config, None);
    let names: Vec<(&str, &str, Aggregation)> = series
        .iter()
        .map(|s| (s.suffix.as_str(), s.units.as_str(), s.aggregation))
        .collect();
    assert_eq!(names.len(), 4);
    // Series follow the profile's sample type order: samples (dropped), wall, cpu.
    assert_eq!(names[0], ("wall", "samples", Aggregation::Average));
    assert_eq!(names[2], ("cpu", "nanoseconds", Aggregation::Sum));
    // `wall` is sampled and in nanoseconds: its ticks stay nanoseconds, 10⁹ per second.
    assert_eq!(series[0].sample_rate, pprof::NANOSECOND_RATE);
    assert_eq!(series[2].sample_rate, 0);
    assert!(matches!(
        SampleTypeConfigs::from_json("[1]"),
        Err(DecodeError::Json(_))
    ));
}

fn pprof_of(folded: &str, sample_type: &str) -> Vec<u8> {
    let options = EncodeOptions {
        sample_type: sample_type.into(),
        unit: "bytes".into(),
        ..EncodeOptions::default()
    };
    pprof::encode(&common::tree(folded), &options)
}

#[test]
fn cumulative_types_need_the_previous_profile_and_store_the_delta() {
    let current = decode(
        &pprof_of("main;alloc 10\nmain;grow 7\nmain 3\n", "alloc_space"),
        &DecodeOptions::default(),
    )
    .unwrap();
    let previous = decode(
        &pprof_of("main;alloc 4\nmain;grow 9\nold 2\n", "alloc_space"),
        &DecodeOptions::default(),
    )
    .unwrap();
    let config = SampleTypeConfigs::og_default();
    assert!(current.og_series(&config, None).is_empty());
    let delta = current.og_series(&config, Some(&previous));
    assert_eq!(delta.len(), 1);
    assert_eq!(delta[0].tree, common::tree("main;alloc 6\nmain 3\n"));
    assert_eq!(
        (delta[0].suffix.as_str(), delta[0].units.as_str()),
        ("alloc_space", "bytes")
    );
}

#[test]
fn encoded_trees_decode_to_the_same_tree_plain_and_gzipped() {
    let tree = common::tree(&format!("{WORKED_EXAMPLE} 2\n"));
    let options = EncodeOptions {
        unit: "samples".into(),
        time_nanos: 1_700_000_000_000_000_000,
        period_type: ("cpu".into(), "nanoseconds".into()),
        period: 10_000_000,
        ..EncodeOptions::default()
    };
    let bytes = pprof::encode(&tree, &options);
    let decoded = decode(&bytes, &DecodeOptions::default()).unwrap();
    assert_eq!(decoded.merged(0), tree);
    assert_eq!(decoded.sample_rate(), 100);
    assert_eq!(decoded.time_nanos, options.time_nanos);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&bytes).unwrap();
    let gzipped = gz.finish().unwrap();
    assert_eq!(
        decode(&gzipped, &DecodeOptions::default()).unwrap(),
        decoded
    );
    let small = DecodeOptions {
        max_decompressed: 10,
        ..DecodeOptions::default()
    };
    assert_eq!(
        decode(&gzipped, &small),
        Err(DecodeError::TooLarge { limit: 10 })
    );
}

#[test]
fn garbage_is_a_typed_error() {
    assert!(matches!(
        decode(b"\x0a\xff\xff\xff", &DecodeOptions::default()),
        Err(DecodeError::Protobuf(_))
    ));
    assert!(matches!(
        decode(b"\x1f\x8b\x08\x00garbage", &DecodeOptions::default()),
        Err(DecodeError::Gzip(_))
    ));
    assert!(matches!(
        decode_push(b"\xff", 100),
        Err(DecodeError::Protobuf(_))
    ));
    assert_eq!(
        decode(b"", &DecodeOptions::default()).unwrap().merged(0),
        Tree::new()
    );
    assert_eq!(Tree::new().total_ticks(), Ticks::ZERO);
}

#[test]
fn exports_carry_the_unit_and_start_and_nothing_else() {
    let tree = common::tree(WORKED_EXAMPLE);
    let options = EncodeOptions::export("bytes", 1_700_000_000);
    let decoded = decode(&pprof::encode(&tree, &options), &DecodeOptions::default()).unwrap();
    assert_eq!(decoded.merged(0), tree);
    assert_eq!(decoded.time_nanos, 1_700_000_000_000_000_000);
    let types: Vec<_> = decoded
        .sample_types
        .iter()
        .map(|t| (t.name.as_str(), t.unit.as_str()))
        .collect();
    assert_eq!(types, [("", "bytes")]);
    assert_eq!(decoded.sample_rate(), 0);
    assert_eq!(EncodeOptions::export("x", i64::MAX).time_nanos, i64::MAX);
}
