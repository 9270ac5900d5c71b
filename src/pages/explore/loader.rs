//! Loading the single view's data: the app list, and the profile for the current query and
//! range (or `?profile=URL`, or a dropped file). Old data stays on screen while new data
//! loads; the spinner appears only after 250 ms; answers to superseded requests are
//! dropped.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use cinder_profile::flamebearer::Metadata;

use crate::api;
use crate::flamegraph::FlameProfile;
use crate::state::apps::AppInfo;
use crate::state::profile::LoadedProfile;
use crate::state::table::TableModel;
use crate::state::timeline::TimelineModel;
use crate::state::view::ExploreState;

/// Node budget requested from the server, as the original UI's default.
pub const MAX_NODES: u32 = 1024;
/// How long a load may take before the spinner shows.
const SPINNER_DELAY: Duration = Duration::from_millis(250);

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

/// Reactive data of the single view.
#[derive(Debug, Clone, Copy)]
pub struct Loader {
    /// The app list (`None` until first loaded).
    pub apps: RwSignal<Option<Result<Vec<AppInfo>, String>>>,
    /// The profile on screen.
    pub shown: RwSignal<Option<Shown>>,
    /// Its function table, computed after the flamegraph's first paint.
    pub table: RwSignal<Option<Arc<TableModel>>>,
    /// The last load's error, shown above the (old) data.
    pub error: RwSignal<Option<String>>,
    /// Whether the spinner shows.
    pub spinner: RwSignal<bool>,
    /// Id of the newest request; older answers are ignored.
    latest: RwSignal<u64>,
    /// Id of the request still in flight, if any (the spinner's timer checks it).
    pending: RwSignal<Option<u64>>,
}

impl Loader {
    /// Empty state.
    #[must_use]
    pub fn new() -> Loader {
        Loader {
            apps: RwSignal::new(None),
            shown: RwSignal::new(None),
            table: RwSignal::new(None),
            error: RwSignal::new(None),
            spinner: RwSignal::new(false),
            latest: RwSignal::new(0),
            pending: RwSignal::new(None),
        }
    }

    /// Reloads the app list.
    pub fn load_apps(self) {
        spawn_local(async move {
            let result = api::http::apps().await.map_err(|e| e.to_string());
            self.apps.set(Some(result));
        });
    }

    /// Loads what `state` asks for at time `now`.
    pub fn load_profile(self, state: &ExploreState, now: i64) {
        let id = self.latest.get_untracked() + 1;
        self.latest.set(id);
        if state.profile_url.is_none() && state.query.is_empty() {
            self.pending.set(None);
            self.spinner.set(false);
            return;
        }
        self.pending.set(Some(id));
        set_timeout(
            move || {
                if self.pending.get_untracked() == Some(id) {
                    self.spinner.set(true);
                }
            },
            SPINNER_DELAY,
        );
        let url = state.profile_url.clone();
        let query = state.query.clone();
        let (from, until) = state.range.resolve(now);
        spawn_local(async move {
            let result = match url {
                Some(url) => match api::http::fetch_bytes(&url).await {
                    Ok(bytes) => LoadedProfile::from_file(&url, &bytes),
                    Err(e) => Err(format!("cannot load {url}: {e}")),
                },
                None => match api::http::render(&query, from, until, MAX_NODES).await {
                    Ok(bytes) => LoadedProfile::from_flamebearer_json(&bytes),
                    Err(e) => Err(e.to_string()),
                },
            };
            self.finish(id, result);
        });
    }

    /// Shows a profile opened from a local file.
    pub fn show_file(self, name: &str, bytes: &[u8]) {
        let id = self.latest.get_untracked() + 1;
        self.latest.set(id);
        self.finish(id, LoadedProfile::from_file(name, bytes));
    }

    fn finish(self, id: u64, result: Result<LoadedProfile, String>) {
        if self.latest.get_untracked() != id {
            return;
        }
        self.pending.set(None);
        self.spinner.set(false);
        match result {
            Ok(p) => {
                self.error.set(None);
                let shown = Shown::new(p);
                let flame = Arc::clone(&shown.flame);
                self.shown.set(Some(shown));
                // The table (a pass over every node, then a sort) waits until the flamegraph
                // is on screen.
                api::browser::after_next_frame(move || {
                    if self.latest.get_untracked() == id {
                        self.table.set(Some(Arc::new(TableModel::new(&flame.tree))));
                    }
                });
            }
            Err(e) => self.error.set(Some(e)),
        }
    }
}

impl Default for Loader {
    fn default() -> Self {
        Loader::new()
    }
}
