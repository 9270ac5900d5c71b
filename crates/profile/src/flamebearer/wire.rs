//! Serde types of the flamebearer envelope. Field order follows the Go structs of the
//! original, so serialization matches its JSON byte for byte:
//! `version, flamebearer, timeline, groups, heatmap, [leftTicks, rightTicks], metadata,
//! [annotations]`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::truncate::MaxNodes;

/// The whole `/render` response (`FlamebearerProfile`, version 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlamebearerProfile {
    /// Always 1 (a missing version is read as 1).
    #[serde(default = "version_one")]
    pub version: u32,
    /// Names, levels and tick counts.
    pub flamebearer: Flamebearer,
    /// Samples over time; `null` for diffs.
    #[serde(default)]
    pub timeline: Option<Timeline>,
    /// One timeline per value of the `groupBy` label (`"*"` for series without it); `{}`
    /// when there is no data, `null` for diffs. Keys are written sorted, as Go does.
    #[serde(default)]
    pub groups: Option<BTreeMap<String, Timeline>>,
    /// Always `null` in the open-source server.
    #[serde(default)]
    pub heatmap: Option<serde_json::Value>,
    /// Left root total of a diff; omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub left_ticks: u64,
    /// Right root total of a diff; omitted when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub right_ticks: u64,
    /// Format, units, names and (for `/render`) the query echo.
    pub metadata: Metadata,
    /// Annotations of the `/render` response; omitted elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Vec<Annotation>>,
}

fn version_one() -> u32 {
    1
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

impl FlamebearerProfile {
    /// A profile with `flamebearer` and `metadata` and every other field empty (`null`).
    #[must_use]
    pub fn new(flamebearer: Flamebearer, metadata: Metadata) -> FlamebearerProfile {
        FlamebearerProfile {
            version: 1,
            flamebearer,
            timeline: None,
            groups: None,
            heatmap: None,
            left_ticks: 0,
            right_ticks: 0,
            metadata,
            annotations: None,
        }
    }
}

/// The flamegraph itself. See the module documentation of [`crate::flamebearer`] for the
/// encoding of `levels`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Flamebearer {
    /// Symbol table; index 0 is `"total"`.
    pub names: Vec<String>,
    /// One array per depth: 4 integers per node (single) or 7 (double), x delta encoded.
    pub levels: Vec<Vec<u64>>,
    /// Total ticks of the whole (untruncated) tree; left + right for a diff.
    #[serde(default)]
    pub num_ticks: u64,
    /// Largest self of any emitted node (both sides for a diff).
    #[serde(default)]
    pub max_self: u64,
}

/// `metadata.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One tree, 4 integers per node.
    #[default]
    Single,
    /// Two aligned trees, 7 integers per node.
    Double,
}

impl Format {
    /// `single` or `double`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Single => "single",
            Format::Double => "double",
        }
    }
}

/// `metadata`: the flamebearer's own fields, then the ones `/render` and `/render-diff`
/// add (omitted when `None`, as in the Grafana-style and adhoc responses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// `single` or `double`.
    pub format: Format,
    /// Profiler that produced the data (`gospy`, `pyspy`, …; empty when unknown).
    #[serde(default)]
    pub spy_name: String,
    /// Samples per second; 0 when unknown or not sampled.
    #[serde(default)]
    pub sample_rate: u32,
    /// What a tick is: `samples`, `objects`, `bytes`, `goroutines`, `lock_samples`, …
    #[serde(default)]
    pub units: String,
    /// Display name (`/render`: app name, a space, the requested start in RFC 3339).
    #[serde(default)]
    pub name: String,
    /// Application name (`/render`, `/render-diff`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// Requested start, unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// Requested end, unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// The `query` parameter as sent (trimmed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The effective node budget (`-1` for unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_nodes: Option<i64>,
}

impl Metadata {
    /// Sets `maxNodes` from a budget.
    #[must_use]
    pub fn with_max_nodes(mut self, max: MaxNodes) -> Metadata {
        self.max_nodes = Some(max.to_param());
        self
    }
}

/// Samples over time (pyroscope-api.md §3.7). A slot is 0 when empty, else 1 + samples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// Start of the first slot, unix seconds, a multiple of 10.
    pub start_time: i64,
    /// One value per slot.
    pub samples: Vec<u64>,
    /// Slot width in seconds (10, 100, 1000, …).
    pub duration_delta: i64,
    /// Level-retention watermarks; `{}` unless coarse levels were thinned.
    #[serde(default)]
    pub watermarks: BTreeMap<String, i64>,
}

/// One entry of `annotations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// The annotation text.
    pub content: String,
    /// Unix seconds.
    pub timestamp: i64,
}
