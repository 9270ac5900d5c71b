//! What the flamegraph draws, computed once per profile: the input a page hands over
//! ([`FlameProfile`]) and everything derived from it that no frame should recompute
//! ([`FlameModel`]: layout, colour of every name, value formatter). Plain data, no
//! signals, so it is built and tested natively.

use std::sync::Arc;

use cinder_profile::layout::{Layout, Matches};
use cinder_profile::{DecodeError, FlamebearerProfile, Tree};

use super::diff::{DiffSides, DiffStyle};
use super::format::{Unit, ValueFormatter};
use super::palette::{NameColors, Spy};

/// A profile ready to draw: its call tree and the metadata that affects drawing.
#[derive(Debug, Clone)]
pub struct FlameProfile {
    /// The call tree.
    pub tree: Tree,
    /// What a tick is (`metadata.units`).
    pub unit: Unit,
    /// Samples per second (`metadata.sampleRate`; 0 when unknown).
    pub sample_rate: u32,
    /// The profiler (`metadata.spyName`), which picks the colour rule.
    pub spy: Spy,
    /// For a diff: the baseline and comparison ticks of every node of `tree` (the union
    /// tree, whose bars are baseline + comparison wide). Bars are then coloured by change.
    pub diff: Option<DiffSides>,
}

impl FlameProfile {
    /// A profile of `tree` with metadata as the server sends it.
    #[must_use]
    pub fn new(tree: Tree, units: &str, sample_rate: u32, spy_name: &str) -> FlameProfile {
        FlameProfile {
            tree,
            unit: Unit::parse(units),
            sample_rate,
            spy: Spy::from_spy_name(spy_name),
            diff: None,
        }
    }

    /// The diff of two trees, computed here (never by the server's `/render-diff`), with
    /// the metadata of the baseline.
    #[must_use]
    pub fn diff(
        left: &Tree,
        right: &Tree,
        units: &str,
        sample_rate: u32,
        spy_name: &str,
    ) -> FlameProfile {
        let (tree, sides) = DiffSides::split(cinder_profile::Diff::new(left, right));
        FlameProfile {
            diff: Some(sides),
            ..FlameProfile::new(tree, units, sample_rate, spy_name)
        }
    }

    /// The profile of a `/render` response (a `single` flamebearer).
    pub fn from_flamebearer(profile: &FlamebearerProfile) -> Result<FlameProfile, DecodeError> {
        let m = &profile.metadata;
        Ok(FlameProfile::new(
            profile.tree()?,
            &m.units,
            m.sample_rate,
            &m.spy_name,
        ))
    }
}

/// How a label that does not fit is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextFit {
    /// "name (p%, value)" cut on the right (Pyroscope's default).
    #[default]
    Head,
    /// The end of the name stays visible: the full label if it fits, else the bare name,
    /// else the bare name's tail.
    Tail,
}

/// A profile plus everything derived from it for drawing. Cheap to share (`Arc`).
#[derive(Debug)]
pub struct FlameModel {
    /// The input.
    pub profile: Arc<FlameProfile>,
    /// Rows of bars.
    pub layout: Layout,
    /// Package colour of every name.
    pub colors: NameColors,
    /// Value formatter scaled to the profile's total.
    pub formatter: ValueFormatter,
}

impl FlameModel {
    /// Lays out `profile` and colours its names.
    #[must_use]
    pub fn new(profile: Arc<FlameProfile>) -> FlameModel {
        let layout = Layout::new(&profile.tree);
        let colors = NameColors::new(&profile.tree, profile.spy);
        let formatter = ValueFormatter::new(profile.unit, layout.total(), profile.sample_rate);
        FlameModel {
            profile,
            layout,
            colors,
            formatter,
        }
    }

    /// The call tree.
    #[must_use]
    pub fn tree(&self) -> &Tree {
        &self.profile.tree
    }

    /// The scene to paint and hit-test with a given highlight and text fit.
    #[must_use]
    pub fn scene<'a>(&'a self, highlight: Option<&'a Matches>, fit: TextFit) -> Scene<'a> {
        Scene {
            model: self,
            highlight,
            fit,
            diff: DiffStyle::default(),
        }
    }
}

/// One frame's content: the model plus what the user highlights. [`paint`](super::paint)
/// draws it and [`hit_test`](super::hit_test) answers pointer queries on the same data.
#[derive(Debug, Clone, Copy)]
pub struct Scene<'a> {
    /// The profile's model.
    pub model: &'a FlameModel,
    /// Search or selected-function matches: matching bars keep their colour, others turn
    /// grey, and thin runs split by match status.
    pub highlight: Option<&'a Matches>,
    /// Label fitting.
    pub fit: TextFit,
    /// Colouring of a diff profile (ignored for a single one).
    pub diff: DiffStyle,
}

impl<'a> Scene<'a> {
    /// The same scene with diff colouring `style`.
    #[must_use]
    pub fn with_diff(self, style: DiffStyle) -> Scene<'a> {
        Scene {
            diff: style,
            ..self
        }
    }

    /// The diff sides, when the profile is a diff.
    #[must_use]
    pub fn sides(&self) -> Option<&'a DiffSides> {
        self.model.profile.diff.as_ref()
    }

    /// The merge class of a name: "is highlighted" (always false without a highlight).
    pub fn class(&self) -> impl Fn(cinder_profile::NameId) -> bool + '_ {
        #[inline]
        move |name| self.highlight.is_some_and(|m| m.contains(name))
    }
}
