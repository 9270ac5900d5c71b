//! pprof bytes → trees, one per (label set, sample type).
//!
//! Each sample is inserted once into a per-label-set *shape* tree (its stacks) while its
//! values go to per-type self counters; the per-type trees are projected out at the end.
//! So a profile with three sample types walks every stack once, not three times.

use std::collections::HashMap;

use prost::Message;
use rustc_hash::FxHashMap;

use super::proto::{self, Profile};
use crate::error::DecodeError;
use crate::tree::Tree;
use crate::units::{NameId, NodeId};

/// How frames are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FrameNames {
    /// The function name (the original's default).
    #[default]
    Function,
    /// `<file>:<line> - <function>`, what the original used for `spyName=rbspy`.
    FileLineFunction,
}

/// Options of [`decode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Largest accepted gunzipped size, in bytes.
    pub max_decompressed: usize,
    /// How to name frames.
    pub frame_names: FrameNames,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_decompressed: super::DEFAULT_MAX_DECOMPRESSED,
            frame_names: FrameNames::Function,
        }
    }
}

/// A sample type or period type, resolved from the string table (`cpu`/`nanoseconds`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SampleType {
    /// The type, e.g. `samples`, `cpu`, `inuse_space`.
    pub name: String,
    /// The unit, e.g. `count`, `nanoseconds`, `bytes`.
    pub unit: String,
}

/// String labels of a sample, sorted by key (one value per key, the last one wins).
pub type LabelSet = Vec<(String, String)>;

/// The samples sharing one label set: one tree per sample type (same order as
/// [`DecodedProfile::sample_types`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The samples' string labels; empty for unlabelled samples.
    pub labels: LabelSet,
    /// One tree per sample type.
    pub trees: Vec<Tree>,
}

/// A decoded pprof profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedProfile {
    /// The sample types, in value order.
    pub sample_types: Vec<SampleType>,
    /// What `period` counts, when given.
    pub period_type: Option<SampleType>,
    /// Sampling period, in units of `period_type`.
    pub period: i64,
    /// Start of the profile, unix nanoseconds (0 when absent).
    pub time_nanos: i64,
    /// Length of the profile in nanoseconds (0 when absent).
    pub duration_nanos: i64,
    /// One entry per distinct label set, in order of first appearance.
    pub series: Vec<Series>,
    /// Sample values below zero, which were dropped (ticks are unsigned).
    pub negative_values: u64,
}

/// Decodes a pprof body, plain or gzip.
pub fn decode(body: &[u8], options: &DecodeOptions) -> Result<DecodedProfile, DecodeError> {
    let body = super::gunzip_if_needed(body, options.max_decompressed)?;
    let profile = Profile::decode(&*body).map_err(|e| DecodeError::Protobuf(e.to_string()))?;
    Ok(Converter::new(&profile, options.frame_names).run())
}

struct Converter<'p> {
    profile: &'p Profile,
    /// Frames of each location, root first, as names of `names`.
    locations: FxHashMap<u64, Vec<String>>,
    series: Vec<Shape>,
    by_labels: HashMap<LabelSet, usize>,
    negative_values: u64,
}

/// Entry `i` of the string table, lossily decoded; empty when out of range.
fn string(profile: &Profile, i: i64) -> String {
    let raw = usize::try_from(i)
        .ok()
        .and_then(|i| profile.string_table.get(i));
    raw.map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

/// One label set being built: the stacks, and per sample type the self ticks by node.
struct Shape {
    labels: LabelSet,
    tree: Tree,
    /// Per sample type: self ticks by leaf node. Sparse, so memory follows the input's
    /// values rather than sample types × nodes (which hostile input could make huge).
    selves: Vec<FxHashMap<u32, u64>>,
}

impl<'p> Converter<'p> {
    fn new(profile: &'p Profile, frame_names: FrameNames) -> Self {
        let string = |i: i64| string(profile, i);
        let functions: FxHashMap<u64, &proto::Function> =
            profile.function.iter().map(|f| (f.id, f)).collect();
        let frame = |line: &proto::Line| -> Option<String> {
            let function = functions.get(&line.function_id)?;
            let name = string(function.name);
            if name.is_empty() {
                return None;
            }
            Some(match frame_names {
                FrameNames::Function => name,
                FrameNames::FileLineFunction => {
                    format!("{}:{} - {name}", string(function.filename), line.line)
                }
            })
        };
        let locations = profile
            .location
            .iter()
            .map(|loc| (loc.id, loc.line.iter().rev().filter_map(&frame).collect()))
            .collect();
        Converter {
            profile,
            locations,
            series: Vec::new(),
            by_labels: HashMap::new(),
            negative_values: 0,
        }
    }

    fn string(&self, i: i64) -> String {
        string(self.profile, i)
    }

    fn value_type(&self, v: &proto::ValueType) -> SampleType {
        SampleType {
            name: self.string(v.r#type),
            unit: self.string(v.unit),
        }
    }

    fn run(mut self) -> DecodedProfile {
        let sample_types: Vec<SampleType> = self
            .profile
            .sample_type
            .iter()
            .map(|v| self.value_type(v))
            .collect();
        let period_type = self
            .profile
            .period_type
            .as_ref()
            .map(|v| self.value_type(v));
        let types = sample_types.len();
        let mut frames: Vec<NameId> = Vec::new();
        for sample in &self.profile.sample {
            let labels = self.labels(sample);
            let shape = self.shape(labels, types);
            frames.clear();
            for id in sample.location_id.iter().rev() {
                let Some(names) = self.locations.get(id) else {
                    continue;
                };
                let Some(shape) = self.series.get_mut(shape) else {
                    continue;
                };
                frames.extend(names.iter().map(|n| shape.tree.intern(n)));
            }
            self.add(shape, &frames, &sample.value);
        }
        let Converter {
            profile,
            series,
            negative_values,
            ..
        } = self;
        DecodedProfile {
            sample_types,
            period_type,
            period: profile.period,
            time_nanos: profile.time_nanos,
            duration_nanos: profile.duration_nanos,
            series: series.into_iter().map(Shape::finish).collect(),
            negative_values,
        }
    }

    /// The sample's string labels, sorted by key; numeric labels are ignored.
    fn labels(&self, sample: &proto::Sample) -> LabelSet {
        let labels: LabelSet = sample
            .label
            .iter()
            .filter(|l| l.str != 0)
            .map(|l| (self.string(l.key), self.string(l.str)))
            .collect();
        let mut labels = crate::sort::stable_by(labels, &|a, b| a.0.cmp(&b.0));
        // Keep the last value of a repeated key.
        labels.reverse();
        labels.dedup_by(|a, b| a.0 == b.0);
        labels.reverse();
        labels
    }

    fn shape(&mut self, labels: LabelSet, types: usize) -> usize {
        if let Some(&i) = self.by_labels.get(&labels) {
            return i;
        }
        let i = self.series.len();
        self.by_labels.insert(labels.clone(), i);
        self.series.push(Shape {
            labels,
            tree: Tree::new(),
            selves: vec![FxHashMap::default(); types],
        });
        i
    }

    fn add(&mut self, shape: usize, frames: &[NameId], values: &[i64]) {
        let Some(shape) = self.series.get_mut(shape) else {
            return;
        };
        let leaf = shape.tree.insert_stack_ids(frames, crate::Ticks::ZERO);
        for (selves, &value) in shape.selves.iter_mut().zip(values) {
            match u64::try_from(value) {
                Ok(0) => {}
                Ok(value) => {
                    let slot = selves.entry(leaf.0).or_insert(0);
                    *slot = slot.saturating_add(value);
                }
                Err(_) => self.negative_values += 1,
            }
        }
    }
}

impl Shape {
    fn finish(self) -> Series {
        let trees = self
            .selves
            .iter()
            .map(|selves| self.tree_of(selves))
            .collect();
        Series {
            labels: self.labels,
            trees,
        }
    }

    /// The tree of one sample type: each leaf's stack inserted with its self ticks.
    fn tree_of(&self, selves: &FxHashMap<u32, u64>) -> Tree {
        let mut leaves: Vec<u32> = selves.keys().copied().collect();
        crate::sort::ids_by(&mut leaves, &|a, b| a.cmp(&b));
        let leaves = leaves
            .into_iter()
            .map(|leaf| (leaf, selves.get(&leaf).copied().unwrap_or(0)));
        let mut out = Tree::with_names(self.tree.names().clone());
        let mut path: Vec<NameId> = Vec::new();
        for (leaf, value) in leaves {
            path.clear();
            let mut node = self.tree.node(NodeId(leaf));
            while let Some(n) = node.filter(|n| !n.is_root()) {
                path.push(n.name_id());
                node = n.parent();
            }
            path.reverse();
            out.insert_stack_ids(&path, crate::Ticks(value));
        }
        out
    }
}

/// The shape tree with the given self ticks, totals summed bottom-up, zero nodes dropped.
fn project(shape: &Tree, selves: &[u64]) -> Tree {
    let mut totals: Vec<u64> = (0..shape.len())
        .map(|i| selves.get(i).copied().unwrap_or(0))
        .collect();
    for i in (1..shape.len()).rev() {
        let parent = shape.rec(i as u32).parent as usize;
        let child = totals.get(i).copied().unwrap_or(0);
        if let Some(p) = totals.get_mut(parent) {
            *p = p.saturating_add(child);
        }
    }
    shape.project(|id| {
        let i = id as usize;
        (
            totals.get(i).copied().unwrap_or(0),
            selves.get(i).copied().unwrap_or(0),
        )
    })
}

impl DecodedProfile {
    /// All trees of sample type `index` merged over label sets.
    #[must_use]
    pub fn merged(&self, index: usize) -> Tree {
        Tree::merge(self.series.iter().filter_map(|s| s.trees.get(index)))
    }

    /// The index of the sample type named `name`.
    #[must_use]
    pub fn sample_type_index(&self, name: &str) -> Option<usize> {
        self.sample_types.iter().position(|t| t.name == name)
    }
}

impl Tree {
    /// `self` minus `previous`, stack by stack: each node's self loses the self of the
    /// same stack in `previous` (never below zero), then totals are rebuilt and empty
    /// nodes dropped. This turns a cumulative profile into the delta since `previous`.
    #[must_use]
    pub fn subtract(&self, previous: &Tree) -> Tree {
        let mut selves: Vec<u64> = self.recs().map(|r| r.self_).collect();
        let mut map: Vec<Option<NodeId>> = vec![None; previous.len()];
        if let Some(root) = map.first_mut() {
            *root = Some(NodeId::ROOT);
        }
        for (i, rec) in previous.recs().enumerate() {
            let target = if i == 0 {
                Some(NodeId::ROOT)
            } else {
                let parent = map.get(rec.parent as usize).copied().flatten();
                let name = self.names().get(previous.names().resolve(rec.name));
                parent.zip(name).and_then(|(p, n)| self.child(p, n))
            };
            if let Some(slot) = map.get_mut(i) {
                *slot = target;
            }
            if let Some(s) = target.and_then(|t| selves.get_mut(t.index())) {
                *s = s.saturating_sub(rec.self_);
            }
        }
        project(self, &selves)
    }
}
