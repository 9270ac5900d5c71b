//! A profile on screen: a loaded profile turned into what the flamegraph draws, with its
//! metadata (for exports) and timeline. Any page that shows one profile (or one side of a
//! comparison) holds these.

use std::sync::Arc;

use cinder_profile::flamebearer::Metadata;

use super::profile::LoadedProfile;
use super::timeline::TimelineModel;
use crate::flamegraph::FlameProfile;

/// The profile on screen, ready to draw.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The tree with what drawing needs (units, sample rate, spy).
    pub flame: Arc<FlameProfile>,
    /// Units, names, times as loaded.
    pub meta: Arc<Metadata>,
    /// Samples over time, for profiles from the server.
    pub timeline: Option<TimelineModel>,
}

impl Shown {
    /// Takes a freshly loaded profile (its tree moves into the flamegraph's profile).
    #[must_use]
    pub fn new(profile: LoadedProfile) -> Shown {
        let LoadedProfile {
            tree,
            meta,
            timeline,
        } = profile;
        let flame = FlameProfile::new(tree, &meta.units, meta.sample_rate, &meta.spy_name);
        Shown {
            flame: Arc::new(flame),
            meta: Arc::new(meta),
            timeline,
        }
    }

    /// The call tree.
    #[must_use]
    pub fn tree(&self) -> &cinder_profile::Tree {
        &self.flame.tree
    }
}
