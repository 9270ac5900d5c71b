//! Folded ("collapsed") stacks, the canonical text form of a profile: one line per stack,
//! frames root first separated by `;`, then a space and a count (`main;work;compute 40`).
//! Also the `lines` ingestion format, where every line is one sample without a count.
//!
//! Parsing follows the original server (split at the *last* space, so frames may contain
//! spaces; an empty trailing frame is dropped; empty frames in the middle are kept) but
//! never fails: what the original rejected or skipped becomes a [`Warning`].

use std::borrow::Cow;

use crate::error::{Warning, WarningKind, Warnings};
use crate::tree::Tree;
use crate::units::{NodeId, Ticks};

/// Lines longer than this made the original server stop reading (its scanner limit).
const LONG_LINE: usize = 64 * 1024;

impl Tree {
    /// Builds a tree from folded text. Never fails; see [`WarningKind`] for what is skipped.
    #[must_use]
    pub fn from_folded(text: &str) -> (Tree, Vec<Warning>) {
        Tree::from_folded_bytes(text.as_bytes())
    }

    /// [`Tree::from_folded`] for a raw request body that may not be valid UTF-8.
    #[must_use]
    pub fn from_folded_bytes(body: &[u8]) -> (Tree, Vec<Warning>) {
        let mut tree = Tree::new();
        let mut cache = PrefixCache::default();
        let mut lines = Lines::new(body);
        while let Some((number, line)) = lines.next() {
            let Some((stack, count)) = line.rsplit_once(' ') else {
                lines.warnings.push(number, WarningKind::MissingCount);
                continue;
            };
            match count.parse::<u64>() {
                Ok(value) => cache.insert(&mut tree, stack, Ticks(value)),
                Err(_) => lines
                    .warnings
                    .push(number, WarningKind::BadCount(short(count))),
            }
        }
        (tree, lines.warnings.finish())
    }

    /// Builds a tree from the `lines` format: every non-empty line is one sample of the
    /// stack it spells. Never fails.
    #[must_use]
    pub fn from_lines(body: &[u8]) -> (Tree, Vec<Warning>) {
        let mut tree = Tree::new();
        let mut cache = PrefixCache::default();
        let mut lines = Lines::new(body).quiet_blank_lines();
        for (_, line) in &mut lines {
            cache.insert(&mut tree, &line, Ticks(1));
        }
        (tree, lines.warnings.finish())
    }

    /// Writes the tree as folded text, one `stack self\n` line per node with self > 0, in
    /// the original's `format=collapsed` order: breadth first, siblings by name. Ticks on
    /// the root (empty stacks) are written as a line with an empty stack (` 5`).
    #[must_use]
    pub fn to_folded(&self) -> String {
        let ranks = self.names().ranks();
        let mut out = String::new();
        let mut queue = std::collections::VecDeque::from([NodeId::ROOT]);
        while let Some(id) = queue.pop_front() {
            let Some(node) = self.node(id) else { continue };
            if node.self_ticks() > Ticks::ZERO {
                out.push_str(&node.stack().join(";"));
                out.push(' ');
                out.push_str(&node.self_ticks().to_string());
                out.push('\n');
            }
            let mut kids: Vec<u32> = node.children().map(|k| k.id().0).collect();
            let rank = |id: u32| {
                let name = self.node(NodeId(id)).map(|n| n.name_id());
                name.and_then(|n| ranks.get(n.index()).copied())
            };
            crate::sort::ids_by(&mut kids, &|a, b| rank(a).cmp(&rank(b)));
            queue.extend(kids.into_iter().map(NodeId));
        }
        out
    }
}

/// At most 40 characters of `s`, for warning messages.
fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Splits a body into numbered lines, repairing CRLF and invalid UTF-8 with warnings and
/// skipping blank lines.
struct Lines<'a> {
    rest: Option<&'a [u8]>,
    number: usize,
    warnings: Warnings,
    warned_cr: bool,
    warn_blank: bool,
}

impl<'a> Lines<'a> {
    fn new(body: &'a [u8]) -> Self {
        Lines {
            rest: Some(body),
            number: 0,
            warnings: Warnings::default(),
            warned_cr: false,
            warn_blank: true,
        }
    }

    /// The `lines` format ignores empty lines by definition, so they are not warned about.
    fn quiet_blank_lines(mut self) -> Self {
        self.warn_blank = false;
        self
    }

    fn next_raw(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                self.rest = rest.get(i + 1..);
                rest.get(..i)
            }
            None => {
                self.rest = None;
                // A final newline leaves an empty remainder, which is not a line.
                (!rest.is_empty()).then_some(rest)
            }
        }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let mut raw = self.next_raw()?;
            self.number += 1;
            if let Some(stripped) = raw.strip_suffix(b"\r") {
                raw = stripped;
                if !self.warned_cr {
                    self.warned_cr = true;
                    self.warnings.push(self.number, WarningKind::CarriageReturn);
                }
            }
            if raw.is_empty() {
                if self.warn_blank {
                    self.warnings.push(self.number, WarningKind::BlankLine);
                }
                continue;
            }
            if raw.len() > LONG_LINE {
                self.warnings.push(self.number, WarningKind::LongLine);
            }
            let text = match std::str::from_utf8(raw) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => {
                    self.warnings.push(self.number, WarningKind::InvalidUtf8);
                    String::from_utf8_lossy(raw)
                }
            };
            return Some((self.number, text));
        }
    }
}

/// The frames of a stack string: split at `;`, with an empty last frame dropped (so `a;`
/// is `[a]` and the empty string is the empty stack), as the original's `Insert` does.
pub(crate) fn frames(stack: &str) -> impl Iterator<Item = &str> {
    let trimmed = stack.strip_suffix(';').unwrap_or(stack);
    let empty = stack.is_empty();
    trimmed.split(';').take(if empty { 0 } else { usize::MAX })
}

/// Inserts stacks, reusing the node path shared with the previous stack: profilers write
/// stacks sorted, so consecutive lines usually share a long prefix and most hash lookups
/// are skipped.
#[derive(Default)]
struct PrefixCache {
    frames: Vec<(String, NodeId)>,
}

impl PrefixCache {
    fn insert(&mut self, tree: &mut Tree, stack: &str, value: Ticks) {
        let mut node = NodeId::ROOT;
        tree.add_total(node, value.0);
        let mut depth = 0;
        let mut shared = true;
        for frame in frames(stack) {
            let cached = self.frames.get(depth).filter(|(f, _)| shared && f == frame);
            node = match cached {
                Some(&(_, id)) => id,
                None => {
                    shared = false;
                    let name = tree.intern(frame);
                    let id = tree.child_or_insert(node, name);
                    self.frames.truncate(depth);
                    self.frames.push((frame.to_owned(), id));
                    id
                }
            };
            tree.add_total(node, value.0);
            depth += 1;
        }
        self.frames.truncate(depth);
        tree.add_self(node, value.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_follow_the_original_split_rules() {
        let split = |s| frames(s).collect::<Vec<_>>();
        assert_eq!(split("a;b"), ["a", "b"]);
        assert_eq!(split("a;;b"), ["a", "", "b"]);
        assert_eq!(split("a;"), ["a"]);
        assert_eq!(split(";"), [""]);
        assert!(split("").is_empty());
        assert_eq!(split(";a"), ["", "a"]);
    }

    #[test]
    fn prefix_cache_matches_plain_insertion() {
        let text = "a;b;c 1\na;b;d 2\na;x 3\na;b;c 4\nb 5\n";
        let (cached, _) = Tree::from_folded(text);
        let mut plain = Tree::new();
        for line in text.lines() {
            let (stack, count) = line.rsplit_once(' ').unwrap();
            plain.insert_stack(frames(stack), Ticks(count.parse().unwrap()));
        }
        assert_eq!(cached, plain);
        assert_eq!(cached.first_inconsistent_node(), None);
    }
}
