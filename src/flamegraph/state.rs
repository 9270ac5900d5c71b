//! The flamegraph's reactive state, shared by the page and the `<FlameGraph/>` component.
//!
//! A page creates one [`FlameGraphState`] from its profile signal, hands it to the
//! component, and drives it with methods: [`FlameGraphState::set_search`] from its search
//! box, [`FlameGraphState::reset`] and [`FlameGraphState::collapse_above_zoomed`] from its
//! toolbar; it reads [`FlameGraphState::search_stats`] to show the match count and share.
//! Everything costly is a memo keyed on the profile: the layout and colours are built once
//! per profile, the search once per term. Each method is a thin call into the pure modules.

use std::sync::Arc;

use cinder_profile::layout::{BarId, MatchStats, Matches, TickRange};
use cinder_profile::Ticks;
use leptos::prelude::*;

use super::by_ptr::ByPtr;
use super::diff::DiffStyle;
use super::hit_test::{hit_test, navigate, Hit, Step};
use super::model::{FlameModel, FlameProfile, TextFit};
use super::paint::{paint, PaintStats, Scratch};
use super::painter::Painter;
use super::tooltip::{display_name, tooltip, Tooltip};
use super::viewport::{CanvasSize, CssPx, CssRect, Target, ViewState, Viewport};

/// A built model, equal only to itself, so a memo never compares whole layouts.
type ModelRef = ByPtr<FlameModel>;

/// What the search (or the highlighted function) covers, for the page to display: matching
/// nodes, and ticks and share of the samples passing through a match (nested matches
/// counted once).
pub type SearchStats = MatchStats;

/// Size and scroll position of the canvas, written by the canvas host.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Geometry {
    /// Canvas size and devicePixelRatio.
    pub size: CanvasSize,
    /// Graph pixels scrolled above the canvas.
    pub scroll_top: CssPx,
}

/// Where a bar is on the canvas, for clicking it programmatically.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarPoint {
    /// Canvas-relative x of the visible part's centre.
    pub x: CssPx,
    /// The line the bar is drawn on (scroll it into view first).
    pub line: usize,
}

/// The flamegraph's state. `Copy`: it only holds signal handles.
#[derive(Debug, Clone, Copy)]
pub struct FlameGraphState {
    model: Memo<Option<ModelRef>>,
    search: RwSignal<String>,
    highlight: Memo<Option<Arc<Matches>>>,
    view: RwSignal<ViewState>,
    fit: RwSignal<TextFit>,
    diff: RwSignal<DiffStyle>,
    selected: RwSignal<Option<BarId>>,
    /// Bumped by every user action that changes the view (click, keys, menu, reset), so a
    /// page can tell the user's zooms from its own `set_zoom_path`.
    touched: RwSignal<u64>,
    /// Counts of the highlight last painted, filled in a task after that frame.
    stats: RwSignal<Option<SearchStats>>,
    /// The highlight `stats` was (or is being) counted for.
    counted: StoredValue<Option<Arc<Matches>>>,
}

/// Everything one frame reads, taken at once.
struct Parts {
    model: Arc<FlameModel>,
    highlight: Option<Arc<Matches>>,
    fit: TextFit,
    diff: DiffStyle,
    view: ViewState,
}

impl Parts {
    fn scene(&self) -> super::model::Scene<'_> {
        self.model
            .scene(self.highlight.as_deref(), self.fit)
            .with_diff(self.diff)
    }
}

impl FlameGraphState {
    /// State for `profile`. Bars of `highlighted_name` (a function selected in the table)
    /// are highlighted instead of the search matches while it is set.
    #[must_use]
    pub fn new(
        profile: Signal<Option<Arc<FlameProfile>>>,
        highlighted_name: Signal<Option<String>>,
    ) -> FlameGraphState {
        let model = Memo::new(move |prev: Option<&Option<ModelRef>>| {
            let profile = profile.get()?;
            // Re-setting the same profile keeps the model instead of laying it out again.
            match prev.cloned().flatten() {
                Some(m) if Arc::ptr_eq(&m.0.profile, &profile) => Some(m),
                _ => Some(ByPtr::new(FlameModel::new(profile))),
            }
        });
        let search = RwSignal::new(String::new());
        let highlight = Memo::new(move |_| {
            let model = model.get()?;
            let tree = model.0.tree();
            let matches = match highlighted_name.get() {
                Some(name) if !name.is_empty() => Matches::exact(tree, &name),
                _ => search.with(|term| Matches::substring(tree, term)),
            };
            matches.map(Arc::new)
        });
        FlameGraphState {
            model,
            search,
            highlight,
            view: RwSignal::new(ViewState::default()),
            fit: RwSignal::new(TextFit::Head),
            diff: RwSignal::new(DiffStyle::default()),
            selected: RwSignal::new(None),
            touched: RwSignal::new(0),
            stats: RwSignal::new(None),
            counted: StoredValue::new(None),
        }
    }

    /// Applies a search term at once (case-insensitive substring; empty clears it). Debounce
    /// typing in the page if wanted.
    pub fn set_search(&self, term: impl Into<String>) {
        self.search.set(term.into());
    }

    /// The current search term.
    #[must_use]
    pub fn search(&self) -> String {
        self.search.get()
    }

    /// Match count and share of the search or highlighted function; `None` without one.
    /// Counting visits every node, so it runs after the frame showing the matches is on
    /// screen: the numbers follow the repaint by a frame, and typing never waits for them.
    #[must_use]
    pub fn search_stats(&self) -> Option<SearchStats> {
        self.stats.get()
    }

    /// Called after each paint: schedules counting the painted highlight if it is new.
    pub(crate) fn after_paint(&self) {
        let current = self.highlight.get_untracked();
        let same = self.counted.with_value(|c| match (c, &current) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        });
        if same {
            return;
        }
        self.counted.set_value(current.clone());
        let state = *self;
        // The highlight shows first and the count follows.
        crate::api::browser::after_next_frame(move || state.count(current.clone()));
    }

    fn count(&self, matches: Option<Arc<Matches>>) {
        // A newer highlight (or profile) supersedes this one: its own count is scheduled.
        let Some(current) = self.highlight.try_get_untracked() else {
            return;
        };
        let superseded = match (&current, &matches) {
            (Some(a), Some(b)) => !Arc::ptr_eq(a, b),
            (None, None) => false,
            _ => true,
        };
        if superseded {
            return;
        }
        let stats = matches
            .zip(self.model.get_untracked())
            .map(|(m, model)| m.stats(model.0.tree()));
        self.stats.set(stats);
    }

    /// How many view-changing user actions happened (reactive).
    #[must_use]
    pub fn user_actions(&self) -> u64 {
        self.touched.get()
    }

    fn touch(&self) {
        self.touched.update(|n| *n += 1);
    }

    /// The zoomed bar as the frame names from the root's child down, for the page's URL;
    /// `None` when not zoomed, or zoomed into a run of merged thin bars (no single node).
    #[must_use]
    pub fn zoom_path(&self) -> Option<Vec<String>> {
        let p = self.parts(true)?;
        let target = p.view.zoom?;
        let layout = &p.model.layout;
        let bar = layout.bar(layout.find(target.row as usize, target.range.start)?)?;
        if bar.range != target.range {
            return None;
        }
        let node = p.model.tree().node(bar.node)?;
        Some(node.stack().into_iter().map(String::from).collect())
    }

    /// After a user action: the zoomed node's path, or an empty path when nothing is
    /// zoomed; `None` when zoomed into a run of merged bars (no path describes it).
    #[must_use]
    pub fn with_untracked_zoom_path(&self) -> Option<Vec<String>> {
        untrack(|| match self.zoom_path() {
            Some(path) => Some(path),
            None if !self.can_reset() => Some(Vec::new()),
            None => None,
        })
    }

    /// Keeps the zoom and a URL's focus path (`focus=a;b;c`) in step, so links open zoomed
    /// and Back undoes a zoom. Each side writes only when the other differs, so they cannot
    /// loop. A zoom reaches the URL (`write`) once its frame is on screen (a navigation
    /// costs about as much as painting); until then other URL changes leave `focus`, and so
    /// the zoom, alone.
    pub fn sync_zoom_with_url(self, focus: Memo<Vec<String>>, write: Callback<Vec<String>>) {
        crate::effect::effect(move || {
            let wanted = focus.get();
            let _ = self.is_empty(); // also re-apply when a profile arrives
            if untrack(|| self.zoom_path()).unwrap_or_default() != wanted {
                self.set_zoom_path(&wanted);
            }
        });
        Effect::new(move |prev: Option<u64>| {
            let actions = self.user_actions();
            if prev.is_some_and(|p| p != actions) {
                crate::api::browser::after_next_frame(move || {
                    if let Some(path) = self.with_untracked_zoom_path() {
                        if focus.get_untracked() != path {
                            write.run(path);
                        }
                    }
                });
            }
            actions
        });
    }

    /// Zooms to the node at `path` (frame names from the root's child down), as a link
    /// asks; an empty or unknown path un-zooms.
    pub fn set_zoom_path(&self, path: &[String]) {
        let Some(model) = self.model.get_untracked() else {
            return;
        };
        let m = &model.0;
        let frames: Vec<&str> = path.iter().map(String::as_str).collect();
        let target = Some(frames)
            .filter(|f| !f.is_empty())
            .and_then(|f| m.tree().find(&f))
            .and_then(|node| m.layout.bar_of_node(m.tree(), node))
            .and_then(|id| m.layout.bar(id))
            .map(|bar| Target::of_bar(&bar));
        if self.view.get_untracked().zoom != target {
            self.view.update(|v| v.zoom = target);
        }
    }

    /// Un-zooms and un-focuses.
    pub fn reset(&self) {
        self.touch();
        self.view.set(ViewState::default());
    }

    /// True when zoomed or focused (the page enables its Reset button on it).
    #[must_use]
    pub fn can_reset(&self) -> bool {
        self.parts(true).is_some_and(|p| !p.view.is_reset())
    }

    /// "Collapse nodes above" the zoomed bar, if one is zoomed.
    pub fn collapse_above_zoomed(&self) {
        self.touch();
        let Some(p) = self.parts(false) else {
            return;
        };
        if let Some(zoom) = p.view.zoom {
            self.view.set(ViewState {
                zoom: None,
                focus: Some(zoom),
            });
        }
    }

    /// Sets the label fitting.
    pub fn set_fit(&self, fit: TextFit) {
        self.fit.set(fit);
    }

    /// The label fitting.
    #[must_use]
    pub fn fit(&self) -> TextFit {
        self.fit.get()
    }

    /// Sets the colouring of a diff profile (repaints; ignored for a single profile).
    pub fn set_diff_style(&self, style: DiffStyle) {
        if self.diff.get_untracked() != style {
            self.diff.set(style);
        }
    }

    /// True without a profile or with an empty one ("No data available").
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.model
            .with(|m| m.as_ref().is_none_or(|m| m.0.layout.total() == Ticks::ZERO))
    }

    fn parts(&self, tracked: bool) -> Option<Parts> {
        let (model, highlight, fit, diff, view) = if tracked {
            (
                self.model.get()?,
                self.highlight.get(),
                self.fit.get(),
                self.diff.get(),
                self.view.get(),
            )
        } else {
            (
                self.model.get_untracked()?,
                self.highlight.get_untracked(),
                self.fit.get_untracked(),
                self.diff.get_untracked(),
                self.view.get_untracked(),
            )
        };
        let view = view.validated(&model.0.layout);
        Some(Parts {
            model: model.0,
            highlight,
            fit,
            diff,
            view,
        })
    }

    /// Subscribes the caller to everything a frame depends on.
    pub(crate) fn track_frame(&self) {
        let _ = self.parts(true);
    }

    /// Height of the whole graph (reactive), the canvas host's scroll extent.
    pub(crate) fn content_height(&self) -> CssPx {
        self.parts(true)
            .map_or(CssPx(0.0), |p| p.view.content_height(&p.model.layout))
    }

    /// Paints one frame.
    pub(crate) fn paint(
        &self,
        geometry: Geometry,
        scratch: &mut Scratch,
        painter: &mut impl Painter,
    ) -> Option<PaintStats> {
        let p = self.parts(false)?;
        let scene = p.scene();
        let vp = Viewport::new(&p.view, &p.model.layout, geometry.size, geometry.scroll_top);
        Some(paint(&scene, &vp, scratch, painter))
    }

    fn viewport(p: &Parts, geometry: Geometry) -> Viewport {
        Viewport::new(&p.view, &p.model.layout, geometry.size, geometry.scroll_top)
    }

    /// What is under a canvas point.
    pub(crate) fn hit(&self, geometry: Geometry, x: CssPx, y: CssPx) -> Option<Hit> {
        let p = self.parts(false)?;
        let scene = p.scene();
        hit_test(&scene, &Self::viewport(&p, geometry), x, y)
    }

    /// A click: zoom (or un-zoom) a bar or run; the header expands the collapsed levels.
    pub(crate) fn click(&self, hit: Hit) {
        self.touch();
        let Some(p) = self.parts(false) else {
            return;
        };
        let mut view = p.view;
        match hit {
            Hit::Header => view.reset(),
            Hit::Item(item) => {
                view.click(Target::of(&item));
                if let cinder_profile::layout::Drawn::Bar(bar) = item {
                    self.selected.set(Some(bar.id));
                }
            }
        }
        self.view.set(view);
    }

    /// Focus ("collapse nodes above") on what was hit.
    pub(crate) fn collapse_above(&self, hit: Hit) {
        self.touch();
        if let Hit::Item(item) = hit {
            self.view.update(|v| v.collapse_above(Target::of(&item)));
        }
    }

    /// The function name of a hit bar (for selecting it in the table).
    pub(crate) fn name_of(&self, hit: Hit) -> Option<String> {
        let p = self.parts(false)?;
        let Hit::Item(cinder_profile::layout::Drawn::Bar(bar)) = hit else {
            return None;
        };
        let scene = p.model.scene(None, p.fit);
        (bar.id.row > 0).then(|| display_name(&scene, bar.name).to_owned())
    }

    /// The tooltip of a hit (reactive).
    pub(crate) fn tooltip(&self, hit: Hit) -> Option<Tooltip> {
        let p = self.parts(true)?;
        let scene = p.scene();
        Some(tooltip(&scene, &hit))
    }

    /// Where a hit is drawn (reactive), for the hover overlay.
    pub(crate) fn rect_of(&self, geometry: Geometry, hit: Hit) -> Option<CssRect> {
        let p = self.parts(true)?;
        let vp = Self::viewport(&p, geometry);
        match hit {
            Hit::Header => Some(CssRect {
                x: CssPx(0.0),
                y: vp.line_top(0),
                width: geometry.size.width,
                height: super::viewport::LINE_HEIGHT,
            }),
            Hit::Item(item) => vp.rect(item.row() as usize, item.range()),
        }
    }

    /// The keyboard-selected bar's rectangle (reactive), for the focus ring.
    pub(crate) fn selected_rect(&self, geometry: Geometry) -> Option<CssRect> {
        let p = self.parts(true)?;
        let bar = p.model.layout.bar(self.selected.get()?)?;
        Self::viewport(&p, geometry).rect(bar.id.row as usize, bar.range)
    }

    /// Handles a key; returns the line to scroll into view when it moved the selection, and
    /// `None` when the key is not the flamegraph's.
    pub(crate) fn key(&self, key: &str, geometry: Geometry) -> Option<Option<usize>> {
        self.touch();
        let p = self.parts(false)?;
        let step = match key {
            "ArrowLeft" => Step::Left,
            "ArrowRight" => Step::Right,
            "ArrowUp" => Step::Up,
            "ArrowDown" => Step::Down,
            "Escape" => {
                self.reset();
                return Some(None);
            }
            "Enter" => {
                let bar = p.model.layout.bar(self.selected.get_untracked()?)?;
                self.click(Hit::Item(cinder_profile::layout::Drawn::Bar(bar)));
                return Some(None);
            }
            _ => return None,
        };
        let vp = Self::viewport(&p, geometry);
        let layout = &p.model.layout;
        let current = self
            .selected
            .get_untracked()
            .filter(|id| layout.bar(*id).is_some() && id.row as usize >= vp.top_row);
        let next = match current {
            None => BarId {
                row: u32::try_from(vp.top_row).unwrap_or(0),
                index: layout.span(vp.top_row, vp.range).start as u32,
            },
            Some(from) => {
                let scene = p.scene();
                navigate(&scene, from, step, vp.range).unwrap_or(from)
            }
        };
        if (next.row as usize) < vp.top_row {
            // Moving above the focused row expands the collapsed levels.
            self.view.update(|v| v.focus = None);
        }
        self.selected.set(Some(next));
        Some(vp.line_of_row(next.row as usize))
    }

    /// Where the bar at `level` starting at `offset` (absolute ticks, Pyroscope layout) is
    /// drawn: the bench's `zoomPoint`.
    pub(crate) fn bar_point(
        &self,
        geometry: Geometry,
        level: usize,
        offset: Ticks,
        total: Ticks,
    ) -> Option<BarPoint> {
        let p = self.parts(false)?;
        let layout = &p.model.layout;
        let range = match layout.find(level, offset).and_then(|id| layout.bar(id)) {
            Some(bar) => bar.range,
            None => TickRange::new(offset, offset + total),
        };
        let vp = Self::viewport(&p, geometry);
        let line = vp.line_of_row(level)?;
        let lo = range.start.max(vp.range.start).0 as f64;
        let hi = range.end.min(vp.range.end).0 as f64;
        (hi > lo).then(|| BarPoint {
            x: vp.tick_to_x((lo + hi) / 2.0),
            line,
        })
    }
}
