//! The diff view's URL: the original's parameter names, defaults, round trips, sources.

use super::*;

#[test]
fn a_link_from_the_original_opens_the_same_diff() {
    let s = DiffViewState::from_query_string(
        "?query=shop.cpu%7B%7D&from=now-6h&until=now&leftFrom=1700000000&leftUntil=1700000600\
         &rightQuery=shop.cpu%7Benv%3D%22b%22%7D&rightFrom=now-30m&rightUntil=now",
    );
    assert_eq!(s.side_query(Side::Left), "shop.cpu{}");
    assert_eq!(s.side_query(Side::Right), r#"shop.cpu{env="b"}"#);
    let now = 1_800_000_000;
    assert_eq!(
        s.source(Side::Left, now),
        Some(Source::Query {
            query: "shop.cpu{}".into(),
            from: 1_700_000_000,
            until: 1_700_000_600
        })
    );
    assert_eq!(
        s.source(Side::Right, now),
        Some(Source::Query {
            query: r#"shop.cpu{env="b"}"#.into(),
            from: now - 1800,
            until: now
        })
    );
    assert_eq!(
        s.single_view_link(Side::Left, now),
        "/?query=shop.cpu%7B%7D&from=1700000000&until=1700000600"
    );
}

#[test]
fn every_field_round_trips_through_the_url() {
    let s = DiffViewState {
        query: "a.cpu{}".into(),
        range: TimeRange::Relative("now-24h".into()),
        left: SideParams {
            query: "a.cpu{x=\"1\"}".into(),
            from: "now-2h".into(),
            until: "now-1h".into(),
            profile: None,
        },
        right: SideParams {
            query: String::new(),
            from: "1700000000".into(),
            until: "1700000100".into(),
            profile: None,
        },
        style: DiffStyle {
            palette: DiffPalette::ColorBlind,
            mode: DiffMode::Absolute,
            threshold: 2.5,
        },
        search: "a & b".into(),
        right_search: Some(String::new()),
        selected: Some("main".into()),
        sort: DiffSort::default().clicked(super::super::diff_table::DiffColumn::Name),
        focus: vec!["main".into(), "work".into()],
    };
    assert_eq!(DiffViewState::from_query_string(&s.to_query_string()), s);
    assert_eq!(
        DiffViewState::from_query_string(&DiffViewState::default().to_query_string()),
        DiffViewState::default()
    );
}

#[test]
fn profile_urls_open_a_diff_without_the_server() {
    let s = DiffViewState::from_query_string("leftProfile=%2Fa.json&rightProfile=b.folded");
    assert_eq!(s.source(Side::Left, 0), Some(Source::Url("/a.json".into())));
    assert_eq!(
        s.source(Side::Right, 0),
        Some(Source::Url("b.folded".into()))
    );
    assert_eq!(s.single_view_link(Side::Right, 0), "/?profile=b.folded");
    assert_eq!(
        s.to_query_string(),
        "leftProfile=%2Fa.json&rightProfile=b.folded"
    );
    // Without a query or profile there is nothing to load.
    assert_eq!(DiffViewState::default().source(Side::Left, 0), None);
}

#[test]
fn time_expressions() {
    let now = 1_000_000;
    assert_eq!(time_expr("now", now), Some(now));
    assert_eq!(time_expr("now-30m", now), Some(now - 1800));
    assert_eq!(time_expr("now-2d", now), Some(now - 172_800));
    assert_eq!(time_expr("1700000000", now), Some(1_700_000_000));
    assert_eq!(time_expr("1700000000000", now), Some(1_700_000_000));
    assert_eq!(time_expr("now-", now), None);
    assert_eq!(time_expr("now-5x", now), None);
    assert_eq!(time_expr("yesterday", now), None);
    assert_eq!(time_expr("now-99999999999999999y", now), None);
}

#[test]
fn searches_are_synced_until_unlinked() {
    let mut s = DiffViewState::default();
    s.set_search(Side::Right, "gc".into());
    assert_eq!(
        (s.search_of(Side::Left), s.search_of(Side::Right)),
        ("gc", "gc")
    );
    s.set_search_synced(false);
    s.set_search(Side::Right, "io".into());
    assert_eq!(
        (s.search_of(Side::Left), s.search_of(Side::Right)),
        ("gc", "io")
    );
    let back = DiffViewState::from_query_string(&s.to_query_string());
    assert_eq!(back.search_of(Side::Right), "io");
    s.set_search_synced(true);
    assert_eq!(s.search_of(Side::Right), "gc");
}

#[test]
fn compare_with_prior_shifts_the_comparison_window_into_the_baseline() {
    let now = 1_000_000;
    let mut s =
        DiffViewState::from_query_string("query=a.cpu%7B%7D&rightFrom=now-30m&rightUntil=now&fn=x");
    assert!(s.compare_with_prior(PRIOR_PERIODS[2].1, now));
    assert_eq!(
        s.source(Side::Left, now),
        Some(Source::Query {
            query: "a.cpu{}".into(),
            from: now - 1800 - 86_400,
            until: now - 86_400
        })
    );
    assert_eq!(
        s.selected, None,
        "the old selection belonged to the old data"
    );
    let mut url = DiffViewState::from_query_string("rightProfile=x.json");
    assert!(!url.compare_with_prior(3600, now));
}

#[test]
fn windows_are_set_by_the_timeline_and_checked_against_the_range() {
    let now = 1_000_000;
    let mut s = DiffViewState::from_query_string("query=a.cpu%7B%7D&from=now-1h&until=now");
    assert_eq!(s.window(Side::Left, now), Some((now - 3600, now - 1800)));
    assert!(!s.outside_range(Side::Left, now));
    s.set_window(Side::Left, now - 7200, now - 6000);
    assert_eq!(s.left.from, (now - 7200).to_string());
    assert!(s.outside_range(Side::Left, now));
    assert!(!s.outside_range(Side::Right, now));
    s.sync_range(now);
    assert_eq!(
        s.range,
        TimeRange::Absolute {
            from: now - 7200,
            until: now
        }
    );
    assert!(!s.outside_range(Side::Left, now));
    let url = DiffViewState::from_query_string("leftProfile=x");
    assert_eq!(url.window(Side::Left, now), None);
}
