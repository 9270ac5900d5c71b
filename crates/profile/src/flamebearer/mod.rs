//! Pyroscope's flamebearer JSON: the wire format of `/render` and `/render-diff`.
//!
//! This is the only module that touches raw `levels` arrays. Everything else sees a
//! [`Tree`] or a [`Diff`]. The format (pyroscope-api.md §3):
//!
//! - `names`: the symbol table. Index 0 is always `"total"`, the root. (A non-root node with
//!   index 0 is a frame with an empty name: the original keyed its name cache by the
//!   root's empty name.)
//! - `levels`: one flat integer array per depth. A node is 4 integers in a `single`
//!   profile, `[x, total, self, name]`, and 7 in a `double` one,
//!   `[xLeft, totalLeft, selfLeft, xRight, totalRight, selfRight, name]`.
//! - `x` is *delta encoded*: the gap since the end (`x + total`) of the previous node of
//!   the same level, 0 for the first. A double profile has two independent chains.
//! - A node's children start after its self ticks (`x + self`), sorted by name, with the
//!   synthetic `other` child last.
//! - `numTicks`: root total (sum of both roots for double). `maxSelf`: the largest self of
//!   any emitted node, `other` nodes and both sides included.
//!
//! Encoding reproduces the original byte for byte, including its `names` order (the order
//! of a right-to-left pre-order walk) and its truncation ([`MaxNodes`]).

mod decode;
mod encode;
mod json;
mod json_scan;
mod stream;
mod wire;

pub use json::to_go_json;
pub use wire::{Annotation, Flamebearer, FlamebearerProfile, Format, Metadata, Timeline};

use crate::diff::Diff;
use crate::error::DecodeError;
use crate::tree::Tree;
use crate::truncate::MaxNodes;

impl Flamebearer {
    /// Encodes `tree` as a `single` flamebearer, truncated to `max` nodes.
    #[must_use]
    pub fn single(tree: &Tree, max: MaxNodes) -> Flamebearer {
        encode::single(tree, max)
    }

    /// Encodes `diff` as a `double` flamebearer, truncated to `max` nodes.
    #[must_use]
    pub fn double(diff: &Diff, max: MaxNodes) -> Flamebearer {
        encode::double(diff, max)
    }

    /// Decodes `single` levels into a tree. Synthetic `other` nodes become frames named
    /// `other` (re-encoding folds them back to the same place).
    pub fn to_tree(&self) -> Result<Tree, DecodeError> {
        decode::single(self)
    }

    /// Decodes `double` levels into a diff.
    pub fn to_diff(&self) -> Result<Diff, DecodeError> {
        decode::double(self)
    }
}

impl FlamebearerProfile {
    /// Parses a `/render` (or `/render-diff`, adhoc, export) JSON body. Unknown fields are
    /// ignored and missing optional ones default, as the original UI tolerates; `version`
    /// must be 1 or absent.
    pub fn from_json(text: &str) -> Result<FlamebearerProfile, DecodeError> {
        let profile: FlamebearerProfile =
            serde_json::from_str(text).map_err(|e| DecodeError::Json(e.to_string()))?;
        if profile.version != 1 {
            return Err(DecodeError::Version(u64::from(profile.version)));
        }
        Ok(profile)
    }

    /// Compact JSON exactly as the original writes it (see [`to_go_json`]), without the
    /// trailing newline.
    #[must_use]
    pub fn to_json(&self) -> String {
        to_go_json(self)
    }

    /// A `single` profile of `tree` with the given metadata (its `format` is set to
    /// single); timeline, groups and heatmap are `null` until the caller fills them.
    #[must_use]
    pub fn single(tree: &Tree, max: MaxNodes, metadata: Metadata) -> FlamebearerProfile {
        FlamebearerProfile::new(
            Flamebearer::single(tree, max),
            Metadata {
                format: Format::Single,
                ..metadata
            },
        )
    }

    /// A `double` profile of `diff` with `leftTicks`/`rightTicks` set.
    #[must_use]
    pub fn double(diff: &Diff, max: MaxNodes, metadata: Metadata) -> FlamebearerProfile {
        let mut profile = FlamebearerProfile::new(
            Flamebearer::double(diff, max),
            Metadata {
                format: Format::Double,
                ..metadata
            },
        );
        profile.left_ticks = diff.left_total().0;
        profile.right_ticks = diff.right_total().0;
        profile
    }

    /// The tree of a `single` profile.
    pub fn tree(&self) -> Result<Tree, DecodeError> {
        self.expect_format(Format::Single)?;
        self.flamebearer.to_tree()
    }

    /// The diff of a `double` profile.
    pub fn diff(&self) -> Result<Diff, DecodeError> {
        self.expect_format(Format::Double)?;
        self.flamebearer.to_diff()
    }

    fn expect_format(&self, expected: Format) -> Result<(), DecodeError> {
        if self.metadata.format == expected {
            return Ok(());
        }
        Err(DecodeError::Format {
            expected: expected.as_str(),
            found: self.metadata.format.as_str().to_owned(),
        })
    }
}
