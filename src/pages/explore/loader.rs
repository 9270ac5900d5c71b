//! Loading the single view's data: the app list, and the profile for the current query and
//! range (or `?profile=URL`, or a dropped file). Old data stays on screen while new data
//! loads; the spinner appears only after 250 ms; answers to superseded requests are
//! dropped.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::pages::side;
use crate::state::apps::AppInfo;
use crate::state::profile::LoadedProfile;
use crate::state::shown::Shown;
use crate::state::source::Source;
use crate::state::table::TableModel;
use crate::state::view::ExploreState;

/// How long a load may take before the spinner shows.
const SPINNER_DELAY: Duration = Duration::from_millis(250);

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
            // The page may be gone by now (navigated away): then nothing is set.
            let _ = self.apps.try_set(Some(result));
        });
    }

    /// Loads what `state` asks for at time `now`.
    pub fn load_profile(self, state: &ExploreState, now: i64) {
        let id = self.latest.get_untracked() + 1;
        self.latest.set(id);
        let Some(source) = Source::of(
            state.profile_url.as_deref(),
            &state.query,
            state.range.resolve(now),
        ) else {
            self.pending.set(None);
            self.spinner.set(false);
            return;
        };
        self.pending.set(Some(id));
        set_timeout(
            move || {
                if self.pending.try_get_untracked() == Some(Some(id)) {
                    let _ = self.spinner.try_set(true);
                }
            },
            SPINNER_DELAY,
        );
        spawn_local(async move {
            let result = side::load(source).await;
            self.finish(id, result);
        });
    }

    /// Shows a profile opened from a local file.
    pub fn show_file(self, name: &str, bytes: &[u8]) {
        let id = self.latest.get_untracked() + 1;
        self.latest.set(id);
        self.finish(id, LoadedProfile::from_file(name, bytes));
    }

    /// Shows the answer to request `id`, unless a newer one was made or the page was left
    /// (its signals are then disposed together, so `latest` tells for all of them).
    fn finish(self, id: u64, result: Result<LoadedProfile, String>) {
        if self.latest.try_get_untracked() != Some(id) {
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
                    if self.latest.try_get_untracked() == Some(id) {
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
