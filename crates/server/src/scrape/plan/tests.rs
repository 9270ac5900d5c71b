//! Planning: built-in profiles, overrides, addresses, labels and mistakes.

use std::time::Duration;

use super::*;
use crate::base::HumanDuration;
use crate::scrape::config::StaticConfig;

fn job(yaml_like: impl FnOnce(&mut ScrapeConfig)) -> ScrapeConfig {
    let mut j: ScrapeConfig = serde_json::from_value(serde_json::json!({
        "job-name": "node",
        "static-configs": [{
            "application": "shop",
            "targets": ["127.0.0.1:9000", "localhost"],
            "labels": {"env": "test"}
        }]
    }))
    .unwrap();
    yaml_like(&mut j);
    j
}

#[test]
fn defaults_scrape_cpu_over_the_interval_and_the_heap() {
    let eps = endpoints(&[job(|_| {})]).unwrap();
    let urls: Vec<&str> = eps.iter().map(|e| e.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "http://127.0.0.1:9000/debug/pprof/profile?seconds=10",
            "http://127.0.0.1:9000/debug/pprof/heap",
            "http://localhost:80/debug/pprof/profile?seconds=10",
            "http://localhost:80/debug/pprof/heap",
        ]
    );
    let cpu = &eps[0];
    assert!(cpu.profile.spans_time() && !eps[1].profile.spans_time());
    assert_eq!(
        cpu.key.normalized(),
        "shop{env=test,instance=127.0.0.1:9000,job=node}"
    );
    assert_eq!(cpu.spy_name, DEFAULT_SPY_NAME);
    assert_eq!(cpu.discovered_labels["__address__"], "127.0.0.1:9000");
    assert_eq!(cpu.discovered_labels["__name__"], "shop");
    assert!(
        cpu.profile.sample_types.0.is_empty(),
        "CPU types are named as for uploads"
    );
    let heap = &eps[1].profile.sample_types.0;
    assert!(heap["alloc_space"].cumulative && !heap["inuse_space"].cumulative);
    assert_eq!(heap["inuse_space"].aggregation, Aggregation::Average);
    assert_eq!(
        (cpu.interval, cpu.timeout),
        (Duration::from_secs(10), Duration::from_secs(15))
    );
}

#[test]
fn every_builtin_profile_and_a_custom_one() {
    let j = job(|j| {
        j.enabled_profiles = ["cpu", "mem", "goroutines", "mutex", "block", "fgprof"]
            .map(String::from)
            .to_vec();
        j.scrape_interval = HumanDuration(Duration::from_secs(30));
        j.scrape_timeout = HumanDuration(Duration::from_secs(20));
        j.scheme = Scheme::Https;
        j.static_configs[0].targets = vec!["example.com".into()];
        j.static_configs[0].spy_name = Some("gospy".into());
        j.profiles.insert(
            "fgprof".into(),
            ProfileConfig {
                path: Some("/debug/fgprof".into()),
                params: [("seconds".to_string(), "5".to_string())].into(),
                sample_types: [(
                    "samples".to_string(),
                    SampleTypeEntry {
                        display_name: Some("wall".into()),
                        units: Some("samples".into()),
                        aggregation: Some("avg".into()),
                        ..SampleTypeEntry::default()
                    },
                )]
                .into(),
            },
        );
    });
    let eps = endpoints(&[j]).unwrap();
    let urls: Vec<&str> = eps.iter().map(|e| e.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            // The CPU profile must end before the 20 s timeout.
            "https://example.com:443/debug/pprof/profile?seconds=19",
            "https://example.com:443/debug/pprof/heap",
            "https://example.com:443/debug/pprof/goroutine",
            "https://example.com:443/debug/pprof/mutex",
            "https://example.com:443/debug/pprof/block",
            "https://example.com:443/debug/fgprof?seconds=5",
        ]
    );
    assert_eq!(
        eps[4].profile.sample_types.0["delay"].display_name,
        "block_duration"
    );
    assert_eq!(
        eps[3].profile.sample_types.0["contentions"].display_name,
        "mutex_count"
    );
    let custom = &eps[5].profile.sample_types.0["samples"];
    assert_eq!(
        (custom.display_name.as_str(), custom.aggregation),
        ("wall", Aggregation::Average)
    );
    assert!(eps.iter().all(|e| e.spy_name == "gospy"));
}

#[test]
fn a_custom_entry_overrides_a_builtin_field_by_field() {
    let j = job(|j| {
        j.enabled_profiles = vec!["mem".into()];
        j.profiles.insert(
            "mem".into(),
            ProfileConfig {
                params: [("gc".to_string(), "1".to_string())].into(),
                ..ProfileConfig::default()
            },
        );
        j.static_configs[0]
            .labels
            .insert("job".into(), "mine".into());
    });
    let eps = endpoints(&[j]).unwrap();
    assert_eq!(eps[0].url, "http://127.0.0.1:9000/debug/pprof/heap?gc=1");
    assert_eq!(
        eps[0].profile.sample_types.0.len(),
        4,
        "built-in sample types kept"
    );
    assert_eq!(eps[0].key.labels["job"], "mine", "configured labels win");
}

#[test]
fn mistakes_name_the_job_and_the_reason() {
    let cases: Vec<(ScrapeConfig, &str)> = vec![
        (
            job(|j| j.enabled_profiles = vec!["gpu".into()]),
            "\"gpu\" is neither built in",
        ),
        (
            job(|j| j.static_configs[0].application = String::new()),
            "application",
        ),
        (
            job(|j| j.static_configs[0].application = "a b".into()),
            "application",
        ),
        (
            job(|j| j.static_configs[0].targets = vec!["http://x:1".into()]),
            "host:port",
        ),
        (
            job(|j| j.scrape_interval = HumanDuration(Duration::ZERO)),
            "scrape-interval",
        ),
        (
            job(|j| {
                j.static_configs[0]
                    .labels
                    .insert("bad key".into(), "v".into());
            }),
            "label name",
        ),
        (
            job(|j| {
                j.static_configs[0].labels.insert("k".into(), "a,b".into());
            }),
            "may not hold",
        ),
        (
            job(|j| {
                j.profiles.insert("x".into(), ProfileConfig::default());
                j.enabled_profiles = vec!["x".into()];
            }),
            "needs a path",
        ),
        (
            job(|j| {
                let mut p = ProfileConfig {
                    path: Some("/p".into()),
                    ..ProfileConfig::default()
                };
                p.sample_types.insert(
                    "s".into(),
                    SampleTypeEntry {
                        aggregation: Some("max".into()),
                        ..SampleTypeEntry::default()
                    },
                );
                j.profiles.insert("x".into(), p);
                j.enabled_profiles = vec!["x".into()];
            }),
            "is not sum or average",
        ),
    ];
    for (config, expected) in cases {
        let e = endpoints(&[config]).unwrap_err();
        assert!(e.to_string().contains("job \"node\""), "{e}");
        assert!(
            e.to_string().contains(expected),
            "{e} should say {expected}"
        );
    }
    let twice = endpoints(&[job(|_| {}), job(|_| {})]).unwrap_err();
    assert_eq!(twice, PlanError::DuplicateJob("node".into()));
    let unnamed = endpoints(&[job(|j| j.job_name = " ".into())]).unwrap_err();
    assert_eq!(unnamed, PlanError::NoJobName);
    assert_eq!(endpoints(&[]).unwrap(), Vec::new());
}

#[test]
fn a_group_without_targets_has_no_endpoints() {
    let j = job(|j| {
        j.static_configs.push(StaticConfig {
            application: "other".into(),
            ..StaticConfig::default()
        });
    });
    assert_eq!(endpoints(&[j]).unwrap().len(), 4);
}
