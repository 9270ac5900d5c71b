//! A side's tree built from time chunks, so reselecting never waits for data already
//! fetched: the selection is planned on a chunk grid of the view's range
//! ([`cinder_profile::chunks`]), missing chunks are fetched untruncated (one `/render`
//! each, in parallel, progress shown), cached with a byte budget and pre-merged in aligned
//! groups; the unaligned edges of the selection are fetched as their own small windows,
//! so the tree equals a `/render` of exactly the selection. While a selection is dragged,
//! [`Chunked::preview`] shows the whole cached chunks inside it without fetching anything.

use futures::future::join_all;
use leptos::prelude::*;

use cinder_profile::chunks::{ChunkGrid, ChunkStore};
use cinder_profile::flamebearer::Metadata;
use cinder_profile::timegrid::Window;
use cinder_profile::Tree;

use crate::api;
use crate::state::profile::LoadedProfile;

/// At most this many chunks over the view's range.
pub const MAX_CHUNKS: i64 = 360;
/// Bytes of chunk trees and groups kept per side.
pub const BUDGET_BYTES: usize = 96 << 20;

struct Cache {
    query: String,
    grid: ChunkGrid,
    store: ChunkStore,
    meta: Option<Metadata>,
}

/// One side's chunk cache and fetch progress.
#[derive(Debug, Clone, Copy)]
pub struct Chunked {
    cache: StoredValue<Option<Cache>, LocalStorage>,
    /// `(done, total)` requests of the load in progress.
    pub progress: RwSignal<Option<(usize, usize)>>,
    /// The chunks the last preview merged (a drag repaints only when they change).
    previewed: StoredValue<Option<std::ops::Range<i64>>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("query", &self.query)
            .field("grid", &self.grid)
            .field("bytes", &self.store.used_bytes())
            .finish()
    }
}

async fn fetch(query: String, w: Window) -> Result<LoadedProfile, String> {
    let (from, until) = w.params();
    let bytes = api::http::render_chunk(&query, from, until)
        .await
        .map_err(|e| e.to_string())?;
    LoadedProfile::from_flamebearer_json(&bytes)
}

impl Chunked {
    /// An empty cache.
    #[must_use]
    pub fn new() -> Chunked {
        Chunked {
            cache: StoredValue::new_local(None),
            progress: RwSignal::new(None),
            previewed: StoredValue::new(None),
        }
    }

    /// Whether a preview is on screen (no load since).
    #[must_use]
    pub fn previewing(self) -> bool {
        self.previewed.with_value(Option::is_some)
    }

    /// The merge of the cached whole chunks inside `selection` (its unaligned edges left
    /// out), fetching nothing: what a dragged selection shows until it is released and
    /// loaded exactly. `None` when some are not cached, the cache holds another query or
    /// grid, or the chunks are those of the last preview.
    pub fn preview(self, query: &str, selection: Window, range: Window) -> Option<LoadedProfile> {
        let grid = ChunkGrid::for_range(range, MAX_CHUNKS);
        let chunks = grid.plan(selection).chunks;
        if chunks.is_empty() || self.previewed.get_value().as_ref() == Some(&chunks) {
            return None;
        }
        let profile = self.cache.try_update_value(|c| {
            let c = c.as_mut().filter(|c| c.query == query && c.grid == grid)?;
            Some(LoadedProfile {
                tree: c.store.merged(chunks.clone())?,
                meta: c.meta.clone()?,
                timeline: None,
            })
        })??;
        self.previewed.set_value(Some(chunks));
        Some(profile)
    }

    /// The tree of `query` over `selection`, on the chunk grid of `range`.
    pub async fn load(
        self,
        query: String,
        selection: Window,
        range: Window,
    ) -> Result<LoadedProfile, String> {
        let grid = ChunkGrid::for_range(range, MAX_CHUNKS);
        self.previewed.set_value(None);
        self.cache.update_value(|c| {
            if c.as_ref()
                .is_none_or(|c| c.query != query || c.grid != grid)
            {
                *c = Some(Cache {
                    query: query.clone(),
                    grid,
                    store: ChunkStore::new(BUDGET_BYTES),
                    meta: None,
                });
            }
        });
        let plan = grid.plan(selection);
        let missing = self
            .cache
            .with_value(|c| c.as_ref().map(|c| c.store.missing(plan.chunks.clone())))
            .unwrap_or_default();
        let total = missing.len() + plan.edges.len();
        self.progress.set(Some((0, total)));
        let progress = self.progress;
        let counted = |w: Window| {
            let q = query.clone();
            async move {
                let r = fetch(q, w).await;
                progress.try_update(|p| {
                    if let Some((done, _)) = p {
                        *done += 1;
                    }
                });
                r
            }
        };
        let chunk_fetches = join_all(missing.iter().map(|&i| counted(grid.chunk(i))));
        let edge_fetches = join_all(plan.edges.iter().map(|&w| counted(w)));
        let (chunks, edges) = futures::join!(chunk_fetches, edge_fetches);
        // The page may be gone by now; then nothing is shown.
        let _ = self.progress.try_set(None);
        let mut edge_trees = Vec::with_capacity(edges.len());
        let mut meta = None;
        for r in edges {
            let p = r?;
            meta.get_or_insert(p.meta);
            edge_trees.push(p.tree);
        }
        self.cache
            .try_update_value(|c| {
                let c = c.as_mut().ok_or_else(|| "chunk cache gone".to_owned())?;
                for (&i, r) in missing.iter().zip(chunks) {
                    let p = r?;
                    c.meta.get_or_insert(p.meta);
                    c.store.insert(i, p.tree);
                }
                let merged = if plan.chunks.is_empty() {
                    Tree::new()
                } else {
                    c.store.merged(plan.chunks.clone()).ok_or_else(|| {
                        "the chunk cache is too small for this selection".to_owned()
                    })?
                };
                let mut tree = merged;
                for t in &edge_trees {
                    tree.merge_from(t);
                }
                let meta = c.meta.clone().or(meta).unwrap_or_default();
                Ok(LoadedProfile {
                    tree,
                    meta,
                    timeline: None,
                })
            })
            .unwrap_or_else(|| Err("chunk cache gone".to_owned()))
    }
}

impl Default for Chunked {
    fn default() -> Self {
        Chunked::new()
    }
}
