//! Criterion benchmarks of the operations the issue sets targets for (2-core machine,
//! native): decode a flamebearer JSON, encode one, parse folded text, merge 360 trees,
//! diff, the function table, and the storage codec.
//!
//! Inputs come from the repository's deterministic generator (`bench/gen/gen_profiles.py`),
//! written to `target/bench-profiles/` on first use (the 500k-node files are tens of MB,
//! so they are never committed). Sizes missing after generation are skipped.
//!
//! Run with short settings on the shared machine:
//! `cargo bench -p cinder-profile -j 1 -- --warm-up-time 1 --measurement-time 3`

/// Criterion does not build for wasm32 (CI lints all targets there too): the benches are
/// native only and the wasm build gets an empty `main`.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::path::PathBuf;
    use std::process::Command;

    use cinder_profile::flamebearer::{Flamebearer, FlamebearerProfile, Metadata};
    use cinder_profile::{Diff, MaxNodes, Tree};
    use criterion::{criterion_group, BenchmarkId, Criterion};

    const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 500_000];

    fn profiles_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-profiles")
    }

    /// The generator's output for `size` (`json` or `folded.txt`), generating it if missing.
    fn input(size: usize, ext: &str) -> Option<String> {
        let path = profiles_dir().join(format!("{size}.{ext}"));
        if !path.exists() {
            let generator =
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/gen/gen_profiles.py");
            let status = Command::new("python3")
                .arg(generator)
                .arg(size.to_string())
                .arg("--out")
                .arg(profiles_dir())
                .status();
            if !matches!(status, Ok(s) if s.success()) {
                eprintln!("skipping {size}: generator unavailable");
                return None;
            }
        }
        std::fs::read_to_string(path).ok()
    }

    fn tree_of(size: usize) -> Option<Tree> {
        FlamebearerProfile::from_json(&input(size, "json")?)
            .ok()?
            .tree()
            .ok()
    }

    /// `count` trees like real consecutive 10 s profiles of one app: each keeps about two
    /// thirds of the stacks of the folded input, with varying counts.
    fn variants(folded: &str, count: usize) -> Vec<Tree> {
        let lines: Vec<&str> = folded.lines().collect();
        (0..count)
            .map(|i| {
                let text: String = lines
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| (j + i) % 3 != 0)
                    .filter_map(|(_, line)| {
                        let (stack, n) = line.rsplit_once(' ')?;
                        let n: u64 = n.parse().ok()?;
                        Some(format!("{stack} {}\n", n * (i as u64 % 5 + 1)))
                    })
                    .collect();
                Tree::from_folded(&text).0
            })
            .collect()
    }

    fn decode_json(c: &mut Criterion) {
        let mut group = c.benchmark_group("decode_json");
        group.sample_size(10);
        for size in SIZES {
            let Some(json) = input(size, "json") else {
                continue;
            };
            group.bench_with_input(BenchmarkId::new("two_step", size), &json, |b, json| {
                b.iter(|| {
                    FlamebearerProfile::from_json(json)
                        .and_then(|p| p.tree())
                        .map(|t| t.len())
                });
            });
            // The app's path: levels streamed into the tree.
            group.bench_with_input(BenchmarkId::new("streamed", size), &json, |b, json| {
                b.iter(|| {
                    FlamebearerProfile::single_from_json(json.as_bytes()).map(|(_, t)| t.len())
                });
            });
        }
        group.finish();
    }

    fn encode_json(c: &mut Criterion) {
        let mut group = c.benchmark_group("encode_json");
        group.sample_size(10);
        for size in SIZES {
            let Some(tree) = tree_of(size) else { continue };
            for (label, max) in [
                ("all", MaxNodes::Unlimited),
                ("1024", MaxNodes::Limit(1024)),
            ] {
                group.bench_with_input(BenchmarkId::new(label, size), &tree, |b, tree| {
                    b.iter(|| {
                        FlamebearerProfile::single(tree, max, Metadata::default())
                            .to_json()
                            .len()
                    });
                });
            }
        }
        group.finish();
    }

    fn parse_folded(c: &mut Criterion) {
        let mut group = c.benchmark_group("parse_folded");
        group.sample_size(10);
        for size in SIZES {
            let Some(text) = input(size, "folded.txt") else {
                continue;
            };
            group.bench_with_input(BenchmarkId::from_parameter(size), &text, |b, text| {
                b.iter(|| Tree::from_folded(text).0.len());
            });
        }
        group.finish();
    }

    fn merge(c: &mut Criterion) {
        let Some(folded) = input(10_000, "folded.txt") else {
            return;
        };
        let trees = variants(&folded, 360);
        let bytes: Vec<Vec<u8>> = trees.iter().map(Tree::to_bytes).collect();
        let mut group = c.benchmark_group("merge_360x10k");
        group.sample_size(10);
        group.bench_function("trees", |b| b.iter(|| Tree::merge(&trees).len()));
        group.bench_function("stored_bytes", |b| {
            b.iter(|| {
                let mut acc = Tree::new();
                for blob in &bytes {
                    let _ = acc.merge_bytes(blob);
                }
                acc.len()
            });
        });
        group.finish();
    }

    fn diff_and_table(c: &mut Criterion) {
        let mut group = c.benchmark_group("diff_table");
        group.sample_size(10);
        for size in [100_000, 500_000] {
            let (Some(left), Some(folded)) = (tree_of(size), input(size, "folded.txt")) else {
                continue;
            };
            let right = variants(&folded, 2).pop().unwrap_or_default();
            group.bench_function(BenchmarkId::new("diff", size), |b| {
                b.iter(|| Diff::new(&left, &right).tree().len());
            });
            let diff = Diff::new(&left, &right);
            group.bench_function(BenchmarkId::new("encode_double_1024", size), |b| {
                b.iter(|| {
                    Flamebearer::double(&diff, MaxNodes::Limit(1024))
                        .levels
                        .len()
                });
            });
            group.bench_function(BenchmarkId::new("table", size), |b| {
                b.iter(|| left.table().len());
            });
            group.bench_function(BenchmarkId::new("to_bytes", size), |b| {
                b.iter(|| left.to_bytes().len());
            });
            let stored = left.to_bytes();
            group.bench_function(BenchmarkId::new("from_bytes", size), |b| {
                b.iter(|| Tree::from_bytes(&stored).map(|t| t.len()));
            });
        }
        group.finish();
    }

    criterion_group!(
        benches,
        decode_json,
        encode_json,
        parse_folded,
        merge,
        diff_and_table
    );
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
