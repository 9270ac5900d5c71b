//! Loading two sides: each from its [`Source`] (a `/render` of its query and window, or a
//! URL) or from a file; for the diff view, the diff computed here from the two trees (never
//! by `/render-diff`), and its table once the graph is on screen. A side's answer to a
//! superseded request is dropped; old data stays on screen while a side reloads. A query
//! side is built from cached time chunks ([`Chunked`]), so reselecting fetches only what
//! is not cached yet. The comparison view (`/comparison`) uses the same loader without the
//! diff.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use cinder_profile::timegrid::Window;

use crate::api;
use crate::flamegraph::FlameProfile;
use crate::pages::chunked::Chunked;
use crate::pages::side;
use crate::state::diff_table::DiffTableModel;
use crate::state::diff_view::Side;
use crate::state::profile::LoadedProfile;
use crate::state::shown::Shown;
use crate::state::source::Source;
use crate::state::timeline::TimelineModel;

/// Reactive data of two sides and their diff.
#[derive(Debug, Clone, Copy)]
pub struct DiffLoader {
    /// The baseline on screen.
    pub left: RwSignal<Option<Shown>>,
    /// The comparison on screen.
    pub right: RwSignal<Option<Shown>>,
    /// Whether to compute the diff when both sides are there.
    diffs: bool,
    /// The diff on screen (union tree with both sides).
    pub profile: RwSignal<Option<Arc<FlameProfile>>>,
    /// Its table, computed after the graph's first paint.
    pub table: RwSignal<Option<Arc<DiffTableModel>>>,
    /// The last error, per side.
    pub errors: RwSignal<[Option<String>; 2]>,
    /// Sides still loading.
    pub loading: RwSignal<[bool; 2]>,
    /// Id of the newest request per side; older answers are ignored.
    latest: RwSignal<[u64; 2]>,
    /// Each side's chunk cache.
    pub chunks: [Chunked; 2],
    /// Samples over the main range (the main timeline).
    pub timeline: RwSignal<Option<TimelineModel>>,
    timeline_id: RwSignal<u64>,
}

fn slot(side: Side) -> usize {
    match side {
        Side::Left => 0,
        Side::Right => 1,
    }
}

impl DiffLoader {
    /// Empty state; `diffs`: compute the diff of the sides.
    #[must_use]
    pub fn new(diffs: bool) -> DiffLoader {
        DiffLoader {
            diffs,
            left: RwSignal::new(None),
            right: RwSignal::new(None),
            profile: RwSignal::new(None),
            table: RwSignal::new(None),
            errors: RwSignal::new([None, None]),
            loading: RwSignal::new([false, false]),
            latest: RwSignal::new([0, 0]),
            chunks: [Chunked::new(), Chunked::new()],
            timeline: RwSignal::new(None),
            timeline_id: RwSignal::new(0),
        }
    }

    /// The profile on screen of `side`.
    #[must_use]
    pub fn side(self, side: Side) -> RwSignal<Option<Shown>> {
        match side {
            Side::Left => self.left,
            Side::Right => self.right,
        }
    }

    /// Whether `side` has a profile.
    #[must_use]
    pub fn has(self, side: Side) -> bool {
        self.side(side).with_untracked(Option::is_some)
    }

    /// Both loaded profiles, when both are there (for exports).
    #[must_use]
    pub fn both(self) -> Option<(Shown, Shown)> {
        Some((self.left.get_untracked()?, self.right.get_untracked()?))
    }

    fn next_id(self, side: Side) -> u64 {
        let mut id = 0;
        self.latest.update(|l| {
            l[slot(side)] += 1;
            id = l[slot(side)];
        });
        id
    }

    /// Loads `side` from `source` (nothing to load: the side stays empty); a query is
    /// fetched in chunks on the grid of the view's `range` (unix seconds).
    pub fn load(self, side: Side, source: Option<Source>, range: (i64, i64)) {
        let id = self.next_id(side);
        let Some(source) = source else {
            self.loading.update(|l| l[slot(side)] = false);
            return;
        };
        self.loading.update(|l| l[slot(side)] = true);
        let chunks = self.chunks[slot(side)];
        spawn_local(async move {
            let result = match source {
                Source::Query { query, from, until } => {
                    let selection = Window::snap(from, until);
                    chunks
                        .load(query, selection, Window::snap(range.0, range.1))
                        .await
                }
                url => side::load(url).await,
            };
            self.finish(side, id, result);
        });
    }

    /// Shows `side` over `window` from its cached chunks while its selection is dragged
    /// (nothing happens where they are not all cached); releasing it loads the window
    /// exactly through [`DiffLoader::load`].
    pub fn preview(self, side: Side, query: &str, window: (i64, i64), range: (i64, i64)) {
        let preview = self.chunks[slot(side)].preview(
            query,
            Window::snap(window.0, window.1),
            Window::snap(range.0, range.1),
        );
        if let Some(p) = preview {
            let id = self.next_id(side);
            self.finish(side, id, Ok(p));
        }
    }

    /// Loads `side` exactly again if a preview is on screen (a selection released where
    /// it started: its state did not change, so nothing else reloads it).
    pub fn settle(self, side: Side, source: Option<Source>, range: (i64, i64)) {
        if self.chunks[slot(side)].previewing() {
            self.load(side, source, range);
        }
    }

    /// Loads the main timeline: `query` over `range` (a `/render` of one node: only its
    /// timeline is used).
    pub fn load_timeline(self, query: String, range: (i64, i64)) {
        let id = self.timeline_id.get_untracked() + 1;
        self.timeline_id.set(id);
        if query.is_empty() {
            self.timeline.set(None);
            return;
        }
        spawn_local(async move {
            let answer = api::http::render(&query, range.0, range.1, 1).await;
            let model = answer
                .ok()
                .and_then(|bytes| LoadedProfile::from_flamebearer_json(&bytes).ok())
                .and_then(|p| p.timeline);
            // `try_`: the page may have been left while the request was out.
            if self.timeline_id.try_get_untracked() == Some(id) {
                self.timeline.set(model);
            }
        });
    }

    /// Shows a file opened for `side`.
    pub fn show_file(self, side: Side, name: &str, bytes: &[u8]) {
        let id = self.next_id(side);
        self.finish(side, id, LoadedProfile::from_file(name, bytes));
    }

    fn finish(self, side: Side, id: u64, result: Result<LoadedProfile, String>) {
        // Superseded, or the page was left (its signals are disposed together).
        if self.latest.try_with_untracked(|l| l[slot(side)]) != Some(id) {
            return;
        }
        self.loading.update(|l| l[slot(side)] = false);
        match result {
            Ok(p) => {
                self.errors.update(|e| e[slot(side)] = None);
                self.side(side).set(Some(Shown::new(p)));
                if self.diffs {
                    self.rediff();
                }
            }
            Err(e) => self
                .errors
                .update(|errs| errs[slot(side)] = Some(format!("{}: {e}", side.title()))),
        }
    }

    /// Diffs the two sides (when both are there) and schedules the table.
    fn rediff(self) {
        let Some((left, right)) = self.both() else {
            return;
        };
        // Both trees are in memory: `bench-diff.mjs` times from here to the diff on screen.
        api::browser::mark("cinder-diff-start");
        let m = &left.meta;
        let flame = Arc::new(FlameProfile::diff(
            left.tree(),
            right.tree(),
            &m.units,
            m.sample_rate,
            &m.spy_name,
        ));
        self.profile.set(Some(Arc::clone(&flame)));
        // The graph paints in the next animation frame; this runs once that frame is shown.
        api::browser::after_next_frame(|| api::browser::mark("cinder-diff-painted"));
        api::browser::after_next_frame(move || {
            let current = self
                .profile
                .try_with_untracked(|p| p.as_ref().is_some_and(|p| Arc::ptr_eq(p, &flame)))
                .unwrap_or(false);
            if let (true, Some(sides)) = (current, flame.diff.as_ref()) {
                self.table
                    .set(Some(Arc::new(DiffTableModel::new(&flame.tree, sides))));
            }
        });
    }
}
