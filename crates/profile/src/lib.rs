//! The profile model shared by the Cinder web app (compiled to wasm32) and server (native).
//!
//! A profile is a set of *stacks*, each with a sample count: `main;work;compute 40` says
//! that 40 samples were taken while `compute` ran, called from `work`, called from `main`.
//! Stacks sharing a prefix merge into a *call tree* whose nodes carry a `total` (samples in
//! the node and below) and a `self` (samples in the node itself).
//!
//! This crate owns that model and its wire formats. It performs no IO, never reads a
//! clock and never panics on input: decoders return typed errors, lenient parsers return
//! their value together with warnings.
//!
//! # A worked example
//!
//! ```
//! use cinder_profile::{flamebearer::Flamebearer, MaxNodes, Ticks, Tree};
//!
//! let (tree, warnings) = Tree::from_folded("main;work;compute 40\nmain;work 5\ngc 30\n");
//! assert!(warnings.is_empty());
//! assert_eq!(tree.total_ticks(), Ticks(75));
//! let work = tree.find(&["main", "work"]).unwrap();
//! assert_eq!(tree.node(work).unwrap().self_ticks(), Ticks(5));
//!
//! // The `single` flamebearer the original server would send for it.
//! let fb = Flamebearer::single(&tree, MaxNodes::Limit(1024));
//! assert_eq!(fb.names, ["total", "main", "work", "compute", "gc"]);
//! assert_eq!(fb.levels, vec![vec![0, 75, 0, 0], vec![0, 30, 30, 4, 0, 45, 0, 1], vec![30, 45, 5, 2], vec![35, 40, 40, 3]]);
//! assert_eq!(fb.to_tree().unwrap(), tree);
//! ```
//!
//! Each flamebearer node is `[x, total, self, name]`; `x` is the gap since the previous
//! node of the same level ended, and a node's children start after its own self ticks.
//! A `double` flamebearer carries two such triples per node (left and right profile) for
//! diff views. See [`flamebearer`] for the details the original server fixes.
//!
//! # What the operations promise
//!
//! - [`Tree::merge_from`] / [`Tree::merge`]: the sum of stacks; commutative, associative,
//!   totals add up. [`Tree::merge_bytes`] does the same from the storage form.
//! - [`Diff::new`]: both trees aligned on their union; each side's totals are its input's.
//! - [`Tree::truncate`] and the flamebearer encoders: node budgets ([`MaxNodes`]) that
//!   fold the rest into `other` nodes without losing ticks.
//! - [`Tree::table`]: self and recursion-correct total per function;
//!   [`Tree::focus`], [`Tree::sandwich`]: views of one function over all its occurrences.
//!
//! # Modules
//!
//! - [`tree`]: the arena [`Tree`] and its [`Node`] views; [`names`]: interned frame names.
//! - folded text ([`Tree::from_folded`], [`Tree::from_lines`], [`Tree::to_folded`]) and the
//!   binary `tree`/`trie` ingestion bodies ([`Tree::from_tree_format`],
//!   [`Tree::from_trie_format`]).
//! - [`flamebearer`]: Pyroscope's `/render` JSON, single and double.
//! - [`pprof`]: pprof decode/encode, the original's sample-type mapping, push requests.
//! - [`codec`]: the versioned binary storage form ([`Tree::to_bytes`]).
//! - [`diff`], [`table`], [`truncate`]: diffs, per-function tables, node budgets.
//! - [`units`]: newtypes for quantities and ids; [`error`]: errors and warnings.
//! - [`api`]: small JSON shapes and parameters (`ProfileFormat`) of the HTTP API shared by the
//!   app and the server.
//! - [`selector`]: series keys (`app.cpu{env=prod}`) and FlameQL selectors.
//! - [`layout`]: a tree as flamegraph rows of bars in tick space, hit-testing and search.
//! - [`timegrid`]: `/render` windows on the 10 s grid; [`chunks`]: a range cut into
//!   cached time chunks and pre-merged groups, for instant reselection.
#![warn(unreachable_pub)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
#![warn(missing_docs)]

pub mod api;
mod child_index;
pub mod chunks;
pub mod codec;
pub mod dict;
pub mod diff;
pub mod error;
pub mod flamebearer;
mod folded;
mod ingest;
pub mod layout;
mod merge;
pub mod names;
pub mod pprof;
mod render_text;
pub mod selector;
pub mod sort;
pub mod table;
pub mod timegrid;
pub mod tree;
pub mod truncate;
pub mod units;
mod views;

pub use diff::{Change, Diff, Side};
pub use error::{DecodeError, Warning, WarningKind};
pub use flamebearer::{Flamebearer, FlamebearerProfile};
pub use table::{DiffRow, FunctionRow, FunctionTicks};
pub use tree::{Node, Tree};
pub use truncate::{MaxNodes, Strategy};
pub use units::{NameId, NodeId, Ticks};
pub use views::Sandwich;
